package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Operators;

/**
 * One subscriber's pull loop over a {@link BatchSource}: it takes exactly as many batches
 * as were requested, on its own daemon thread "memflux-pipeline", where every downstream
 * stage then runs. With no demand nothing runs at all (the loop ends, and the next
 * {@code request} starts it again), so the producer blocks on a full ring instead of
 * anything parking or spinning here. While there is demand but no batch, the thread
 * sleeps in {@link BatchSource#take}.
 *
 * <p>A batch is valid only during {@code onNext}: its slot is released when
 * {@code onNext} returns. Batches without records that end the stream (or carry its
 * error) are handled without demand, so an empty stream completes at once. A cancel
 * wakes a waiting take and closes the source, so the producer never blocks on this
 * subscriber again; whatever it publishes afterwards is dropped.
 */
final class PullSubscription implements Subscription {
    private final BatchSource source;
    private final CoreSubscriber<? super EventBatch> actual;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "memflux-pipeline");
        t.setDaemon(true); // a stalled subscriber must not keep memflux alive
        return t;
    });
    private final Runnable drainTask = this::drain;

    private volatile long requested;
    private volatile int wip;
    private volatile boolean cancelled;
    private volatile Throwable badRequest;
    /** Touched only by the pipeline thread. */
    private boolean done;

    private static final AtomicLongFieldUpdater<PullSubscription> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(PullSubscription.class, "requested");
    private static final AtomicIntegerFieldUpdater<PullSubscription> WIP =
            AtomicIntegerFieldUpdater.newUpdater(PullSubscription.class, "wip");

    PullSubscription(BatchSource source, CoreSubscriber<? super EventBatch> actual) {
        this.source = source;
        this.actual = actual;
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            badRequest = Exceptions.nullOrNegativeRequestException(n);
            source.wake();
        } else {
            Operators.addCap(REQUESTED, this, n);
        }
        schedule();
    }

    @Override
    public void cancel() {
        cancelled = true;
        source.wake();
        schedule();
    }

    /** Starts the loop unless it is running; a running loop sees the change through {@code wip}. */
    private void schedule() {
        if (WIP.getAndIncrement(this) == 0) {
            try {
                thread.execute(drainTask);
            } catch (RejectedExecutionException terminated) {
                // The stream ended: nothing is left to deliver.
            }
        }
    }

    private void drain() {
        int missed = 1;
        while (!done) {
            long wanted = requested;
            long delivered = 0;
            while (true) {
                if (cancelled) {
                    stop();
                    return;
                }
                Throwable bad = badRequest;
                if (bad != null) {
                    stop();
                    actual.onError(bad);
                    return;
                }
                EventBatch batch;
                if (delivered != wanted) {
                    try {
                        batch = source.take();
                    } catch (InterruptedException woken) {
                        continue; // cancel or a bad request: checked above
                    }
                } else {
                    batch = source.peek();
                    if (batch == null || batch.count > 0) {
                        break;
                    }
                    takeReady();
                }
                if (batch.error != null) {
                    stop();
                    actual.onError(batch.error);
                    return;
                }
                if (batch.count > 0) {
                    delivered++;
                    if (!deliver(batch)) {
                        return;
                    }
                }
                source.release();
                if (batch.endOfStream) {
                    stop();
                    actual.onComplete();
                    return;
                }
            }
            if (delivered != 0 && wanted != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -delivered);
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /** Takes the batch {@code peek} just returned (it is there, so this does not wait). */
    private void takeReady() {
        try {
            source.take();
        } catch (InterruptedException woken) {
            throw new IllegalStateException("a published batch could not be taken", woken);
        }
    }

    private boolean deliver(EventBatch batch) {
        if (BatchLifetime.ENABLED) {
            batch.lease();
        }
        try {
            actual.onNext(batch);
        } catch (Throwable t) {
            stop();
            actual.onError(Operators.onOperatorError(this, t, batch, actual.currentContext()));
            return false;
        } finally {
            if (BatchLifetime.ENABLED) {
                batch.endLease();
            }
        }
        return true;
    }

    private void stop() {
        done = true;
        source.close();
        thread.shutdown();
    }
}
