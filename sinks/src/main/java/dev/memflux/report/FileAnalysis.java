package dev.memflux.report;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.ProgramEnd;
import dev.memflux.format.RecordTag;
import dev.memflux.format.EventBatch;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.AggregateStage;
import dev.memflux.pipeline.AggregatedRecords;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.sinks.FileSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A capture file run once through the aggregation engine, which keeps the totals and what
 * was live where at the peak in the same pass. The engine and the observers run on the
 * calling thread; the file is decoded ahead on a thread of its own ({@link FileSource#readAhead}).
 *
 * <p>An aggregated capture ({@code run --aggregate}, {@code transform aggregate}) holds the
 * engine's figures instead of events: its stack table goes through the engine as a full
 * capture's would, and its figures are then restored into it, so {@link #totals()} answers
 * every read method as for the full capture of the same run. A report that needs the events
 * themselves asks {@link #aggregated()} and refuses with {@link #refusal(String)}.
 *
 * @param formatVersion the file format version the capture was written in
 * @param programEnd how the program ended, as an aggregated capture says; null for a full capture
 */
public record FileAnalysis(Path file, CaptureHeader header, Aggregator totals,
                              Trailer trailer, boolean cutShort, String cutShortReason, int formatVersion,
                              ProgramEnd programEnd) {

    public FileAnalysis(Path file, CaptureHeader header, Aggregator totals, Trailer trailer, boolean cutShort,
            String cutShortReason, int formatVersion) {
        this(file, header, totals, trailer, cutShort, cutShortReason, formatVersion, null);
    }

    public static FileAnalysis of(Path file) throws IOException, CorruptCaptureException {
        return of(file, batch -> { });
    }

    /**
     * The analysis, with {@code observer} shown every batch right after the aggregator, in
     * the same pass (temporary allocations, progress): a report that needs more than the
     * aggregator keeps reading the capture once.
     */
    public static FileAnalysis of(Path file, Consumer<EventBatch> observer) throws IOException, CorruptCaptureException {
        return of(file, new Aggregator(), observer);
    }

    /**
     * As {@link #of(Path, Consumer)}, into {@code totals}: for an observer that reads the
     * aggregator as the pass goes (a report's time chart).
     */
    public static FileAnalysis of(Path file, Aggregator totals, Consumer<EventBatch> observer)
            throws IOException, CorruptCaptureException {
        AggregatedRecords.Reader figures = new AggregatedRecords.Reader();
        Pass pass = run(file, totals, figures, observer);
        ProgramEnd end = null;
        String reason = pass.reason;
        if (pass.header.has(RecordTag.FLAG_AGGREGATED)) {
            String problem = figures.problem();
            if (problem != null) {
                throw new CorruptCaptureException(pass.cutShort ? problem + " (" + pass.reason + ")" : problem);
            }
            totals.restore(figures.state());
            end = figures.end();
            if (!pass.sourceCutShort && end.cutShort()) {
                reason = end.kind() == ProgramEnd.Kind.RUNNING
                        ? "the program was still running when this aggregated file was written"
                        : "the program ended: " + end.describe();
            }
        }
        // A trailer whose totals were unavailable (memflux ran out of heap) has nothing to check.
        if (pass.trailer != null && !pass.trailer.totalsUnavailable()) {
            crossCheck(pass.trailer, totals, pass.trailerOffset);
        }
        return new FileAnalysis(file, pass.header, totals, pass.trailer, pass.cutShort, reason, pass.version, end);
    }

    /** Whether this is an aggregated capture: figures per stack, no events. */
    public boolean aggregated() {
        return header.has(RecordTag.FLAG_AGGREGATED);
    }

    /**
     * The one line a report that needs every event prints for an aggregated capture;
     * {@code what} names what it needs them for ("temporary allocations").
     */
    public String refusal(String what) {
        return "memflux: " + file + " is an aggregated capture: " + what + " need every event; run without "
                + "--aggregate (stats, summary, flamegraph, tree, table, check work on it)";
    }

    /** For a report that needs every event: prints {@link #refusal} and returns true when this capture is aggregated. */
    public boolean refuseAggregated(String what, PrintWriter err) {
        if (!aggregated()) {
            return false;
        }
        err.println(refusal(what));
        err.flush();
        return true;
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
                        long trailerOffset, boolean sourceCutShort) {}

    private static Pass run(Path file, Aggregator aggregator, AggregatedRecords.Reader figures,
            Consumer<EventBatch> observer) throws IOException, CorruptCaptureException {
        try (FileSource source = FileSource.open(file)) {
            try {
                var batches = source.readAhead().transform(new AggregateStage(aggregator));
                // Only an aggregated capture has figures to collect; a full one's events skip the look.
                (source.header().has(RecordTag.FLAG_AGGREGATED) ? batches.doOnNext(figures) : batches)
                        .doOnNext(observer).blockLast();
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
            return new Pass(source.header(), source.trailer(), cut, reason, source.version(), source.lastBlockOffset(),
                    source.cutShort());
        }
    }

    /**
     * For a sampled capture (--sample-rate), the line every report shows so that nobody takes
     * its figures for exact ones; null for an exact capture.
     */
    public String samplingNote() {
        long mean = totals.sampleMeanBytes();
        return mean == 0 ? null : "sampled, one allocation kept per " + Units.bytes(mean)
                + " allocated on average (--sample-rate): the figures are estimates";
    }

    /** Milliseconds from the start of tracking to its end (or to the last event read). */
    public long durationMillis() {
        if (trailer != null) {
            return Math.max(0, trailer.endMillis() - header.startMillis());
        }
        return totals.clockMillis();
    }
}
