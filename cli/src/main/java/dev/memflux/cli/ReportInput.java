package dev.memflux.cli;

import dev.memflux.format.CaptureFileFormat;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.format.EventBatch;
import dev.memflux.report.FileAnalysis;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
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

    /** Why {@code file} cannot be a capture to read (missing, a directory), or null. */
    static String problem(Path file) {
        if (!Files.exists(file)) {
            return "no such file: " + file;
        }
        if (Files.isDirectory(file)) {
            return file + " is a directory, not a capture file";
        }
        return null;
    }

    /**
     * True when {@code file}'s header says it holds native stacks per allocation (a full
     * {@code --native} capture), so a report can ask for per-site figures only then; false
     * for anything unreadable, which the analysis itself then reports.
     */
    static boolean hasNativeStacks(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            CaptureHeader h = CaptureFileFormat.readHeader(in);
            return h.has(RecordTag.FLAG_NATIVE) && !h.has(RecordTag.FLAG_AGGREGATED);
        } catch (IOException | CorruptCaptureException | RuntimeException e) {
            return false;
        }
    }

    /** The analysis, or null after printing why not (the caller exits with {@link ExitCodes#INPUT}). */
    static FileAnalysis analyze(Path file, PrintWriter err) {
        return analyze(file, err, null);
    }

    /**
     * The analysis, with {@code observer} (may be null) fed the same batches in the same
     * pass, and progress on {@code err} when reading takes more than a couple of seconds.
     */
    static FileAnalysis analyze(Path file, PrintWriter err, Consumer<EventBatch> observer) {
        return analyze(file, err, new Aggregator(), observer);
    }

    /** As {@link #analyze(Path, PrintWriter, Consumer)}, into {@code totals} (which the observer may read). */
    static FileAnalysis analyze(Path file, PrintWriter err, Aggregator totals, Consumer<EventBatch> observer) {
        String problem = problem(file);
        if (problem != null) {
            err.println("memflux: " + problem);
            return null;
        }
        quietReactor();
        try {
            ReadProgress progress = new ReadProgress(err, file.toString());
            FileAnalysis analysis = FileAnalysis.of(file, totals,
                    observer == null ? progress : observer.andThen(progress));
            progress.done();
            return analysis;
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
