package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.capture.EventRing;
import dev.memflux.format.EventBatch;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class RingFluxTest {
    /** Publishes {@code n} batches whose first address is their number, then the end. */
    private static Thread produce(EventRing ring, int n, Throwable error) {
        Thread t = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                long seq = ring.claim();
                EventBatch b = ring.get(seq);
                b.add(dev.memflux.format.AllocatorKind.MALLOC.tag(), i + 1, 8, 0);
                ring.publish(seq);
            }
            long seq = ring.claim();
            if (error != null) {
                ring.get(seq).error = error;
            } else {
                ring.get(seq).endOfStream = true;
            }
            ring.publish(seq);
        }, "test-producer");
        t.start();
        return t;
    }

    @Test
    void batchesArriveInOrderAndTheStreamCompletes() {
        EventRing ring = new EventRing(8);
        RingFlux flux = new RingFlux(ring);
        AtomicInteger expected = new AtomicInteger(1);
        StepVerifier.create(flux.map(b -> b.address[0]))
                .then(() -> produce(ring, 1000, null))
                .thenConsumeWhile(a -> a == expected.getAndIncrement())
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        assertEquals(1001, expected.get());
    }

    @Test
    void anEmptyTickBatchIsDeliveredAndAnEmptyPlainOneIsNot() {
        EventRing ring = new EventRing(8);
        StepVerifier.create(new RingFlux(ring).map(b -> b.tick + ":" + b.count))
                .then(() -> {
                    long seq = ring.claim();
                    ring.publish(seq); // empty, no tick: nothing to deliver
                    seq = ring.claim();
                    ring.get(seq).tick = true;
                    ring.publish(seq);
                    seq = ring.claim();
                    ring.get(seq).endOfStream = true;
                    ring.publish(seq);
                })
                .expectNext("true:0")
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void aStreamErrorReachesTheSubscriber() {
        EventRing ring = new EventRing(8);
        StepVerifier.create(new RingFlux(ring))
                .then(() -> produce(ring, 3, new IOException("socket broke")))
                .expectNextCount(3)
                .expectErrorMessage("socket broke")
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void withoutDemandTheProducerBlocksOnAFullRing() throws Exception {
        EventRing ring = new EventRing(4);
        Thread[] producer = new Thread[1];
        StepVerifier.create(new RingFlux(ring), 0)
                .expectSubscription()
                .then(() -> producer[0] = produce(ring, 100, null))
                .expectNoEvent(Duration.ofMillis(200))
                .then(() -> assertTrue(producer[0].isAlive(), "the producer should be blocked by the full ring"))
                .thenRequest(2)
                .expectNextCount(2)
                .expectNoEvent(Duration.ofMillis(100))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(98)
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        producer[0].join(5000);
    }

    @Test
    void afterCancelTheRingDrainsSoTheProducerFinishes() throws Exception {
        EventRing ring = new EventRing(4);
        CountDownLatch done = new CountDownLatch(1);
        StepVerifier.create(new RingFlux(ring))
                .then(() -> new Thread(() -> {
                    try {
                        produce(ring, 200, null).join();
                        done.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).start())
                .expectNextCount(1)
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        assertTrue(done.await(5, TimeUnit.SECONDS));
    }

    @Test
    void onlyOneSubscriberIsAllowed() {
        RingFlux flux = new RingFlux(new EventRing(4));
        flux.subscribe();
        StepVerifier.create(flux).expectError(IllegalStateException.class).verify(Duration.ofSeconds(5));
    }
}
