package dev.memflux.capture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the user's program under the agent: {@code python bootstrap.py MODE TARGET ARGS}
 * with the agent preloaded. The bootstrap restores the environment before the user's
 * code runs, so programs the user's program execs are neither tracked nor disturbed.
 * The bootstrap creates {@code started} beside the socket as its first act, so memflux can
 * tell an interpreter that never ran it from a program that ended before tracking began.
 */
public final class PythonLauncher {
    /** How the target names the program, as with {@code python FILE}, {@code -m MODULE}, {@code -c CMD}. */
    public enum Mode {
        FILE("file"), MODULE("module"), COMMAND("command");

        private final String word;

        Mode(String word) {
            this.word = word;
        }
    }

    private final String python;
    private final AgentFiles agent;
    private final String signalState;
    private long sampleMeanBytes;

    /**
     * @param signalState the signal mask and ignored signals the program must start with, as
     *     {@code "<SigBlk hex>:<SigIgn hex>"}: the agent applies them before python's main
     */
    public PythonLauncher(String python, AgentFiles agent, String signalState) {
        this.python = python;
        this.agent = agent;
        this.signalState = signalState;
    }

    /** --sample-rate: keep one allocation per {@code meanBytes} bytes on average (0: all of them). */
    public PythonLauncher sampling(long meanBytes) {
        this.sampleMeanBytes = meanBytes;
        return this;
    }

    /** The file the bootstrap creates when it runs at all. */
    public static Path startedMarker(Path socket) {
        return socket.resolveSibling("started");
    }

    public Process start(Mode mode, String target, List<String> args, Path socket, int flags) throws IOException {
        return start(mode, target, args, socket, flags, null);
    }

    /**
     * As {@link #start(Mode, String, List, Path, int)}; with {@code output} not null, the
     * program's stdout and stderr are appended to that file and its stdin is empty (the
     * live view owns the terminal).
     */
    public Process start(Mode mode, String target, List<String> args, Path socket, int flags, Path output)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(python);
        command.add(agent.bootstrap().toString());
        command.add(mode.word);
        command.add(target);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        if (output != null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(output.toFile()));
        }
        Map<String, String> env = builder.environment();
        String userPreload = env.get("LD_PRELOAD");
        if (userPreload != null && !userPreload.isEmpty()) {
            env.put("MEMFLUX_ORIG_LD_PRELOAD", userPreload);
            env.put("LD_PRELOAD", agent.library() + ":" + userPreload);
        } else {
            env.put("LD_PRELOAD", agent.library().toString());
        }
        env.put("MEMFLUX_AGENT", agent.library().toString());
        env.put("MEMFLUX_SOCKET", socket.toString());
        env.put("MEMFLUX_FLAGS", Integer.toString(flags));
        env.put("MEMFLUX_PYTHON", python);
        env.put("MEMFLUX_SIGNALS", signalState);
        if (sampleMeanBytes > 0) {
            env.put("MEMFLUX_SAMPLE_RATE", Long.toString(sampleMeanBytes));
        }
        return builder.start();
    }
}
