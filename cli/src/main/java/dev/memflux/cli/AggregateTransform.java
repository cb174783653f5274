package dev.memflux.cli;

import dev.memflux.format.ProgramEnd;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.RunPipeline;
import dev.memflux.report.FileAnalysis;
import dev.memflux.sinks.AggregatedFileWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code transform aggregate}: a capture read once through the engine, written back as an
 * aggregated capture, the same file {@code run --aggregate} would have written for that run
 * (except that a full capture does not know the program's exit status).
 */
final class AggregateTransform {
    private AggregateTransform() {}

    /** The output's name when none is given: {@code run.bin} becomes {@code run.aggregated.bin}. */
    static Path defaultOutput(Path input) {
        String name = input.getFileName().toString();
        String stem = name.endsWith(".bin") ? name.substring(0, name.length() - 4) : name;
        return input.resolveSibling(stem + ".aggregated.bin");
    }

    /** Writes {@code capture} aggregated into {@code out} (atomically); returns its size in bytes. */
    static long write(FileAnalysis capture, Path out, boolean compress) throws IOException {
        Aggregator a = capture.totals();
        long endMillis = capture.trailer() != null ? capture.trailer().endMillis()
                : capture.header().startMillis() + a.clockMillis();
        return new AggregatedFileWriter(out, capture.header(), compress)
                .write(a.stacks(), a.stacks()::symbol, a.snapshot(), end(capture), RunPipeline.trailerOf(a, endMillis));
    }

    private static ProgramEnd end(FileAnalysis capture) {
        if (capture.programEnd() != null) {
            return capture.programEnd();
        }
        Aggregator a = capture.totals();
        ProgramEnd.Kind kind = a.ended() ? ProgramEnd.Kind.TRACKING_STOPPED
                : a.execedPath() != null ? ProgramEnd.Kind.EXECED : ProgramEnd.Kind.LOST;
        return new ProgramEnd(kind, 0);
    }
}
