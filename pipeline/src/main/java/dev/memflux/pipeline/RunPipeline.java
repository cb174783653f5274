package dev.memflux.pipeline;

import dev.memflux.capture.EventRing;
import dev.memflux.format.EventBatch;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.symbolize.SymbolizeStage;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code run} stream, assembled in one place: ring → [symbolize, with --native] →
 * aggregate → every sink. The trailer is made here, from the one aggregator, when the
 * stream ends, and the same value is handed to each sink.
 *
 * <p>Everything runs on the ring's pipeline thread ("memflux-pipeline"), synchronously, so
 * a batch's ring slot is released only after every sink returned. It blocks on whatever
 * the sinks block on (the file sink: the disk).
 *
 * <p>The sinks come first: if the aggregation fails (its live set outgrows the heap), the
 * aggregator is abandoned, {@code onAnalysisFailure} is told once, and the batches flow on
 * to the sinks, whose trailer says the totals are unavailable.
 */
public final class RunPipeline {
    private final Aggregator aggregator;
    private final List<StreamSink> sinks;
    private final SymbolizeStage symbolize;
    private final AggregateStage.FailureListener onAnalysisFailure;

    /**
     * @param aggregator the run's one aggregator; a sink that reports figures (the live
     *     feed) may hold it too: when the sink is given a batch, the aggregator has counted it
     * @param symbolize the --native stage, or null
     * @param onAnalysisFailure told, on the pipeline thread, if the aggregator fails and is abandoned
     * @param sinks called in this order for every batch
     */
    public RunPipeline(Aggregator aggregator, SymbolizeStage symbolize,
                       AggregateStage.FailureListener onAnalysisFailure, List<StreamSink> sinks) {
        this.aggregator = Objects.requireNonNull(aggregator);
        this.symbolize = symbolize;
        this.onAnalysisFailure = Objects.requireNonNull(onAnalysisFailure);
        this.sinks = List.copyOf(sinks);
    }

    /**
     * Subscribing runs the capture to the end of what {@code ring} carries; the Mono yields
     * the aggregator. Call before anything is published on the ring (it gates the ring from here).
     */
    public Mono<Aggregator> run(EventRing ring) {
        return run(new RingFlux(ring));
    }

    /** As {@link #run(EventRing)}, from any source of batches. */
    public Mono<Aggregator> run(Flux<EventBatch> batches) {
        Flux<EventBatch> source = symbolize != null ? batches.transform(symbolize) : batches;
        return source
                .transform(AggregateStage.isolated(aggregator, onAnalysisFailure))
                .doOnNext(this::fanOut)
                .then(Mono.fromCallable(this::finish))
                .doOnError(this::abort);
    }

    private void fanOut(EventBatch batch) {
        for (int i = 0; i < sinks.size(); i++) {
            sinks.get(i).accept(batch);
        }
    }

    private Aggregator finish() {
        Trailer trailer = trailer();
        for (StreamSink sink : sinks) {
            sink.finish(trailer);
        }
        return aggregator;
    }

    private void abort(Throwable cause) {
        for (StreamSink sink : sinks) {
            sink.abort(cause);
        }
    }

    /** The run's totals as the file's TRAILER states them. */
    private Trailer trailer() {
        return trailerOf(aggregator, System.currentTimeMillis());
    }

    /** The TRAILER of what {@code a} has seen so far, ending at {@code endMillis} (epoch ms). */
    public static Trailer trailerOf(Aggregator a, long endMillis) {
        boolean cutShort = !a.ended() && a.execedPath() == null;
        if (!a.available()) {
            return Trailer.unavailable(endMillis, cutShort, a.records());
        }
        return new Trailer(endMillis, cutShort, a.allocations(), a.frees(), a.bytesAllocated(),
                a.peakBytes(), a.peakMillis(), a.heapBytes(), a.liveAllocations(), a.records());
    }
}
