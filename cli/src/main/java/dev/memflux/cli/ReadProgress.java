package dev.memflux.cli;

import dev.memflux.format.EventBatch;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Says on stderr how far a report has read a capture, once reading has taken more than
 * two seconds (and every five after), so that a large capture does not look hung. Runs on
 * the reading thread; per batch it costs a clock read.
 */
final class ReadProgress implements Consumer<EventBatch> {
    private static final long FIRST_NANOS = 2_000_000_000L;
    private static final long EVERY_NANOS = 5_000_000_000L;
    private final PrintWriter err;
    private final String file;
    private final long start = System.nanoTime();
    private long next = start + FIRST_NANOS;
    private long records;
    private boolean said;

    ReadProgress(PrintWriter err, String file) {
        this.err = err;
        this.file = file;
    }

    @Override
    public void accept(EventBatch batch) {
        records += batch.count;
        long now = System.nanoTime();
        if (now >= next) {
            next = now + EVERY_NANOS;
            said = true;
            err.printf(java.util.Locale.ROOT, "memflux: reading %s: %,d records so far (%d s)%n", file, records,
                    (now - start) / 1_000_000_000L);
            err.flush();
        }
    }

    /** After the last batch: the final count, if progress was shown at all. */
    void done() {
        if (said) {
            err.printf(java.util.Locale.ROOT, "memflux: read %,d records in %.1f s%n", records,
                    (System.nanoTime() - start) / 1e9);
            err.flush();
        }
    }
}
