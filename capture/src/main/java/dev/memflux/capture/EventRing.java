package dev.memflux.capture;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import dev.memflux.format.EventBatch;

/**
 * The Disruptor ring between the collector (single producer) and the pipeline: a fixed
 * set of {@link EventBatch}es reused forever, each one's arrays made when its slot is
 * first claimed. A full ring blocks the
 * producer, which stops reading the socket, which blocks the agent: backpressure reaches
 * the profiled program and nothing is dropped.
 *
 * <p>A blocking wait strategy, not a spinning one: on a 2-core machine a spinning
 * consumer would steal a core from the program being profiled. One batch holds
 * thousands of events, so the per-publish signal costs nothing per event.
 */
public final class EventRing {
    /**
     * 16 batches (64 K events) of slack between the collector and the pipeline: the agent's
     * socket buffer (up to 4 MiB, about 800 K events) absorbs longer stalls anyway, and each
     * batch is ~135 KiB resident (64 batches: JVM RSS 61.7 MiB on an allocation-heavy run,
     * 16: 51.3 MiB).
     */
    public static final int DEFAULT_SIZE = 16;

    private final RingBuffer<EventBatch> ring;
    /** Claims that found the ring full (written by the producer only; read at the end). */
    private volatile long fullWaits;

    public EventRing(int size) {
        ring = RingBuffer.createSingleProducer(EventBatch::forRing, size, new BlockingWaitStrategy());
    }

    public RingBuffer<EventBatch> ringBuffer() {
        return ring;
    }

    /** Claims the next slot (blocks while the ring is full); the batch comes back cleared, its generation bumped. */
    public long claim() {
        if (!ring.hasAvailableCapacity(1)) {
            fullWaits++; // one writer: the collector thread
        }
        long sequence = ring.next();
        ring.get(sequence).recycle();
        return sequence;
    }

    /** How often the collector found the ring full and waited for the pipeline. */
    public long fullWaits() {
        return fullWaits;
    }

    public EventBatch get(long sequence) {
        return ring.get(sequence);
    }

    public void publish(long sequence) {
        ring.publish(sequence);
    }
}
