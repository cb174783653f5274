package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import java.util.concurrent.Executor;
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
 * as were requested, on the loop's thread, where every downstream stage then runs: its own
 * daemon thread for the ring ("memflux-pipeline"), or the thread that subscribes and
 * requests for a file (a trampoline: a {@code request} made inside {@code onNext} is
 * served by the running loop, never by recursion). The thread sleeps in {@link BatchSource#next} until the producer
 * publishes; when the batch it gets has records and there is no demand, the loop ends
 * without taking it (the next {@code request} starts the loop again), so the producer
 * blocks on a full ring and nothing parks or spins here.
 *
 * <p>A batch is valid only during {@code onNext}: its slot is released when
 * {@code onNext} returns. Batches without records that end the stream (or carry its
 * error) are handled without demand, so an empty stream completes at once. A cancel
 * wakes a waiting {@code next} and detaches the source, so the producer never blocks on this
 * subscriber again; whatever it publishes afterwards is dropped.
 */
final class PullSubscription implements Subscription {
    private final BatchSource source;
    private final CoreSubscriber<? super EventBatch> actual;
    private final Executor thread;
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

    PullSubscription(BatchSource source, CoreSubscriber<? super EventBatch> actual, Executor thread) {
        this.source = source;
        this.actual = actual;
        this.thread = thread;
    }

    /** A loop on its own daemon thread {@code name}, ended with the stream. */
    static Executor ownThread(String name) {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true); // a stalled subscriber must not keep memflux alive
            return t;
        });
    }

    /** A loop on whichever thread subscribes or requests while it is not running. */
    static Executor callersThread() {
        return Runnable::run;
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

    /** Called once the subscriber has its subscription: signals that need no demand may come from now on. */
    void start() {
        schedule();
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
                try {
                    // Waits even without demand: the end of the stream or its error needs none.
                    batch = source.next();
                } catch (InterruptedException woken) {
                    continue; // a cancel or a bad request: seen above
                }
                if (batch.error != null) {
                    stop();
                    actual.onError(batch.error);
                    return;
                }
                if (batch.count > 0 || batch.tick) { // a tick carries no records but seals the file
                    if (delivered == wanted) {
                        wanted = requested; // a request may have come while we waited
                        if (delivered == wanted) {
                            break; // stays next: the next request delivers it
                        }
                    }
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
        source.detach();
        if (thread instanceof ExecutorService own) {
            own.shutdown();
        }
    }
}
