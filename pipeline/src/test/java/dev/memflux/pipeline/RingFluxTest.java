package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.capture.EventRing;
import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;

class RingFluxTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private static TestSubscriber<Long> withoutDemand(RingFlux flux) {
        TestSubscriber<Long> subscriber = TestSubscriber.<Long>builder().initialRequest(0).build();
        flux.map(b -> b.allocAddress(0)).subscribe(subscriber);
        return subscriber;
    }

    @Test
    void batchesArriveInOrderAndTheStreamCompletes() {
        EventRing ring = new EventRing(8);
        RingFlux flux = new RingFlux(ring);
        AtomicInteger expected = new AtomicInteger(1);
        StepVerifier.create(flux.map(b -> b.allocAddress(0)))
                .then(() -> RingProducer.start(ring, 1000, null))
                .thenConsumeWhile(a -> a == expected.getAndIncrement())
                .expectComplete()
                .verify(LIMIT);
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
                .verify(LIMIT);
    }

    @Test
    void everyStageRunsOnThePipelineThread() {
        EventRing ring = new EventRing(8);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        StepVerifier.create(new RingFlux(ring).doOnNext(b -> threads.add(Thread.currentThread().getName())))
                .then(() -> RingProducer.start(ring, 20, null))
                .expectNextCount(20)
                .expectComplete()
                .verify(LIMIT);
        assertEquals(Set.of("memflux-pipeline"), threads);
    }

    @Test
    void exactlyTheRequestedBatchesArriveAndNoneWithoutDemand() {
        EventRing ring = new EventRing(16);
        TestSubscriber<Long> subscriber = withoutDemand(new RingFlux(ring));
        RingProducer.start(ring, 10, null);
        Await.until("the producer published all 11 batches", () -> ring.ringBuffer().getCursor() == 10);
        assertEquals(List.of(), subscriber.getReceivedOnNext());
        assertEquals(-1, ring.ringBuffer().getMinimumGatingSequence(), "no slot may be taken without demand");

        subscriber.request(3);
        Await.until("three slots were released", () -> ring.ringBuffer().getMinimumGatingSequence() == 2);
        assertEquals(List.of(1L, 2L, 3L), subscriber.getReceivedOnNext());
        assertEquals(2, ring.ringBuffer().getMinimumGatingSequence(), "a fourth batch was taken on a demand of 3");
        assertFalse(subscriber.isTerminated());

        subscriber.request(100);
        subscriber.block(LIMIT);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), subscriber.getReceivedOnNext());
        assertTrue(subscriber.isTerminatedComplete());
    }

    @Test
    void anEmptyStreamCompletesWithoutDemand() {
        EventRing ring = new EventRing(4);
        TestSubscriber<Long> subscriber = withoutDemand(new RingFlux(ring));
        RingProducer.start(ring, 0, null);
        subscriber.block(LIMIT);
        assertTrue(subscriber.isTerminatedComplete());
        assertEquals(List.of(), subscriber.getReceivedOnNext());
    }

    @Test
    void aStreamErrorReachesTheSubscriberAfterTheBatchesBeforeIt() {
        EventRing ring = new EventRing(8);
        StepVerifier.create(new RingFlux(ring).map(b -> b.allocAddress(0)))
                .then(() -> RingProducer.start(ring, 3, new IOException("socket broke")))
                .expectNext(1L, 2L, 3L)
                .expectErrorMessage("socket broke")
                .verify(LIMIT);
    }

    @Test
    void aStreamErrorArrivesWithoutDemand() {
        EventRing ring = new EventRing(4);
        TestSubscriber<Long> subscriber = withoutDemand(new RingFlux(ring));
        RingProducer.start(ring, 0, new IOException("socket broke"));
        subscriber.block(LIMIT);
        assertTrue(subscriber.isTerminatedError());
        assertEquals("socket broke", subscriber.expectTerminalError().getMessage());
    }

    @Test
    void aLastBatchWithRecordsIsDeliveredBeforeTheStreamCompletes() {
        EventRing ring = new EventRing(4);
        RingFlux flux = new RingFlux(ring);
        long seq = ring.claim();
        EventBatch last = ring.get(seq);
        last.addAlloc(AllocatorKind.MALLOC.ordinal(), 77, 8, 0, 0);
        last.endOfStream = true;
        ring.publish(seq);
        StepVerifier.create(flux.map(b -> b.allocAddress(0)))
                .expectNext(77L)
                .expectComplete()
                .verify(LIMIT);
    }

    @Test
    void batchesPublishedBeforeTheSubscriberArrivesAreNotLost() {
        EventRing ring = new EventRing(8);
        RingFlux flux = new RingFlux(ring);
        RingProducer.start(ring, 6, null);
        Await.until("the producer published all 7 batches", () -> ring.ringBuffer().getCursor() == 6);
        StepVerifier.create(flux.map(b -> b.allocAddress(0)))
                .expectNext(1L, 2L, 3L, 4L, 5L, 6L)
                .expectComplete()
                .verify(LIMIT);
    }

    @Test
    void aSlowSubscriberHoldsTheProducerToTheRingSize() throws Exception {
        int size = 4;
        int batches = 100;
        EventRing ring = new EventRing(size);
        RingProducer producer = new RingProducer(ring, batches, null);
        CompletableFuture<Integer> received = new CompletableFuture<>();
        new RingFlux(ring).subscribe(new BaseSubscriber<EventBatch>() {
            int k;

            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                producer.start();
                request(1);
            }

            @Override
            protected void hookOnNext(EventBatch batch) {
                k++;
                // Before this onNext returns, k - 1 slots were released: the producer can fill
                // the rest of the ring and no more. Wait until it has, then check it went no further.
                long most = Math.min(batches, k - 1 + size);
                Await.until("the producer filled the ring", () -> producer.published.get() >= most);
                if (producer.published.get() > most || batch.allocAddress(0) != k) {
                    throw new AssertionError("at batch " + k + " (address " + batch.allocAddress(0) + ") the producer had published "
                            + producer.published.get() + " batches into a ring of " + size);
                }
                request(1);
            }

            @Override
            protected void hookOnComplete() {
                received.complete(k);
            }

            @Override
            protected void hookOnError(Throwable t) {
                received.completeExceptionally(t);
            }
        });
        assertEquals(batches, received.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
    }

    /** Subscribes with {@code demand}, remembering the thread that delivers. */
    private static TestSubscriber<Long> subscribeRemembering(RingFlux flux, long demand, Thread[] pipeline) {
        TestSubscriber<Long> subscriber = TestSubscriber.<Long>builder().initialRequest(demand).build();
        flux.map(b -> {
            pipeline[0] = Thread.currentThread();
            return b.allocAddress(0);
        }).subscribe(subscriber);
        return subscriber;
    }

    @Test
    void withBatchesButNoDemandThePipelineThreadSleeps() {
        EventRing ring = new EventRing(4);
        Thread[] pipeline = new Thread[1];
        TestSubscriber<Long> subscriber = subscribeRemembering(new RingFlux(ring), 1, pipeline);
        RingProducer producer = RingProducer.start(ring, 100, null);
        Await.until("the first batch arrived", () -> subscriber.getReceivedOnNext().size() == 1);
        Await.until("the ring is full again", () -> producer.published.get() == 5);
        // A parking loop would show TIMED_WAITING or RUNNABLE here, never WAITING.
        Await.until("the pipeline thread sleeps", () -> pipeline[0].getState() == Thread.State.WAITING);
        assertEquals(List.of(1L), subscriber.getReceivedOnNext());
        subscriber.cancel();
    }

    @Test
    void withDemandButNoBatchThePipelineThreadSleeps() {
        EventRing ring = new EventRing(4);
        Thread[] pipeline = new Thread[1];
        TestSubscriber<Long> subscriber = subscribeRemembering(new RingFlux(ring), 5, pipeline);
        long seq = ring.claim();
        ring.get(seq).addAlloc(AllocatorKind.MALLOC.ordinal(), 1, 8, 0, 0);
        ring.publish(seq);
        Await.until("the batch arrived", () -> subscriber.getReceivedOnNext().size() == 1);
        Await.until("the pipeline thread sleeps", () -> pipeline[0].getState() == Thread.State.WAITING);
        seq = ring.claim();
        ring.get(seq).endOfStream = true;
        ring.publish(seq);
        subscriber.block(LIMIT);
        assertTrue(subscriber.isTerminatedComplete());
    }

    @Test
    void afterCancelTheProducerIsNoLongerHeldBack() throws Exception {
        EventRing ring = new EventRing(4);
        RingProducer[] producer = new RingProducer[1];
        StepVerifier.create(new RingFlux(ring))
                .then(() -> producer[0] = RingProducer.start(ring, 200, null))
                .expectNextCount(1)
                .thenCancel()
                .verify(LIMIT);
        producer[0].join(LIMIT.toMillis());
        assertFalse(producer[0].isAlive(), "the producer should have published all 200 batches");
    }

    @Test
    void aCancelWhileNothingIsRequestedFreesTheProducer() throws Exception {
        EventRing ring = new EventRing(4);
        TestSubscriber<Long> subscriber = withoutDemand(new RingFlux(ring));
        RingProducer producer = RingProducer.start(ring, 200, null);
        Await.until("the ring is full", () -> producer.published.get() == 4);
        subscriber.cancel();
        producer.join(LIMIT.toMillis());
        assertFalse(producer.isAlive(), "the producer should have published all 200 batches");
        assertEquals(List.of(), subscriber.getReceivedOnNext());
    }

    @Test
    void aSubscriberThatThrowsGetsTheErrorAndFreesTheProducer() throws Exception {
        EventRing ring = new EventRing(4);
        RingProducer[] producer = new RingProducer[1];
        StepVerifier.create(new RingFlux(ring).map(b -> {
                    if (b.allocAddress(0) == 2) {
                        throw new IllegalArgumentException("stage broke at 2");
                    }
                    return b.allocAddress(0);
                }))
                .then(() -> producer[0] = RingProducer.start(ring, 200, null))
                .expectNext(1L)
                .expectErrorMessage("stage broke at 2")
                .verify(LIMIT);
        producer[0].join(LIMIT.toMillis());
        assertFalse(producer[0].isAlive(), "the producer should have published all 200 batches");
    }

    @Test
    void aNonPositiveRequestIsAnError() throws Exception {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        new RingFlux(new EventRing(4)).subscribe(new BaseSubscriber<EventBatch>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(0);
            }

            @Override
            protected void hookOnError(Throwable t) {
                error.complete(t);
            }
        });
        Throwable t = error.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(t instanceof IllegalArgumentException && t.getMessage().contains("3.9"), t.toString());
    }

    @Test
    void onlyOneSubscriberIsAllowed() {
        RingFlux flux = new RingFlux(new EventRing(4));
        flux.subscribe();
        StepVerifier.create(flux).expectError(IllegalStateException.class).verify(LIMIT);
    }
}
