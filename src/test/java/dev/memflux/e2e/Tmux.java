package dev.memflux.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A detached tmux session of a fixed size running one command, for tests of the terminal
 * view: keys go in with send-keys, the screen comes out with capture-pane. Each session
 * has a tmux server of its own (a socket in the test's directory), which nothing else on
 * the machine can stop or reach.
 */
final class Tmux implements AutoCloseable {
    private final String socket;
    private final String session;

    private Tmux(String socket, String session) {
        this.socket = socket;
        this.session = session;
    }

    /** Starts {@code shellCommand} (run by sh) in {@code dir}, in a {@code columns} x {@code rows} window. */
    static Tmux start(java.nio.file.Path dir, int columns, int rows, String shellCommand) throws Exception {
        String session = "memflux-test";
        String socket = dir.resolve("tmux.socket").toString();
        tmux(socket, "new-session", "-d", "-s", session, "-x", Integer.toString(columns), "-y", Integer.toString(rows),
                "-c", dir.toString(), "-e", "XDG_CACHE_HOME=" + Memflux.CACHE, "-e", "TERM=xterm-256color",
                shellCommand);
        // The window keeps the size asked for, whatever clients attach.
        tmux(socket, "set-option", "-t", session, "status", "off");
        return new Tmux(socket, session);
    }

    /** The screen as text, one string a line. */
    List<String> screen() throws Exception {
        return List.of(tmux(socket, "capture-pane", "-p", "-t", session).split("\n", -1));
    }

    String text() throws Exception {
        return String.join("\n", screen());
    }

    /** Sends keys as tmux names them ("o", "Escape", "PageDown", ...). */
    void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
        args.addAll(List.of(keys));
        tmux(socket, args.toArray(String[]::new));
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("tmux", "-S", socket, "kill-server").redirectErrorStream(true).start()
                .waitFor(30, TimeUnit.SECONDS);
    }

    private static String tmux(String socket, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: "
                    + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
