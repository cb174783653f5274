package dev.memflux.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A detached tmux session of a fixed size running one command, for tests of the terminal
 * view: keys go in with send-keys, the screen comes out with capture-pane.
 */
final class Tmux implements AutoCloseable {
    private final String session;

    private Tmux(String session) {
        this.session = session;
    }

    /** Starts {@code shellCommand} (run by sh) in {@code dir}, in a {@code columns} x {@code rows} window. */
    static Tmux start(java.nio.file.Path dir, int columns, int rows, String shellCommand) throws Exception {
        String session = "memflux-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        tmux("new-session", "-d", "-s", session, "-x", Integer.toString(columns), "-y", Integer.toString(rows),
                "-c", dir.toString(), "-e", "XDG_CACHE_HOME=" + Memflux.CACHE, "-e", "TERM=xterm-256color",
                shellCommand);
        // The window keeps the size asked for, whatever clients attach.
        tmux("set-option", "-t", session, "status", "off");
        return new Tmux(session);
    }

    /** The screen as text, one string a line. */
    List<String> screen() throws Exception {
        return List.of(tmux("capture-pane", "-p", "-t", session).split("\n", -1));
    }

    String text() throws Exception {
        return String.join("\n", screen());
    }

    /** Sends keys as tmux names them ("o", "Escape", "PageDown", ...). */
    void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("tmux", "kill-session", "-t", session).redirectErrorStream(true).start()
                .waitFor(30, TimeUnit.SECONDS);
    }

    private static String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux"));
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
