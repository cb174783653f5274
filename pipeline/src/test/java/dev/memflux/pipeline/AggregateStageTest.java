package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.EventBatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class AggregateStageTest {
    /** A node number no NODE record defined: the aggregator's per-node arrays throw on it. */
    private static EventBatch broken() {
        return new Batches().malloc(0x2000, 8, -1).build();
    }

    @Test
    void batchesPassThroughInOrderAndAreAggregated() {
        Aggregator a = new Aggregator();
        EventBatch first = new Batches().malloc(0x1000, 10, 0).build();
        EventBatch second = new Batches().free(0x1000).end().build();
        StepVerifier.create(Flux.just(first, second).transform(new AggregateStage(a)))
                .expectNext(first, second).verifyComplete();
        assertEquals(10, a.peakBytes());
        assertTrue(a.ended());
    }

    @Test
    void withoutIsolationAFailureEndsTheStream() {
        StepVerifier.create(Flux.just(broken()).transform(new AggregateStage(new Aggregator())))
                .verifyError(ArrayIndexOutOfBoundsException.class);
    }

    @Test
    void anIsolatedFailureIsReportedOnceAndTheBatchesFlowOnToTheEnd() {
        Aggregator a = new Aggregator();
        List<String> failures = new ArrayList<>();
        AggregateStage stage = AggregateStage.isolated(a, (cause, live) -> failures.add(cause.getClass().getSimpleName()
                + " with " + live + " live"));
        EventBatch first = new Batches().malloc(0x1000, 10, 0).build();
        EventBatch bad = broken();
        EventBatch last = new Batches().malloc(0x3000, 10, 0).end().build();
        StepVerifier.create(Flux.just(first, bad, last).transform(stage), 0)
                .thenRequest(1).expectNext(first)
                .thenRequest(2).expectNext(bad, last)
                .verifyComplete();
        assertEquals(List.of("ArrayIndexOutOfBoundsException with 1 live"), failures);
        assertFalse(a.available());
        assertEquals(0, a.liveAllocations());
        assertTrue(a.ended());
        assertEquals(4, a.records());
    }
}
