package dev.memflux.cli;

import dev.memflux.capture.PythonLauncher;
import dev.memflux.live.LiveFeed;
import dev.memflux.live.LiveServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code run --live} and {@code run --live-remote}: the live feed's server around an
 * ordinary run. With --live-remote the program starts once a first viewer connected. With
 * --live the view is this process's own viewer, connected to the same feed on loopback,
 * drawn on "memflux-live-view" while the main thread follows the program; what memflux
 * would print meanwhile is held until the view is gone, and the program's output goes to
 * a file the view shows.
 */
final class LiveRun {
    private final PrintWriter err;
    private final RunLauncher launcher;
    private final boolean local;
    private final int port;

    LiveRun(PrintWriter err, RunLauncher launcher, boolean local, int port) {
        this.err = err;
        this.launcher = launcher;
        this.local = local;
        this.port = port;
    }

    int run(String python, PythonLauncher.Mode mode, String target, List<String> args) throws Exception {
        LiveServer server;
        try {
            server = LiveServer.bind(port);
        } catch (BindException e) {
            err.println("memflux: port " + port + " is in use; choose another with -p, or leave -p out for a free one");
            return ExitCodes.INPUT;
        }
        try {
            return local ? runHere(server, python, mode, target, args) : runRemote(server, python, mode, target, args);
        } finally {
            server.close(0);
        }
    }

    private int runRemote(LiveServer server, String python, PythonLauncher.Mode mode, String target,
                          List<String> args) throws Exception {
        err.println("Run 'memflux live " + server.port() + "' in another shell to see live results");
        err.flush();
        server.awaitViewer();
        return launcher.live(server, null, process -> { }).run(python, mode, target, args);
    }

    private int runHere(LiveServer server, String python, PythonLauncher.Mode mode, String target,
                        List<String> args) throws Exception {
        Path output = Files.createTempFile("memflux-output-", ".log");
        LiveFeed feed = LiveFeed.connect(server.port());
        LiveUpdates updates = new LiveUpdates(feed);
        StringWriter held = new StringWriter();
        Process[] program = new Process[1];
        Throwable[] viewFailure = new Throwable[1];
        boolean[] stopped = new boolean[1];
        Thread view = new Thread(() -> {
            try {
                new LiveScreen(updates, LiveTable.Sort.TOTAL, "q/Esc: quit (stops the program: SIGTERM)",
                        "the program ended: q or Esc leaves", output).run();
            } catch (IOException | RuntimeException e) {
                viewFailure[0] = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Process p;
            synchronized (program) {
                p = program[0];
            }
            if (p != null && p.isAlive()) {
                stopped[0] = true;
                p.destroy();
            }
        }, "memflux-live-view");
        int exitCode;
        PrintWriter heldErr = new PrintWriter(held, true);
        RunLauncher here = new RunLauncher(heldErr, launcher);
        view.start();
        try {
            exitCode = here.live(server, output, process -> {
                synchronized (program) {
                    program[0] = process;
                }
                if (!view.isAlive()) {
                    process.destroy(); // the view was quit before the program started
                }
            }).run(python, mode, target, args);
            server.close(2000);
            view.join();
        } finally {
            heldErr.flush();
            err.print(held);
        }
        if (viewFailure[0] != null) {
            err.println("memflux: the live view failed: " + Problems.describe(viewFailure[0]));
        }
        if (stopped[0]) {
            err.println("memflux: the view was quit while the program ran, so memflux stopped it (SIGTERM)");
        }
        err.println("memflux: the program's output is in " + output);
        err.flush();
        return exitCode;
    }
}
