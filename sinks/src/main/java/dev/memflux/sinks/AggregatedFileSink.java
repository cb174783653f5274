package dev.memflux.sinks;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.EventBatch;
import dev.memflux.format.ProgramEnd;
import dev.memflux.format.RecordTag;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.RunPipeline;
import dev.memflux.pipeline.StackTable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code run --aggregate}: keeps no events. Every {@link #PERIOD_MILLIS} of capture time,
 * and whenever the program's stream pauses after records (the collector's tick: at any
 * pause a second or more after the last tick, so at most once a second), it rewrites the aggregated file from the run's one
 * aggregator, atomically, so the file is valid while the program runs and a kill of
 * memflux loses one period at most; at the end it writes the final file, and
 * {@link #finalWrite} once more with how the program ended when that is known.
 * Capture time only runs while records flow, so the tick is what writes an idle
 * program's figures.
 *
 * <p>Runs on the pipeline thread (which the rewrite blocks on the disk for as long as a
 * file of the run's distinct stacks takes to write); {@link #finalWrite} on the thread
 * that awaited the pipeline's end.
 */
public final class AggregatedFileSink implements CaptureOutput {
    /** How often the file is rewritten while the program runs, in capture time. */
    public static final long PERIOD_MILLIS = 5000;

    private final AggregatedFileWriter writer;
    private final Aggregator aggregator;
    /** The SYMBOL records the symbolize stage added (the aggregator never sees them). */
    private final StackTable symbols = new StackTable();
    private final long periodMillis;
    private long captureMillisSinceWrite;
    /** The aggregator's record count at the last write: a tick with nothing new writes nothing. */
    private long recordsAtWrite = -1;
    private Trailer trailer;
    private long bytesWritten;
    private int writes;
    private String failure;

    /**
     * @param aggregator the run's aggregator: it has counted each batch before this sink gets it
     * @param periodMillis how often to rewrite ({@link #PERIOD_MILLIS} in {@code run})
     */
    public AggregatedFileSink(Path path, CaptureHeader header, boolean compress, Aggregator aggregator, long periodMillis) {
        if (!aggregator.detailed()) {
            throw new IllegalArgumentException("an aggregated capture needs an aggregator that keeps per-node figures");
        }
        this.writer = new AggregatedFileWriter(path, header, compress);
        this.aggregator = aggregator;
        this.periodMillis = periodMillis;
    }

    @Override
    public void accept(EventBatch batch) {
        for (int i = 0; i < batch.count; i++) {
            if (batch.tag(i) == RecordTag.TIME) {
                captureMillisSinceWrite += batch.timeDelta(i);
            }
        }
        EventBatch extra = batch.extraOrNull();
        if (extra != null) {
            for (int i = 0; i < extra.count; i++) {
                symbols.accept(extra, i);
            }
        }
        boolean pause = batch.tick && aggregator.records() != recordsAtWrite;
        if (captureMillisSinceWrite >= periodMillis || pause) {
            write(new ProgramEnd(ProgramEnd.Kind.RUNNING, 0),
                    RunPipeline.trailerOf(aggregator, System.currentTimeMillis()));
        }
    }

    @Override
    public void finish(Trailer last) {
        trailer = last;
        write(endSeenInStream(), last);
    }

    /** After the stream ended: writes the final file once more, now saying how the program ended. */
    public void finalWrite(ProgramEnd end) {
        if (trailer != null) {
            write(end, trailer);
        }
    }

    /** How the stream itself says the program ended (without its exit status). */
    private ProgramEnd endSeenInStream() {
        ProgramEnd.Kind kind = aggregator.ended() ? ProgramEnd.Kind.TRACKING_STOPPED
                : aggregator.execedPath() != null ? ProgramEnd.Kind.EXECED : ProgramEnd.Kind.LOST;
        return new ProgramEnd(kind, 0);
    }

    private void write(ProgramEnd end, Trailer t) {
        captureMillisSinceWrite = 0;
        recordsAtWrite = aggregator.records();
        if (!aggregator.available()) {
            failure = "memflux ran out of heap analysing the run: the aggregated file " + writer.target()
                    + " holds the figures of its last rewrite only";
            return;
        }
        try {
            bytesWritten = writer.write(aggregator.stacks(), symbols::symbol, aggregator.snapshot(), end, t);
            writes++;
            failure = null;
        } catch (IOException | RuntimeException e) {
            failure = "cannot write " + writer.target() + " (" + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()) + ")";
        } catch (OutOfMemoryError e) {
            // The snapshot copies the per-node figures: the run goes on, the file keeps its last rewrite.
            failure = "out of memory writing " + writer.target() + ": it holds the figures of its last rewrite";
        }
    }

    /** The size of the last file written. */
    @Override
    public long bytesWritten() {
        return bytesWritten;
    }

    /** How many times the file was written (periodic rewrites and the final ones). */
    public int writes() {
        return writes;
    }

    /** Why the last write failed, in one line; null when it did not. */
    @Override
    public String failure() {
        return failure;
    }
}
