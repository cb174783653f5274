package dev.memflux.sinks;

import dev.memflux.format.EventBatch;
import dev.memflux.pipeline.BatchSource;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A capture file decoded on a thread of its own ("memflux-file-reader") a few batches ahead
 * of the thread that aggregates them: reading, lz4 decompression, checksums and decoding
 * cost about as much as aggregating, so on two cores a report's wall time comes close to
 * the larger of the two instead of their sum.
 *
 * <p>Memory stays bounded: {@link #BATCHES} batches circulate between the two threads, so
 * the reader is never more than that many batches ahead, and it waits (without spinning)
 * for the consumer to release one. Each side that waits is woken only once half the
 * batches are ready for it (or the stream ended): a wake-up per batch cost as much CPU as
 * a tenth of the decoding (9,000 context switches on a 40 M-event capture). A batch that ends the stream (or carries its error) is
 * the reader's last; failures of every kind, an {@code Error} included, travel in it, so
 * the consumer's thread sees them in order, after every good batch.
 *
 * <p>Threads: {@link #next} and {@link #release} on the consumer's thread (which waits in
 * {@code next} for the reader), {@link #wake} from any. {@link #stop} (the owner's close)
 * ends the reader and waits for it, so the file is never closed under it.
 */
final class ReadAheadSource implements BatchSource {
    /** About 130 KB each: the reader is at most about 1 MB ahead. */
    static final int BATCHES = 8;
    /** A waiting side is woken when this many batches are there for it. */
    static final int WAKE_AT = BATCHES / 2;

    private final Consumer<EventBatch> decode;
    private final ReentrantLock lock = new ReentrantLock();
    /** The consumer may go on: batches are ready, or it was woken. */
    private final Condition readyOrWoken = lock.newCondition();
    /** The reader may go on: batches are free, or it was stopped. */
    private final Condition freeOrStopped = lock.newCondition();
    private final ArrayDeque<EventBatch> free = new ArrayDeque<>(BATCHES);
    private final ArrayDeque<EventBatch> ready = new ArrayDeque<>(BATCHES);
    private final Thread reader;
    // Guarded by lock:
    private boolean consumerWaits;
    private boolean readerWaits;
    private boolean woken;
    private boolean stopped;
    /** The batch {@link #next} returned and the consumer has not released; consumer's thread only. */
    private EventBatch current;
    /**
     * The batch the consumer released last, free only from its next {@link #next}: the pull
     * loop still reads its end-of-stream flag after releasing it, and a reader that reused it
     * at once could set that flag and end the stream with batches still ready (seen: 7 of
     * 9,764 batches lost at the end of a 40 M-event capture, about one run in four).
     */
    private EventBatch released;

    /**
     * @param decode fills the batch it is given with the next records, setting
     *     {@code endOfStream} or {@code error} on the last
     */
    ReadAheadSource(Consumer<EventBatch> decode) {
        this.decode = decode;
        for (int i = 0; i < BATCHES; i++) {
            free.add(new EventBatch());
        }
        reader = new Thread(this::read, "memflux-file-reader");
        reader.setDaemon(true); // a consumer that never finishes must not keep the JVM alive
    }

    private void read() {
        EventBatch batch = null;
        try {
            while ((batch = takeFree()) != null) {
                batch.clear();
                try {
                    decode.accept(batch);
                } catch (Throwable t) { // an Error too: it must reach the consumer, not end this thread unseen
                    batch.clear();
                    batch.error = t;
                }
                boolean last = batch.endOfStream || batch.error != null;
                putReady(batch, last);
                if (last) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // Nobody interrupts this thread but a stop's owner: ending is all that follows.
        }
    }

    /** The next free batch for the reader, or null once stopped. */
    private EventBatch takeFree() throws InterruptedException {
        lock.lock();
        try {
            while (free.isEmpty() && !stopped) {
                readerWaits = true;
                freeOrStopped.await();
            }
            readerWaits = false;
            return stopped ? null : free.poll();
        } finally {
            lock.unlock();
        }
    }

    private void putReady(EventBatch batch, boolean last) {
        lock.lock();
        try {
            ready.add(batch);
            if (consumerWaits && (last || ready.size() >= WAKE_AT)) {
                readyOrWoken.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public EventBatch next() throws InterruptedException {
        if (current != null) {
            return current;
        }
        if (reader.getState() == Thread.State.NEW) {
            reader.start();
        }
        lock.lock();
        try {
            if (released != null) {
                free.add(released);
                released = null;
                if (readerWaits && free.size() >= WAKE_AT) {
                    freeOrStopped.signal();
                }
            }
            while (ready.isEmpty() && !woken) {
                consumerWaits = true;
                readyOrWoken.await();
            }
            consumerWaits = false;
            if (woken) {
                woken = false;
                throw new InterruptedException("woken");
            }
            current = ready.poll();
            return current;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release() {
        if (current != null) {
            released = current;
            current = null;
        }
    }

    @Override
    public void wake() {
        signal(true);
    }

    @Override
    public void detach() {
        signal(false);
    }

    /** Wakes the consumer ({@code consumer}) or stops the reader, whichever waits. */
    private void signal(boolean consumer) {
        lock.lock();
        try {
            if (consumer) {
                woken = true;
                readyOrWoken.signal();
            } else {
                stopped = true;
                freeOrStopped.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Ends the reader and waits until it has: after this, nothing touches the file. */
    void stop() {
        detach();
        if (reader.getState() == Thread.State.NEW) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                reader.join(); // at most one batch's decoding: it checks for the stop before each
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the reader waits for the consumer to release a batch. */
    boolean readerWaits() {
        lock.lock();
        try {
            return readerWaits;
        } finally {
            lock.unlock();
        }
    }

    /** How many batches wait for the reader to fill them. */
    int freeBatches() {
        lock.lock();
        try {
            return free.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the reader thread has ended (or never started). */
    boolean readerDone() {
        Thread.State state = reader.getState();
        return state == Thread.State.TERMINATED || state == Thread.State.NEW;
    }
}
