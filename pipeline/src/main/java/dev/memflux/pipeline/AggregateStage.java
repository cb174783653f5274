package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Feeds every batch through an {@link Aggregator} and passes it on unchanged. Runs on
 * whatever thread delivers the batches (the pipeline thread in {@code run}, the reader's
 * thread in reports); it never blocks.
 *
 * <p>{@link #isolated} is for {@code run}, where the file matters more than the totals: a
 * failure of the aggregator (the live set outgrowing the heap) is caught, the aggregator
 * is abandoned, and the batches flow on to the encoder and the file. Reactor would not
 * help here: it rethrows an OutOfMemoryError from {@code doOnNext} instead of signalling it.
 */
public final class AggregateStage implements Function<Flux<EventBatch>, Flux<EventBatch>> {
    /** Told once, on the pipeline thread, that the aggregator failed and was abandoned. */
    @FunctionalInterface
    public interface FailureListener {
        void failed(Throwable cause, long liveAllocations);
    }

    private final Aggregator aggregator;
    private final FailureListener onFailure;

    public AggregateStage(Aggregator aggregator) {
        this(aggregator, null);
    }

    private AggregateStage(Aggregator aggregator, FailureListener onFailure) {
        this.aggregator = aggregator;
        this.onFailure = onFailure;
    }

    /** A stage whose aggregator's failure is reported to {@code onFailure} instead of ending the stream. */
    public static AggregateStage isolated(Aggregator aggregator, FailureListener onFailure) {
        return new AggregateStage(aggregator, onFailure);
    }

    public Aggregator aggregator() {
        return aggregator;
    }

    @Override
    public Flux<EventBatch> apply(Flux<EventBatch> batches) {
        return onFailure == null ? batches.doOnNext(aggregator) : batches.doOnNext(this::acceptIsolated);
    }

    private void acceptIsolated(EventBatch batch) {
        try {
            aggregator.accept(batch);
        } catch (OutOfMemoryError | StackOverflowError | RuntimeException e) {
            long live = aggregator.liveAllocations();
            aggregator.abandon();
            aggregator.accept(batch); // counted again, now only for its records and END
            onFailure.failed(e, live);
        }
    }
}
