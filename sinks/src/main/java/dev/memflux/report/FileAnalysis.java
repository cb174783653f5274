package dev.memflux.report;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.AggregateStage;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.sinks.FileSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A capture file run once through the aggregation engine, which keeps the totals and what
 * was live where at the peak in the same pass. Reads on the calling thread.
 *
 * @param formatVersion the file format version the capture was written in
 */
public record FileAnalysis(Path file, CaptureHeader header, Aggregator totals,
                              Trailer trailer, boolean cutShort, String cutShortReason, int formatVersion) {

    public static FileAnalysis of(Path file) throws IOException, CorruptCaptureException {
        return of(file, new Aggregator(), batch -> { });
    }

    /**
     * The analysis with {@code observer} shown every batch right after {@code totals} took it
     * in, in the same pass (a report's extra figures: a timeline, progress).
     */
    public static FileAnalysis of(Path file, Aggregator totals, Consumer<EventBatch> observer)
            throws IOException, CorruptCaptureException {
        Pass pass = run(file, totals, observer);
        // A trailer whose totals were unavailable (memflux ran out of heap) has nothing to check.
        if (pass.trailer != null && !pass.trailer.totalsUnavailable()) {
            crossCheck(pass.trailer, totals, pass.trailerOffset);
        }
        return new FileAnalysis(file, pass.header, totals, pass.trailer, pass.cutShort, pass.reason, pass.version);
    }

    /**
     * The trailer holds the totals memflux computed while writing; reading the blocks must
     * give the same, or blocks were lost, repeated or altered in a way their checksums
     * could not see (a version-1 file has no block numbers). Only the counts of ALLOC
     * records are compared: frees, the peak and what was leaked depend on how a memflux
     * version pairs frees and unmaps with allocations, which may change between versions.
     */
    private static void crossCheck(Trailer t, Aggregator read, long offset) throws CorruptCaptureException {
        if (t.allocations() != read.allocations() || t.bytesAllocated() != read.bytesAllocated()) {
            throw new CorruptCaptureException(String.format("the trailer in the block at byte %d counts %d allocations "
                    + "of %d bytes, but the blocks hold %d allocations of %d bytes", offset, t.allocations(),
                    t.bytesAllocated(), read.allocations(), read.bytesAllocated()));
        }
    }

    private record Pass(CaptureHeader header, Trailer trailer, boolean cutShort, String reason, int version,
                        long trailerOffset) {}

    private static Pass run(Path file, Aggregator aggregator, Consumer<EventBatch> observer)
            throws IOException, CorruptCaptureException {
        try (FileSource source = FileSource.open(file)) {
            try {
                source.batches().transform(new AggregateStage(aggregator)).doOnNext(observer).blockLast();
            } catch (RuntimeException e) {
                Throwable cause = reactor.core.Exceptions.unwrap(e);
                if (cause instanceof CorruptCaptureException c) {
                    throw c;
                }
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                throw e;
            }
            boolean cut = source.cutShort() || (source.trailer() != null && source.trailer().cutShort());
            String reason = source.cutShort() ? source.cutShortReason()
                    : cut ? "the program ended before tracking stopped (killed or crashed, or the stream was lost)" : "";
            return new Pass(source.header(), source.trailer(), cut, reason, source.version(), source.lastBlockOffset());
        }
    }

    /** Milliseconds from the start of tracking to its end (or to the last event read). */
    public long durationMillis() {
        if (trailer != null) {
            return Math.max(0, trailer.endMillis() - header.startMillis());
        }
        return totals.clockMillis();
    }
}
