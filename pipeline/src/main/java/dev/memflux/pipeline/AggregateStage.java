package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Feeds every batch through an {@link Aggregator} and passes it on unchanged. Runs on
 * whatever thread delivers the batches (the pipeline thread in {@code run}, the reader's
 * thread in reports); it never blocks.
 */
public final class AggregateStage implements Function<Flux<EventBatch>, Flux<EventBatch>> {
    private final Aggregator aggregator;

    public AggregateStage(Aggregator aggregator) {
        this.aggregator = aggregator;
    }

    public Aggregator aggregator() {
        return aggregator;
    }

    @Override
    public Flux<EventBatch> apply(Flux<EventBatch> batches) {
        return batches.doOnNext(aggregator);
    }
}
