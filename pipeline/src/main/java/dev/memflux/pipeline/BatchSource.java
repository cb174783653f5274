package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;

/**
 * Batches pulled one at a time by a {@link PullSubscription} on the pipeline thread, as
 * demand allows: the shape shared by the run (the ring, {@link RingSource}) and, if it
 * moves to it, the file reader ({@code FileSource}: {@code next} decodes the next block
 * into its one reused batch and returns it with {@code endOfStream} or {@code error} set
 * at the end; {@code release} and {@code wake} have nothing to do, since reading a file
 * never waits for a producer).
 *
 * <p>Every method but {@link #wake} runs on the pipeline thread.
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

    /** Nothing more will be taken: the producer must never block on this consumer again. */
    void close();
}
