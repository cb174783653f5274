package dev.memflux.cli;

import dev.memflux.format.EventBatch;
import dev.memflux.pipeline.Aggregator;
import java.util.function.Consumer;

/**
 * Ends a report's pass as soon as a second thread allocates, for a report that shows
 * figures per thread only when there are several: per-thread figures keep a second live
 * set ({@code ThreadFigures}), which would slow every single-threaded capture's pass by
 * half, so the pass starts without them and starts over with them only when they are
 * needed, having read no further than the batch of the second thread's first record. Asks
 * the pass's aggregator (which reads every THREAD record anyway) once a batch, right after
 * it has seen the batch.
 */
final class SecondThreadWatch implements Consumer<EventBatch> {
    /** Thrown out of the pass: nothing to report, no stack trace to fill. */
    static final class Seen extends RuntimeException {
        Seen() {
            super("a second thread allocates", null, false, false);
        }
    }

    private final Aggregator totals;

    SecondThreadWatch(Aggregator totals) {
        this.totals = totals;
    }

    @Override
    public void accept(EventBatch batch) {
        if (totals.threadCount() >= 2) {
            throw new Seen();
        }
    }
}
