package dev.memflux.cli;

import dev.memflux.format.EventBatch;
import dev.memflux.pipeline.Aggregator;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Says on stderr how far a report has read, every two seconds, once it has taken two:
 * short reports stay quiet. Called once a batch on the reading thread; reads the clock
 * only every 64 batches.
 */
final class Progress implements Consumer<EventBatch> {
    private static final long EVERY_NANOS = 2_000_000_000L;
    private final Aggregator totals;
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long next = start + EVERY_NANOS;
    private int batches;
    private boolean said;

    Progress(Aggregator totals, PrintWriter err) {
        this.totals = totals;
        this.err = err;
    }

    @Override
    public void accept(EventBatch batch) {
        if ((++batches & 63) != 0) {
            return;
        }
        long now = System.nanoTime();
        if (now >= next) {
            next = now + EVERY_NANOS;
            said = true;
            err.printf(Locale.ROOT, "memflux: read %,d records (%,d allocations) in %.0f s%n", totals.records(),
                    totals.allocations(), (now - start) / 1e9);
            err.flush();
        }
    }

    /** Says how long the reading took, if progress was shown. */
    void done() {
        if (said) {
            err.printf(Locale.ROOT, "memflux: read %,d records in %.1f s%n", totals.records(),
                    (System.nanoTime() - start) / 1e9);
            err.flush();
        }
    }
}
