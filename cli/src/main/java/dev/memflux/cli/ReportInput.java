package dev.memflux.cli;

import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Opens the capture file a report was given, turning every failure into one line. */
final class ReportInput {
    /** Held so that the level set on it is not lost when the logger is collected. */
    private static final java.util.logging.Logger REACTOR = java.util.logging.Logger.getLogger("reactor");

    private ReportInput() {}

    /**
     * Reactor logs a fatal error (an out-of-memory) with its stack trace before rethrowing
     * it; reports catch it and say it in one line, so its log is silenced. Must run before
     * Reactor's classes take their loggers.
     */
    private static void quietReactor() {
        reactor.util.Loggers.useJdkLoggers();
        REACTOR.setLevel(java.util.logging.Level.OFF);
    }

    /** The analysis, or null after printing why not (the caller exits with {@link ExitCodes#INPUT}). */
    static FileAnalysis analyze(Path file, PrintWriter err) {
        return analyze(file, err, new Aggregator(), batch -> { });
    }

    /** As {@link #analyze(Path, PrintWriter)}, with {@code observer} run after {@code totals} on every batch. */
    static FileAnalysis analyze(Path file, PrintWriter err, Aggregator totals, Consumer<EventBatch> observer) {
        if (!Files.exists(file)) {
            err.println("memflux: no such file: " + file);
            return null;
        }
        if (Files.isDirectory(file)) {
            err.println("memflux: " + file + " is a directory, not a capture file");
            return null;
        }
        quietReactor();
        try {
            return FileAnalysis.of(file, totals, observer);
        } catch (CorruptCaptureException e) {
            err.println("memflux: " + file + ": " + e.getMessage());
        } catch (IOException e) {
            err.println("memflux: " + file + ": " + Problems.describe(e));
        } catch (OutOfMemoryError e) {
            // lz4 blocks expand up to 255 times: a small file can hold more stacks than the heap.
            err.println("memflux: " + file + ": its stacks do not fit in " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB of heap (set MEMFLUX_JAVA_OPTS=-Xmx...)");
        }
        return null;
    }
}
