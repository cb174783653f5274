package dev.memflux.cli;

import dev.memflux.capture.Collector;
import dev.memflux.capture.EventRing;
import dev.memflux.capture.PythonLauncher;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.Lz4BlockEncoder;
import dev.memflux.pipeline.RunPipeline;
import dev.memflux.pipeline.StreamSink;
import dev.memflux.live.LiveServer;
import dev.memflux.live.LiveSink;
import dev.memflux.pipeline.symbolize.SymbolizeStage;
import dev.memflux.pipeline.symbolize.Symbolizers;
import dev.memflux.format.ProgramEnd;
import dev.memflux.sinks.AggregatedFileSink;
import dev.memflux.sinks.CaptureFileSink;
import dev.memflux.sinks.CaptureOutput;
import dev.memflux.report.Units;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * The running half of a capture: waits for the agent's HELLO, builds the ring and the
 * {@link RunPipeline} into the file, starts the collector thread, and says what happened
 * at the end. Runs on the main thread, which waits for the program; the stages run on the
 * pipeline thread, the socket is read on the collector's.
 */
final class RunSession {
    private final PrintWriter err;
    private final Path out;
    private final boolean compress;
    private final boolean quiet;
    private final boolean nativeTraces;
    private final boolean followFork;
    private final boolean aggregate;
    private LiveServer live;
    private FutureTask<Prepared> prepared;
    private Thread preparing;

    RunSession(PrintWriter err, Path out, boolean compress, boolean quiet, boolean nativeTraces, boolean followFork,
            boolean aggregate) {
        this.aggregate = aggregate;
        this.followFork = followFork;
        this.err = err;
        this.out = out;
        this.compress = compress;
        this.quiet = quiet;
        this.nativeTraces = nativeTraces;
    }

    /** Feeds {@code server} (--live, --live-remote) from the same pipeline; null: no live feed. */
    RunSession live(LiveServer server) {
        this.live = server;
        return this;
    }

    /**
     * Starts making the ring, the aggregator and the classes of the stages (Reactor, lz4's
     * native library) while the interpreter starts, not after its HELLO; call once the
     * program is launched, after {@link #live} (measured on `run -c pass`: 0.184-0.193 s
     * median instead of 0.195-0.199 s when made after the HELLO).
     */
    RunSession prepare() {
        // Per-node figures only when something reads them during the run (the live view, an
        // aggregated capture): the file's trailer and the closing line need the totals alone.
        boolean detailed = aggregate || live != null;
        FutureTask<Prepared> making = new FutureTask<>(() -> Prepared.make(detailed));
        prepared = making;
        // The tidying after earlier runs lists the whole temp directory: after the launch and
        // off the main thread (awaitPreparing waits for it at the end).
        preparing = new Thread(() -> {
            making.run();
            Collector.removeStaleDirectories();
        }, "memflux-prepare");
        preparing.setDaemon(true);
        preparing.start();
        return this;
    }

    /** Waits for {@link #prepare}'s thread, done long before the end but for the shortest programs. */
    void awaitPreparing() throws InterruptedException {
        if (preparing != null) {
            preparing.join();
        }
    }

    /** Captures until the program ends; returns its exit code. */
    int follow(Collector collector, Process process, String python) throws Exception {
        if (prepared == null) {
            prepare();
        }
        CaptureHeader hello;
        try {
            hello = collector.awaitHello(process::isAlive);
        } catch (IOException | CorruptCaptureException e) {
            process.waitFor(); // the program is not cut off for a broken stream: it runs to its end
            throw e;
        }
        if (hello == null) {
            int exitCode = process.waitFor();
            if (!Files.exists(PythonLauncher.startedMarker(collector.socketPath()))) {
                err.println("memflux: " + python + " exited without starting the memflux agent: "
                        + "is it a CPython 3.8+ interpreter?");
                return ExitCodes.INPUT;
            }
            // The program ended before tracking started (it said why on its stderr).
            return exitCode;
        }
        EventRing ring = prepared.get().ring;
        AggregatedFileSink aggregated = aggregate ? new AggregatedFileSink(out, header(hello), compress,
                prepared.get().aggregator, AggregatedFileSink.PERIOD_MILLIS) : null;
        CaptureOutput file = out == null ? null : aggregate ? aggregated : new CaptureFileSink(out, header(hello), compress);
        List<StreamSink> sinks = new ArrayList<>();
        if (file != null) {
            sinks.add(file);
        }
        if (live != null) {
            sinks.add(new LiveSink(prepared.get().aggregator, hello, live));
        }
        SymbolizeStage symbolize = nativeTraces ? new SymbolizeStage(Symbolizers.best(warning -> {
            if (!quiet) {
                err.println("memflux: " + warning);
            }
        })) : null;
        var result = new RunPipeline(prepared.get().aggregator, symbolize, this::analysisFailed, sinks).run(ring).toFuture();
        // A child's symbolizer of its own (libdw's handles are not shared between threads);
        // its warnings were the parent's already.
        Supplier<SymbolizeStage> childSymbolize = nativeTraces
                ? () -> new SymbolizeStage(Symbolizers.best(warning -> {}))
                : () -> null;
        ForkedCaptures forks = followFork
                ? new ForkedCaptures(err, out, compress, aggregate, this::header, this::analysisFailed, childSymbolize)
                        .live(live)
                : null;
        if (forks != null) {
            collector.followForks(forks::start);
        }
        Thread pump = new Thread(() -> collector.pump(ring, process::isAlive), "memflux-collector");
        pump.setDaemon(true);
        pump.start();
        int exitCode = process.waitFor();
        Aggregator totals = result.get();
        ProgramEnd end = programEnd(totals, collector, exitCode);
        if (aggregated != null) {
            aggregated.finalWrite(end);
        }
        if (symbolize != null) {
            symbolize.close();
        }
        if (file != null && file.failure() != null) {
            err.println("memflux: " + file.failure());
            err.flush();
        }
        if (!quiet) {
            if (symbolize != null) {
                long lookups = symbolize.lookups();
                err.printf("memflux: symbolized %s native addresses with %s during the capture "
                        + "(%s native stack nodes, %.1f%% of them at an address already resolved)%n",
                        Units.count(symbolize.misses()), symbolize.symbolizerName(), Units.count(lookups),
                        lookups == 0 ? 0.0 : 100.0 * (lookups - symbolize.misses()) / lookups);
            }
            report(totals, file == null ? -1 : file.bytesWritten(), collector, exitCode);
        }
        if (aggregated != null && end.cutShort()) {
            err.println("memflux: how the program ended: " + end.describe() + "; the aggregated capture " + out
                    + " holds everything recorded until then and says so");
            err.flush();
        }
        if ("1".equals(System.getenv("MEMFLUX_AGENT_STATS"))) {
            // With the agent's own line (time blocked in send): which side set the pace.
            err.println("memflux: the collector found the ring full " + ring.fullWaits() + " times");
            err.flush();
        }
        if (forks != null) {
            forks.finish(collector, quiet);
        }
        if (live != null) {
            live.close(LIVE_GRACE_MILLIS); // the feed's end, once every process's last snapshot is in
        }
        return exitCode;
    }

