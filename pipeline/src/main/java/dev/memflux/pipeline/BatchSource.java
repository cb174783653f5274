package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;

/**
 * Batches pulled one at a time by a {@link PullSubscription} as demand allows, the one
 * shape behind every {@link BatchFlux}: the run's ring ({@link RingSource}, pulled on
 * the thread "memflux-pipeline") and the reports' capture file ({@code FileSource},
 * pulled on the thread that subscribes: {@code next} decodes the next records into its
 * one reused batch, with {@code endOfStream} or {@code error} set on the last;
 * {@code release}, {@code wake} and {@code detach} have nothing to do, since reading a
 * file never waits for a producer).
 *
 * <p>Every method but {@link #wake} runs on the loop's thread.
 */
public interface BatchSource {
    /**
     * The next batch, waiting without spinning until the producer has published it. It
     * stays the next one (a second call returns it again) until {@link #release}; a batch
     * with {@code error} or {@code endOfStream} set is the last.
     *
     * @throws InterruptedException when {@link #wake} ended the wait
     */
    EventBatch next() throws InterruptedException;

    /** Done with the batch {@link #next} returned: the producer may reuse it from now on. */
    void release();

    /** From any thread: makes a waiting {@link #next} throw, so a cancel is noticed at once. */
    void wake();

    /**
     * Nothing more will be taken: the producer must never block on this consumer again.
     * It frees nothing the producer's owner still holds (a file stays open until its
     * reader is closed).
     */
    void detach();
}
