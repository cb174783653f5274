package dev.memflux.cli;

import dev.memflux.capture.Collector;
import dev.memflux.capture.EventRing;
import dev.memflux.format.CaptureHeader;
import dev.memflux.pipeline.AggregateStage;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.RunPipeline;
import dev.memflux.pipeline.StreamSink;
import dev.memflux.live.LiveServer;
import dev.memflux.live.LiveSink;
import dev.memflux.report.Units;
import dev.memflux.sinks.CaptureFileSink;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * --follow-fork: every forked child's stream into its own file, {@code <output>.<pid>}
 * (memray's naming), each through a pipeline of its own (and into the live feed, with
 * --live or --live-remote: one feed, a snapshot per process). At the end the children still
 * running get a bounded wait, then are named as given up on.
 */
final class ForkedCaptures {
    /** How long the children may go on after the main program ended. */
    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Child(long pid, Path path, Collector collector, CaptureFileSink file,
            CompletableFuture<Aggregator> result) {}

    private final PrintWriter err;
    private final Path out;
    private final boolean compress;
    private final UnaryOperator<CaptureHeader> header;
    private final AggregateStage.FailureListener onAnalysisFailure;
    private final List<Child> children = new ArrayList<>();
    private LiveServer live;

    ForkedCaptures(PrintWriter err, Path out, boolean compress, UnaryOperator<CaptureHeader> header,
            AggregateStage.FailureListener onAnalysisFailure) {
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
        CaptureFileSink file = null;
        try {
            file = path == null ? null : new CaptureFileSink(path, header.apply(hello), compress);
        } catch (RuntimeException e) {
            err.println("memflux: cannot write " + path + " for forked child " + pid + ": " + e.getMessage());
            err.flush();
            collector.close();
            return;
        }
        EventRing ring = new EventRing(EventRing.DEFAULT_SIZE);
        Aggregator aggregator = new Aggregator();
        List<StreamSink> sinks = new ArrayList<>();
        if (file != null) {
            sinks.add(file);
        }
        if (live != null) {
            sinks.add(new LiveSink(aggregator, hello, live));
        }
        CompletableFuture<Aggregator> result = new RunPipeline(aggregator, null, onAnalysisFailure,
                sinks).run(ring).toFuture();
        Thread pump = new Thread(() -> collector.pump(ring, () -> alive(pid)), "memflux-collector-" + pid);
        pump.setDaemon(true);
        pump.start();
        synchronized (children) {
            children.add(new Child(pid, path, collector, file, result));
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * After the main program ended: waits for each child's stream to end, at most
     * {@link #WAIT_NANOS} in all (children forked meanwhile included), and says what was written.
     */
    void finish(Collector parent, boolean quiet) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        parent.settleForks(deadline);
        List<Child> done = new ArrayList<>();
        List<Long> givenUp = new ArrayList<>();
        while (true) {
            Child next = null;
            synchronized (children) {
                for (Child c : children) {
                    if (!done.contains(c)) {
                        next = c;
                        break;
                    }
                }
            }
            if (next == null) {
                break;
            }
            done.add(next);
            try {
                Aggregator totals = next.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                next.collector().close();
                if (next.file() == null) {
                    continue; // a live run without -o: the child was in the view only
                }
                if (next.file().failure() != null) {
                    err.println("memflux: " + next.file().failure());
                } else if (!quiet) {
                    String totalsSaid = totals.available()
                            ? Units.count(totals.allocations()) + " allocations, peak " + Units.bytes(totals.peakBytes()) + ", "
                            : "";
                    err.println("memflux: wrote " + next.path() + " (forked child " + next.pid() + ", " + totalsSaid
                            + Units.bytes(next.file().bytesWritten()) + " on disk)");
                }
            } catch (TimeoutException e) {
                givenUp.add(next.pid());
                next.collector().close();
            } catch (ExecutionException e) {
                err.println("memflux: the capture of forked child " + next.pid() + " failed: " + e.getCause());
            }
        }
        if (!givenUp.isEmpty()) {
            err.println("memflux: forked children still running " + WAIT_NANOS / 1_000_000_000L
                    + " s after the program ended, their captures cut short there: " + givenUp);
        }
        err.flush();
    }
}
