package dev.memflux.sinks;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.EventBatch;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.RunPipeline;
import java.nio.file.Path;
import java.util.List;
import reactor.core.publisher.Flux;

/** Writes a capture file as {@code memflux run} does, from batches made by a test. */
final class RunCapture {
    private RunCapture() {}

    static Aggregator write(CaptureFileSink file, Flux<EventBatch> batches) {
        return new RunPipeline(new Aggregator(), null, (cause, live) -> {
            throw new AssertionError("the analysis failed with " + live + " live allocations", cause);
        }, List.of(file)).run(batches).block();
    }

    static Aggregator write(Path file, CaptureHeader header, boolean compress, Flux<EventBatch> batches) {
        return write(new CaptureFileSink(file, header, compress), batches);
    }
}
