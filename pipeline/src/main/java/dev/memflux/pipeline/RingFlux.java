package dev.memflux.pipeline;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import dev.memflux.capture.EventRing;
import dev.memflux.format.EventBatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * The bridge from the Disruptor ring into Reactor: a {@code Flux<EventBatch>} whose
 * single subscriber is driven by a Disruptor {@link BatchEventProcessor} on its own
 * thread ("memflux-pipeline"). Every downstream stage runs synchronously on that thread,
 * and a batch's ring slot is released only when {@code onNext} returns, which is what
 * lets batches be reused: a batch is valid only during {@code onNext}.
 *
 * <p>Backpressure: with no demand the pipeline thread parks instead of delivering; the
 * ring fills, the collector blocks, and the agent blocks the program. After a cancel the
 * ring is drained and discarded so the collector never blocks forever.
 */
public final class RingFlux extends Flux<EventBatch> {
    private final EventRing ring;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    public RingFlux(EventRing ring) {
        this.ring = ring;
    }

    @Override
    public void subscribe(CoreSubscriber<? super EventBatch> actual) {
        if (!subscribed.compareAndSet(false, true)) {
            Operators.error(actual, new IllegalStateException("RingFlux allows a single subscriber"));
            return;
        }
        Bridge bridge = new Bridge(actual);
        BatchEventProcessor<EventBatch> processor = new BatchEventProcessorBuilder()
                .build(ring.ringBuffer(), ring.ringBuffer().newBarrier(), bridge);
        bridge.processor = processor;
        // Gate the producer on this consumer before anything is published.
        ring.ringBuffer().addGatingSequences(processor.getSequence());
        actual.onSubscribe(bridge);
        Thread thread = new Thread(processor, "memflux-pipeline");
        thread.setDaemon(true);
        thread.start();
    }

    private static final class Bridge implements EventHandler<EventBatch>, org.reactivestreams.Subscription {
        private final CoreSubscriber<? super EventBatch> actual;
        private volatile long requested;
        private volatile boolean cancelled;
        private boolean done;
        BatchEventProcessor<EventBatch> processor;

        private static final AtomicLongFieldUpdater<Bridge> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Bridge.class, "requested");

        Bridge(CoreSubscriber<? super EventBatch> actual) {
            this.actual = actual;
        }

        @Override
        public void onEvent(EventBatch batch, long sequence, boolean endOfBatch) {
            if (done) {
                return;
            }
            if (batch.error != null) {
                finish();
                if (!cancelled) {
                    actual.onError(batch.error);
                }
                return;
            }
            if ((batch.count > 0 || batch.tick) && !cancelled) {
                while (requested == 0 && !cancelled) {
                    LockSupport.parkNanos(20_000);
                }
                if (!cancelled) {
                    Operators.produced(REQUESTED, this, 1);
                    try {
                        actual.onNext(batch);
                    } catch (Throwable t) {
                        cancelled = true;
                        actual.onError(t);
                    }
                }
            }
            if (batch.endOfStream) {
                finish();
                if (!cancelled) {
                    actual.onComplete();
                }
            }
        }

        private void finish() {
            done = true;
            processor.halt();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
