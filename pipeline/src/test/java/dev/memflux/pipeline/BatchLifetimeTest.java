package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.capture.EventRing;
import dev.memflux.format.EventBatch;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class BatchLifetimeTest {
    /** A misbehaving stage: it passes each batch on one batch late, after its onNext returned. */
    private static final Function<Flux<EventBatch>, Flux<EventBatch>> ONE_BATCH_LATE = flux -> {
        EventBatch[] previous = new EventBatch[1];
        return flux.handle((batch, sink) -> {
            if (previous[0] != null) {
                sink.next(previous[0]);
            }
            previous[0] = batch;
        });
    };

    @Test
    void theCheckIsOnInTests() {
        assertTrue(BatchLifetime.ENABLED, "tests run with -ea, which turns the batch lifetime check on");
    }

    @Test
    void aStageThatKeepsABatchPastOnNextFailsLoudly() {
        EventRing ring = new EventRing(8);
        StepVerifier.create(new RingFlux(ring).transform(ONE_BATCH_LATE).map(b -> b.allocAddress(0)))
                .then(() -> RingProducer.start(ring, 10, null))
                .expectErrorSatisfies(e -> {
                    assertTrue(e instanceof IllegalStateException, e.toString());
                    assertTrue(e.getMessage().contains("left 'handle' after the onNext that delivered it had returned"),
                            e.getMessage());
                })
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aStageThatCopiesWhatItNeedsPasses() {
        EventRing ring = new EventRing(8);
        StepVerifier.create(new RingFlux(ring).map(b -> b.allocAddress(0)).buffer(2))
                .then(() -> RingProducer.start(ring, 4, null))
                .expectNext(List.of(1L, 2L), List.of(3L, 4L))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void batchesMadeOutsideARingAreAlwaysLive() {
        BatchLifetime.installIfEnabled();
        EventBatch batch = new EventBatch();
        StepVerifier.create(Flux.just(batch, batch).transform(ONE_BATCH_LATE).map(EventBatch::isLive))
                .expectNext(true)
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }
}
