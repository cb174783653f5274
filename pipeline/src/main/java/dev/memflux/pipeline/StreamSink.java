package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import dev.memflux.format.Trailer;

/**
 * Where a run's stream ends up: the capture file today, an aggregated file or a live feed
 * next. {@link RunPipeline} calls every sink on its pipeline thread, one after the other,
 * in the order they were given; a sink that needs another thread copies what it keeps.
 */
public interface StreamSink {
    /**
     * The next batch, already symbolized and aggregated (the run's aggregator has counted
     * it). The batch is valid only during this call: its slot in the ring is reused as soon
     * as the call returns.
     */
    void accept(EventBatch batch);

    /** The stream ended; {@code trailer} is the run's totals, the same value for every sink. */
    void finish(Trailer trailer);

    /** The stream broke ({@code cause}); no {@link #finish} follows. Close what is open. */
    default void abort(Throwable cause) {
    }
}
