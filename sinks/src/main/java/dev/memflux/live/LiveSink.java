package dev.memflux.live;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.EventBatch;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StreamSink;
import dev.memflux.pipeline.ThreadFigures;

/**
 * The live feed of a run: a sink beside the file sink in the same pipeline. It never
 * blocks the stream: on the pipeline thread, at most about once a second (and on the
 * collector's tick, so an idle program's last changes show), it makes a small snapshot
 * from the run's aggregator, which has already counted the batch, and hands it to the
 * {@link LiveServer}, whose threads deliver it. Running out of memory costs the view its
 * per-thread tables (or a snapshot), never the stream: the capture file beside it goes on.
 */
public final class LiveSink implements StreamSink {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final long intervalNanos;
    /** Null once given up: it ran out of memory, and the view shows all threads merged only. */
    private ThreadFigures threads = new ThreadFigures();
    private final SnapshotMaker maker;
    private final LiveServer server;
    private final long startMillis;
    private final Aggregator aggregator;
    private long lastSnapshot;
    private boolean changed;

    public LiveSink(Aggregator aggregator, CaptureHeader header, LiveServer server) {
        this(aggregator, header, server, INTERVAL_NANOS);
    }

    /** @param intervalNanos the least time between two snapshots, but for ticks and the end */
    LiveSink(Aggregator aggregator, CaptureHeader header, LiveServer server, long intervalNanos) {
        if (!aggregator.detailed()) {
            throw new IllegalArgumentException("the live view needs an aggregator that keeps per-node figures");
        }
        this.intervalNanos = intervalNanos;
        this.lastSnapshot = System.nanoTime() - intervalNanos;
        this.aggregator = aggregator;
        this.server = server;
        this.startMillis = header.startMillis();
        this.maker = new SnapshotMaker(aggregator, header.pid(), header.commandLine());
        // Before the pipeline runs (nothing else touches the aggregator yet): the process has
        // its place in the feed from its start, so the program comes before any child it forks.
        publish(duration(), false);
    }

    @Override
    public void accept(EventBatch batch) {
        if (threads != null) {
            try {
                threads.accept(batch);
            } catch (OutOfMemoryError e) {
                threads = null; // its own live set outgrew the heap: the capture matters more than the view
            }
        }
        changed |= batch.count > 0;
        long now = System.nanoTime();
        if (now - lastSnapshot >= intervalNanos || (batch.tick && changed)) {
            lastSnapshot = now;
            changed = false;
            publish(duration(), false);
        }
    }

    @Override
    public void finish(Trailer trailer) {
        publish(Math.max(aggregator.clockMillis(), trailer.endMillis() - startMillis), true);
    }

    @Override
    public void abort(Throwable cause) {
        publish(duration(), true);
    }

    /**
     * A snapshot costs arrays as long as the stack table: when the heap cannot hold them the
     * view misses this one, and the stream (the capture file's too) goes on.
     */
    private void publish(long durationMillis, boolean ended) {
        try {
            server.publish(maker.make(durationMillis, ended, threads));
        } catch (OutOfMemoryError e) {
            threads = null;
        }
    }

    /** The agent's clock stands still while the program makes no events; the wall clock does not. */
    private long duration() {
        return Math.max(aggregator.clockMillis(), System.currentTimeMillis() - startMillis);
    }
}