    /** How the program ended, from its stream and its exit status (128 + N: signal N). */
    private static ProgramEnd programEnd(Aggregator totals, Collector collector, int exitCode) {
        if (totals.execedPath() != null) {
            return new ProgramEnd(ProgramEnd.Kind.EXECED, 0);
        }
        if (collector.sawEnd()) {
            return new ProgramEnd(ProgramEnd.Kind.EXITED, exitCode);
        }
        if (exitCode >= 128 && !collector.lostBytes()) {
            return new ProgramEnd(ProgramEnd.Kind.KILLED, exitCode - 128);
        }
        return new ProgramEnd(ProgramEnd.Kind.LOST, 0);
    }

    /** How long the end waits for live viewers to take the last snapshot: a stopped one costs this, once. */
    private static final long LIVE_GRACE_MILLIS = 2000;

    /** What the run's pipeline needs before the header is known. */
    private record Prepared(EventRing ring, Aggregator aggregator) {
        static Prepared make(boolean detailed) {
            Lz4BlockEncoder.loadCompressor();
            Flux.just(1).blockLast(); // Reactor's core classes
            return new Prepared(new EventRing(EventRing.DEFAULT_SIZE),
                    detailed ? new Aggregator() : Aggregator.totalsOnly());
        }
    }

    /** On the pipeline thread, once: the totals are lost, the file goes on. */
    private void analysisFailed(Throwable cause, long liveAllocations) {
        String what = cause instanceof OutOfMemoryError ? "out of memory while analysing"
                : "the analysis failed (" + cause + ")";
        err.println("memflux: " + what + " (" + Units.count(liveAllocations) + " live allocations); the capture "
                + "file is complete, its totals will be computed by the report commands");
        err.flush();
    }

    private CaptureHeader header(CaptureHeader hello) {
        int flags = hello.flags() | (compress ? RecordTag.FLAG_COMPRESSED : 0);
        return new CaptureHeader(hello.pid(), hello.ppid(), hello.startMillis(), flags, hello.pythonVersion(),
                hello.commandLine(), Version.VERSION);
    }

    private void report(Aggregator totals, long fileBytes, Collector collector, int exitCode) {
        String totalsSaid = totals.available()
                ? Units.count(totals.allocations()) + " allocations, peak " + Units.bytes(totals.peakBytes()) + ", "
                : "";
        if (out == null) {
            err.println("memflux: the program ended" + (totals.available() ? " (" + Units.count(totals.allocations())
                    + " allocations, peak " + Units.bytes(totals.peakBytes()) + ")" : "")
                    + "; no capture file was asked for (-o writes one)");
        } else {
            err.println("memflux: wrote " + out + " (" + (aggregate ? "aggregated, " : "") + totalsSaid
                    + Units.bytes(fileBytes) + " on disk)");
        }
        if (collector.reconnections() > 0) {
            err.println("memflux: the program closed or replaced memflux's socket; the agent reconnected "
                    + "and nothing was lost");
        }
        if (totals.execedPath() != null) {
            err.println("memflux: the program exec'd " + totals.execedPath() + "; tracking ended there");
        } else if (!collector.sawEnd()) {
            // Signals end a process with 128 + N; any other code means it went on to a normal end.
            String kept = out == null ? "" : "; the capture holds everything recorded until then";
            err.println(collector.lostBytes() || exitCode < 128
                    ? "memflux: the agent's stream was lost before the program ended" + kept
                    : "memflux: the program ended before tracking stopped (killed or crashed)" + kept);
        }
        if (out != null) {
            err.println("memflux: read it with: memflux stats " + out + "   (or: memflux summary " + out + ")");
        }
        err.flush();
    }
}
