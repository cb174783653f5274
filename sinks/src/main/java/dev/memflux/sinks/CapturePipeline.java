package dev.memflux.sinks;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.EventBatch;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.AggregateStage;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.Lz4BlockEncoder;
import dev.memflux.pipeline.symbolize.SymbolizeStage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code run} pipeline: batches → aggregate → encode (lz4 blocks) → capture file,
 * with the trailer taken from the aggregator when the stream ends. Every stage runs on
 * the thread that delivers the batches (the ring's pipeline thread).
 */
public final class CapturePipeline {
    private final Aggregator aggregator = new Aggregator();
    private final FileSink file;
    private final boolean compress;
    private SymbolizeStage symbolize;

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

    /** Subscribing runs the capture to the end of {@code batches}; the Mono yields the final totals. */
    public Mono<Aggregator> run(Flux<EventBatch> batches) {
        Lz4BlockEncoder encoder = new Lz4BlockEncoder(compress, this::trailer);
        Flux<EventBatch> source = symbolize != null ? batches.transform(symbolize) : batches;
        return source
                .transform(new AggregateStage(aggregator))
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

    private Trailer trailer() {
        Aggregator a = aggregator;
        return new Trailer(System.currentTimeMillis(), !a.ended() && a.execedPath() == null, a.allocations(), a.frees(), a.bytesAllocated(),
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
