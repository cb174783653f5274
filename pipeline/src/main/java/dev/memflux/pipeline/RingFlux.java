package dev.memflux.pipeline;

import dev.memflux.capture.EventRing;

/**
 * The bridge from the Disruptor ring into Reactor: a {@link BatchFlux} over the ring
 * ({@link RingSource}), pulled on the thread "memflux-pipeline" (see
 * {@link PullSubscription}), where every downstream stage runs synchronously. A batch's
 * slot is released when {@code onNext} returns, which is what lets batches be reused: a
 * batch is valid only during {@code onNext}.
 *
 * <p>Backpressure: the ring is gated on this flux from its construction, so until the
 * subscriber asks for more the ring fills, the collector blocks, and the agent blocks the
 * program; nothing is dropped. After a cancel the ring no longer gates the collector, so
 * it never blocks forever.
 */
public final class RingFlux extends BatchFlux {
    /** Make it before anything is published on {@code ring}: from now on the ring waits for it. */
    public RingFlux(EventRing ring) {
        super(new RingSource(ring), () -> PullSubscription.ownThread("memflux-pipeline"));
    }
}
