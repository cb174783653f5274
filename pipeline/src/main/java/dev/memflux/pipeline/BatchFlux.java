package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * A {@link BatchSource} as a {@code Flux<EventBatch>}: its single subscriber pulls exactly
 * the batches it requested through a {@link PullSubscription}, and every downstream stage
 * runs synchronously on the loop's thread. A batch is released when {@code onNext}
 * returns, so it is valid only during {@code onNext}. The run's ring ({@link RingFlux})
 * and the reports' capture file read through this one publisher.
 */
public class BatchFlux extends Flux<EventBatch> {
    static {
        BatchLifetime.installIfEnabled();
    }

    private final BatchSource source;
    /** Made at subscription: a thread is started only for a subscriber. */
    private final Supplier<Executor> loop;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    BatchFlux(BatchSource source, Supplier<Executor> loop) {
        this.source = source;
        this.loop = loop;
    }

    /**
     * Pulled on the thread that subscribes (and on any thread that requests while no pull
     * is running): for a source whose {@code next} never waits for another thread.
     */
    public static BatchFlux onSubscriberThread(BatchSource source) {
        return new BatchFlux(source, PullSubscription::callersThread);
    }

    @Override
    public final void subscribe(CoreSubscriber<? super EventBatch> actual) {
        if (!subscribed.compareAndSet(false, true)) {
            Operators.error(actual, new IllegalStateException(getClass().getSimpleName() + " allows a single subscriber"));
            return;
        }
        PullSubscription subscription = new PullSubscription(source, actual, loop.get());
        actual.onSubscribe(subscription);
        subscription.start();
    }
}
