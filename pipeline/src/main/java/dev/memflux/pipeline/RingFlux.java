package dev.memflux.pipeline;

import dev.memflux.capture.EventRing;
import dev.memflux.format.EventBatch;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * The bridge from the Disruptor ring into Reactor: a {@code Flux<EventBatch>} whose
 * single subscriber pulls batches from the ring as it requests them, on the thread
 * "memflux-pipeline" (see {@link PullSubscription}), where every downstream stage runs
 * synchronously. A batch's slot is released when {@code onNext} returns, which is what
 * lets batches be reused: a batch is valid only during {@code onNext}.
 *
 * <p>Backpressure: the ring is gated on this flux from its construction, so until the
 * subscriber asks for more the ring fills, the collector blocks, and the agent blocks the
 * program; nothing is dropped. After a cancel the ring no longer gates the collector, so
 * it never blocks forever.
 */
public final class RingFlux extends Flux<EventBatch> {
    static {
        BatchLifetime.installIfEnabled();
    }

    private final RingSource source;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /** Make it before anything is published on {@code ring}: from now on the ring waits for it. */
    public RingFlux(EventRing ring) {
        this.source = new RingSource(ring);
    }

    @Override
    public void subscribe(CoreSubscriber<? super EventBatch> actual) {
        if (!subscribed.compareAndSet(false, true)) {
            Operators.error(actual, new IllegalStateException("RingFlux allows a single subscriber"));
            return;
        }
        PullSubscription subscription = new PullSubscription(source, actual);
        actual.onSubscribe(subscription);
        subscription.start();
    }
}
