package dev.memflux.cli;

import dev.memflux.capture.AgentFiles;
import dev.memflux.capture.Collector;
import dev.memflux.capture.PythonLauncher;
import dev.memflux.format.RecordTag;
import dev.memflux.live.LiveServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One {@code memflux run}: starts the program first, then hands over to a
 * {@link RunSession}. The program is launched before any pipeline class (Reactor, the
 * Disruptor, lz4) is even loaded, so the JVM's class loading overlaps the interpreter's
 * start instead of delaying it; this class must not mention those types.
 */
final class RunLauncher {
    private final PrintWriter err;
    private final Path out;
    private final boolean compress;
    private final boolean quiet;
    private final boolean nativeTraces;
    private final boolean tracePythonAllocators;
    private final boolean followFork;
    private final boolean aggregate;
    private long sampleMeanBytes;
    private LiveServer liveServer;
    private Path programOutput;
    /** Null unless live: no lambda on the way to the launch (the first one costs ~3 ms of set-up). */
    private Consumer<Process> started;

    RunLauncher(PrintWriter err, Path out, boolean compress, boolean quiet, boolean nativeTraces,
            boolean tracePythonAllocators, boolean followFork, boolean aggregate) {
        this.aggregate = aggregate;
        this.err = err;
        this.out = out;
        this.compress = compress;
        this.quiet = quiet;
        this.nativeTraces = nativeTraces;
        this.tracePythonAllocators = tracePythonAllocators;
        this.followFork = followFork;
    }

    /** The same run, saying what it has to say to {@code err} instead. */
    RunLauncher(PrintWriter err, RunLauncher same) {
        this(err, same.out, same.compress, same.quiet, same.nativeTraces, same.tracePythonAllocators, same.followFork,
                same.aggregate);
        this.sampleMeanBytes = same.sampleMeanBytes;
    }

    /** --sample-rate: keep one allocation per {@code meanBytes} bytes on average (0: every one). */
    RunLauncher sampling(long meanBytes) {
        this.sampleMeanBytes = meanBytes;
        return this;
    }

    /**
     * A live run: the session feeds {@code server} too; {@code programOutput} (if not null)
     * takes the program's stdout and stderr; {@code started} is told of the program once it runs.
     */
    RunLauncher live(LiveServer server, Path programOutput, Consumer<Process> started) {
        this.liveServer = server;
        this.programOutput = programOutput;
        this.started = started;
        return this;
    }

    int run(String python, PythonLauncher.Mode mode, String target, List<String> args) throws Exception {
        AgentFiles agent = AgentFiles.extract();
        try (Collector collector = new Collector()) {
            Signals signals = Signals.install();
            Process process;
            try {
                process = new PythonLauncher(python, agent, Signals.startState()).sampling(sampleMeanBytes)
                        .start(mode, target, args, collector.socketPath(),
                        (nativeTraces ? RecordTag.FLAG_NATIVE : 0)
                                | (tracePythonAllocators ? RecordTag.FLAG_PYTHON_ALLOCATORS : 0)
                                | (followFork ? RecordTag.FLAG_FOLLOW_FORK : 0), programOutput);
            } catch (IOException e) {
                err.println("memflux: cannot start " + python + ": " + Problems.describe(e));
                return ExitCodes.INPUT;
            }
            signals.forwardTo(process);
            RunSession session = new RunSession(err, out, compress, quiet, nativeTraces, followFork, aggregate)
                    .live(liveServer);
            try {
                collector.listen();
            } catch (IOException e) {
                // The agent is still waiting for the socket: the program has not begun.
                process.destroyForcibly().waitFor();
                throw e;
            }
            session.prepare(); // after the socket: the agent waits for that, the HELLO's reader for this
            if (started != null) {
                started.accept(process);
            }
            try {
                return session.follow(collector, process, python);
            } finally {
                session.awaitPreparing();
            }
        }
    }
}
