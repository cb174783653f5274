package dev.memflux.cli;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.function.Consumer;

/**
 * Ends a report's pass as soon as a second thread allocates, for a report that shows
 * figures per thread only when there are several: per-thread figures keep a second live
 * set ({@code ThreadFigures}), which would slow every single-threaded capture's pass by
 * half, so the pass starts without them and starts over with them only when they are
 * needed, having read no further than the second thread's first allocation. Costs a look
 * at each record's tag. Runs on the thread that delivers the batches.
 */
final class SecondThreadWatch implements Consumer<EventBatch> {
    /** Thrown out of the pass: nothing to report, no stack trace to fill. */
    static final class Seen extends RuntimeException {
        Seen() {
            super("a second thread allocates", null, false, false);
        }
    }

    @Override
    public void accept(EventBatch batch) {
        for (int i = 0, n = batch.count; i < n; i++) {
            if (batch.tag(i) == RecordTag.THREAD && batch.threadNumber(i) >= 2) {
                throw new Seen();
            }
        }
    }
}
