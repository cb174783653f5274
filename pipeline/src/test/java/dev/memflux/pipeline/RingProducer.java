package dev.memflux.pipeline;

import dev.memflux.capture.EventRing;
import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A collector stand-in for tests: publishes {@code batches} batches whose one record's
 * address is the batch's number (1, 2, ...), then an empty batch that ends the stream or
 * carries {@code error}.
 */
final class RingProducer extends Thread {
    private final EventRing ring;
    private final long batches;
    private final Throwable error;
    /** Batches with records published so far. */
    final AtomicLong published = new AtomicLong();
    volatile boolean stop;

    RingProducer(EventRing ring, long batches, Throwable error) {
        super("test-producer");
        setDaemon(true);
        this.ring = ring;
        this.batches = batches;
        this.error = error;
    }

    static RingProducer start(EventRing ring, long batches, Throwable error) {
        RingProducer producer = new RingProducer(ring, batches, error);
        producer.start();
        return producer;
    }

    @Override
    public void run() {
        for (long i = 0; i < batches && !stop; i++) {
            long seq = ring.claim();
            EventBatch b = ring.get(seq);
            b.addAlloc(AllocatorKind.MALLOC.ordinal(), i + 1, 8, 0, 0);
            ring.publish(seq);
            published.incrementAndGet();
        }
        long seq = ring.claim();
        if (error != null) {
            ring.get(seq).error = error;
        } else {
            ring.get(seq).endOfStream = true;
        }
        ring.publish(seq);
    }
}
