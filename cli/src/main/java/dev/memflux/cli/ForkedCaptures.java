package dev.memflux.cli;

import dev.memflux.capture.Collector;
import dev.memflux.capture.EventRing;
import dev.memflux.format.CaptureHeader;
import dev.memflux.pipeline.AggregateStage;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.RunPipeline;
import dev.memflux.pipeline.symbolize.SymbolizeStage;
import dev.memflux.pipeline.StreamSink;
import dev.memflux.live.LiveServer;
import dev.memflux.live.LiveSink;
import dev.memflux.report.Units;
import dev.memflux.sinks.AggregatedFileSink;
import dev.memflux.sinks.CaptureFileSink;
import dev.memflux.sinks.CaptureOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * --follow-fork: every forked child's stream into its own file, {@code <output>.<pid>}
 * (memray's naming), each through a pipeline of its own (and into the live feed, with
 * --live or --live-remote: one feed, a snapshot per process). At the end the children still
 * running get a bounded wait, then are named as given up on.
 */
final class ForkedCaptures {
    /**
     * How long the children may go on after the main program ended: 10 s, or the system
     * property memflux.forkWaitSeconds (for tests of the give-up path).
     */
    private final long waitNanos = TimeUnit.SECONDS.toNanos(Long.getLong("memflux.forkWaitSeconds", 10));
    /** How long a cut-off child's pipeline gets to seal its file. */
    private static final long SEAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private record Child(long pid, Path path, Collector collector, CaptureOutput file,
            CompletableFuture<Aggregator> result, SymbolizeStage symbolize) {}

    private final PrintWriter err;
    private final Path out;
    private final boolean compress;
    private final boolean aggregate;
    private final UnaryOperator<CaptureHeader> header;
    private final AggregateStage.FailureListener onAnalysisFailure;
    private final Supplier<SymbolizeStage> symbolize;
    private final List<Child> children = new ArrayList<>();
    private LiveServer live;

    /**
     * @param aggregate each child's file aggregated too ({@code run --aggregate})
     * @param symbolize gives each child's pipeline its stage, or null without --native
     */
    ForkedCaptures(PrintWriter err, Path out, boolean compress, boolean aggregate, UnaryOperator<CaptureHeader> header,
            AggregateStage.FailureListener onAnalysisFailure, Supplier<SymbolizeStage> symbolize) {
        this.aggregate = aggregate;
        this.symbolize = symbolize;
        this.err = err;
        this.out = out;
        this.compress = compress;
        this.header = header;
        this.onAnalysisFailure = onAnalysisFailure;
    }

    /** Feeds each child's figures to {@code server} too (--live, --live-remote); with no output, only there. */
    ForkedCaptures live(LiveServer server) {
        this.live = server;
        return this;
    }

    /** On the collector's accepting thread, for each child once its HELLO arrived. */
    void start(Collector collector) {
        CaptureHeader hello = collector.hello();
        long pid = hello.pid();
        Path path = out == null ? null : out.resolveSibling(out.getFileName() + "." + pid);
        // Per-node figures only for a reader of them during the run (see RunSession).
        Aggregator aggregator = aggregate || live != null ? new Aggregator() : Aggregator.totalsOnly();
        CaptureOutput file = null;
        try {
            file = path == null ? null : aggregate ? new AggregatedFileSink(path, header.apply(hello), compress,
                    aggregator, AggregatedFileSink.PERIOD_MILLIS) : new CaptureFileSink(path, header.apply(hello), compress);
        } catch (RuntimeException e) {
            err.println("memflux: cannot write " + path + " for forked child " + pid + ": " + e.getMessage());
            err.flush();
            collector.close();
            return;
        }
        EventRing ring = new EventRing(EventRing.DEFAULT_SIZE);
        SymbolizeStage symbols = symbolize.get();
        List<StreamSink> sinks = new ArrayList<>();
        if (file != null) {
            sinks.add(file);
        }
        if (live != null) {
            sinks.add(new LiveSink(aggregator, hello, live));
        }
        CompletableFuture<Aggregator> result = new RunPipeline(aggregator, symbols, onAnalysisFailure,
                sinks).run(ring).toFuture();
        Thread pump = new Thread(() -> collector.pump(ring, () -> alive(pid)), "memflux-collector-" + pid);
        pump.setDaemon(true);
        pump.start();
        synchronized (children) {
            children.add(new Child(pid, path, collector, file, result, symbols));
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * After the main program ended: waits for each child's stream to end, at most
     * {@link #waitNanos} in all (children forked meanwhile included, orphans too), and says
     * what was written. A child still running at the deadline is cut off: its file keeps
     * what came and reads as cut short.
     */
    void finish(Collector parent, boolean quiet) throws InterruptedException {
        long deadline = System.nanoTime() + waitNanos;
        parent.settleForks(deadline);
        List<Child> done = new ArrayList<>();
        List<Path> givenUp = new ArrayList<>();
        while (true) {
            Child next = next(done);
            if (next == null) {
                // The last child may have forked one more just before it ended.
                parent.settleForks(deadline);
                next = next(done);
            }
            if (next == null) {
                break;
            }
            done.add(next);
            Aggregator totals;
            try {
                totals = next.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                givenUp.add(next.path() != null ? next.path() : Path.of("pid " + next.pid()));
                next.collector().close();
                try {
                    next.result().get(SEAL_NANOS, TimeUnit.NANOSECONDS); // its last block and trailer
                } catch (TimeoutException | ExecutionException ignored) {
                    // the file still reads up to its last whole block
                }
                continue;
            } catch (ExecutionException e) {
                err.println("memflux: the capture of forked child " + next.pid() + " failed: " + e.getCause());
                continue;
            }
            next.collector().close();
            if (next.symbolize() != null) {
                next.symbolize().close();
            }
            if (next.file() == null) {
                continue; // a live run without -o: the child was in the view only
            }
            if (next.file().failure() != null) {
                err.println("memflux: " + next.file().failure());
            } else if (!quiet) {
                String totalsSaid = totals.available()
                        ? Units.count(totals.allocations()) + " allocations, peak " + Units.bytes(totals.peakBytes()) + ", "
                        : "";
                err.println("memflux: wrote " + next.path() + " (forked child " + next.pid() + ", "
                        + (aggregate ? "aggregated, " : "") + totalsSaid
                        + Units.bytes(next.file().bytesWritten()) + " on disk)"
                        + (totals.execedPath() != null ? "; it exec'd " + totals.execedPath() + ", not followed" : ""));
            }
        }
        if (!givenUp.isEmpty()) {
            err.println("memflux: gave up waiting for forked children still running "
                    + TimeUnit.NANOSECONDS.toSeconds(waitNanos) + " s after the program ended; "
                    + "their captures hold what came until then: " + givenUp);
        }
        err.flush();
    }

    private Child next(List<Child> done) {
        synchronized (children) {
            for (Child c : children) {
                if (!done.contains(c)) {
                    return c;
                }
            }
            return null;
        }
    }
}
