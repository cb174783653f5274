package dev.memflux.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.Sequencer;
import com.lmax.disruptor.TimeoutException;
import dev.memflux.capture.EventRing;
import dev.memflux.format.EventBatch;

/**
 * The ring as a {@link BatchSource}: the Disruptor's own pull side (a sequence barrier
 * and a gating sequence, what {@code RingBuffer.newPoller} wraps) without its event
 * handler loop. {@link #next} waits on the barrier, which with the ring's blocking wait
 * strategy sleeps on a condition until the collector publishes; {@link #release} moves
 * the gating sequence, which is what lets the collector reuse the slot.
 *
 * <p>The gating sequence is added when the source is made, before the collector can
 * publish anything, so no batch is overwritten before it was pulled, whenever the
 * subscriber arrives.
 */
final class RingSource implements BatchSource {
    private final RingBuffer<EventBatch> ring;
    private final SequenceBarrier barrier;
    private final Sequence released = new Sequence(Sequencer.INITIAL_CURSOR_VALUE);
    /** The sequence {@link #next} returns; everything below it was released. */
    private long next = Sequencer.INITIAL_CURSOR_VALUE + 1;
    /** The highest sequence known to be published, so a run of batches costs one wait. */
    private long available = Sequencer.INITIAL_CURSOR_VALUE;

    RingSource(EventRing ring) {
        this.ring = ring.ringBuffer();
        this.barrier = this.ring.newBarrier();
        this.ring.addGatingSequences(released);
    }

    @Override
    public EventBatch next() throws InterruptedException {
        while (available < next) {
            try {
                available = barrier.waitFor(next);
            } catch (AlertException e) {
                throw new InterruptedException("the subscriber cancelled");
            } catch (TimeoutException e) {
                // Only timeout wait strategies throw this; EventRing's blocks. Wait again.
            }
        }
        return ring.get(next);
    }

    @Override
    public void release() {
        released.set(next++);
    }

    @Override
    public void wake() {
        barrier.alert();
    }

    @Override
    public void detach() {
        // Without this consumer's sequence the ring gates nothing, so the collector runs on
        // to its end and exits instead of blocking on a full ring forever.
        ring.removeGatingSequence(released);
    }
}
