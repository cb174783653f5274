package dev.memflux.sinks;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.EventBatch;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.AggregateStage;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.Lz4BlockEncoder;
import dev.memflux.pipeline.symbolize.SymbolizeStage;
import dev.memflux.sinks.report.Units;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code run} pipeline: batches → aggregate → encode (lz4 blocks) → capture file,
 * with the trailer taken from the aggregator when the stream ends. Every stage runs on
 * the thread that delivers the batches (the ring's pipeline thread).
 *
 * <p>The file comes first: if the aggregation fails (its live set outgrows the heap), it
 * is abandoned with one line of warning, and the file is still written to the end, its
 * trailer saying the totals are unavailable (the reports compute them from the records).
 */
public final class CapturePipeline {
    private final Aggregator aggregator = new Aggregator();
    private final FileSink file;
    private final boolean compress;
    private SymbolizeStage symbolize;
    private Consumer<String> warnings = System.err::println;

    /** @param header the file's header, asked for when the first block is written; null: no capture */
    public CapturePipeline(Path output, Supplier<CaptureHeader> header, boolean compress) {
        this.compress = compress;
        this.file = new FileSink(output, header);
    }

    /**
     * With --native: resolve native addresses during the capture, so the file names its
     * native frames on any machine. Goes before aggregation and encoding.
     */
    public CapturePipeline symbolizeWith(SymbolizeStage stage) {
        this.symbolize = stage;
        return this;
    }

    /** Where the one-line warning goes if the analysis fails (default: stderr). */
    public CapturePipeline warnWith(Consumer<String> warnings) {
        this.warnings = warnings;
        return this;
    }

    /** Subscribing runs the capture to the end of {@code batches}; the Mono yields the final totals. */
    public Mono<Aggregator> run(Flux<EventBatch> batches) {
        Lz4BlockEncoder encoder = new Lz4BlockEncoder(compress, this::trailer);
        Flux<EventBatch> source = symbolize != null ? batches.transform(symbolize) : batches;
        return source
                .transform(AggregateStage.isolated(aggregator, this::analysisFailed))
                .transform(encoder)
                .doOnNext(file)
                .then(Mono.fromCallable(() -> {
                    file.close();
                    return aggregator;
                }))
                .doOnError(e -> closeQuietly());
    }

    public long fileBytes() {
        return file.bytesWritten();
    }

    /** Why the capture file stopped short (the disk filled up, say), in one line; null if it did not. */
    public String fileFailure() {
        return file.failure();
    }

    private void analysisFailed(Throwable cause, long liveAllocations) {
        String what = cause instanceof OutOfMemoryError ? "out of memory while analysing"
                : "the analysis failed (" + cause + ")";
        warnings.accept("memflux: " + what + " (" + Units.count(liveAllocations) + " live allocations); the capture "
                + "file is complete, its totals will be computed by the report commands");
    }

    private Trailer trailer() {
        Aggregator a = aggregator;
        boolean cutShort = !a.ended() && a.execedPath() == null;
        if (!a.available()) {
            return Trailer.unavailable(System.currentTimeMillis(), cutShort, a.records());
        }
        return new Trailer(System.currentTimeMillis(), cutShort, a.allocations(), a.frees(), a.bytesAllocated(),
                a.peakBytes(), a.peakMillis(), a.heapBytes(), a.liveAllocations(), a.records());
    }

    private void closeQuietly() {
        try {
            file.close();
        } catch (IOException ignored) {
            // the original error is the one to report
        }
    }
}
