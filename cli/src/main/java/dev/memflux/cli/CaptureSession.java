package dev.memflux.cli;

import dev.memflux.capture.Collector;
import dev.memflux.capture.EventRing;
import dev.memflux.capture.PythonLauncher;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.RingFlux;
import dev.memflux.pipeline.symbolize.SymbolizeStage;
import dev.memflux.pipeline.symbolize.Symbolizers;
import dev.memflux.sinks.CapturePipeline;
import dev.memflux.sinks.report.Units;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The running half of a capture: the ring, the pipeline into the file, the collector
 * thread, and what is said at the end. Runs on the main thread, which waits for the
 * program; the stages run on the pipeline thread, the socket is read on the collector's.
 */
final class CaptureSession {
    private final PrintWriter err;
    private final Path out;
    private final boolean compress;
    private final boolean quiet;
    private final boolean nativeTraces;

    CaptureSession(PrintWriter err, Path out, boolean compress, boolean quiet, boolean nativeTraces) {
        this.err = err;
        this.out = out;
        this.compress = compress;
        this.quiet = quiet;
        this.nativeTraces = nativeTraces;
    }

    /** Captures until the program ends; returns its exit code. */
    int follow(Collector collector, Process process, String python) throws Exception {
        EventRing ring = new EventRing(EventRing.DEFAULT_SIZE);
        CapturePipeline pipeline = new CapturePipeline(out, () -> header(collector.hello()), compress)
                .warnWith(line -> {
                    err.println(line);
                    err.flush();
                });
        SymbolizeStage symbolize = null;
        if (nativeTraces) {
            symbolize = new SymbolizeStage(Symbolizers.best(warning -> {
                if (!quiet) {
                    err.println("memflux: " + warning);
                }
            }));
            pipeline.symbolizeWith(symbolize);
        }
        var result = pipeline.run(new RingFlux(ring)).toFuture();
        Thread pump = new Thread(() -> collector.collect(ring, process::isAlive), "memflux-collector");
        pump.setDaemon(true);
        pump.start();
        int exitCode = process.waitFor();
        Aggregator totals = result.get();
        if (symbolize != null) {
            symbolize.close();
        }
        if (collector.hello() == null) {
            if (!Files.exists(PythonLauncher.startedMarker(collector.socketPath()))) {
                err.println("memflux: " + python + " exited without starting the memflux agent: "
                        + "is it a CPython 3.8+ interpreter?");
                return ExitCodes.INPUT;
            }
            // The program ended before tracking started (it said why on its stderr).
            return exitCode;
        }
        if (pipeline.fileFailure() != null) {
            err.println("memflux: " + pipeline.fileFailure());
            err.flush();
        }
        if (!quiet) {
            if (symbolize != null) {
                long lookups = symbolize.lookups();
                err.printf("memflux: symbolized %s native addresses with %s during the capture "
                        + "(%s native stack nodes, %.1f%% of them at an address already resolved)%n",
                        Units.count(symbolize.misses()), symbolize.symbolizerName(), Units.count(lookups),
                        lookups == 0 ? 0.0 : 100.0 * (lookups - symbolize.misses()) / lookups);
            }
            report(totals, pipeline.fileBytes(), collector, exitCode);
        }
        return exitCode;
    }

    private CaptureHeader header(CaptureHeader hello) {
        if (hello == null) {
            return null;
        }
        int flags = hello.flags() | (compress ? RecordTag.FLAG_COMPRESSED : 0);
        return new CaptureHeader(hello.pid(), hello.ppid(), hello.startMillis(), flags, hello.pythonVersion(),
                hello.commandLine(), Version.VERSION);
    }

    private void report(Aggregator totals, long fileBytes, Collector collector, int exitCode) {
        String totalsSaid = totals.available()
                ? Units.count(totals.allocations()) + " allocations, peak " + Units.bytes(totals.peakBytes()) + ", "
                : "";
        err.println("memflux: wrote " + out + " (" + totalsSaid + Units.bytes(fileBytes) + " on disk)");
        if (collector.reconnections() > 0) {
            err.println("memflux: the program closed or replaced memflux's socket; the agent reconnected "
                    + "and nothing was lost");
        }
        if (totals.execedPath() != null) {
            err.println("memflux: the program exec'd " + totals.execedPath() + "; tracking ended there");
        } else if (!collector.sawEnd()) {
            // Signals end a process with 128 + N; any other code means it went on to a normal end.
            err.println(collector.lostBytes() || exitCode < 128
                    ? "memflux: the agent's stream was lost before the program ended; "
                            + "the capture holds everything recorded until then"
                    : "memflux: the program ended before tracking stopped (killed or crashed); "
                            + "the capture holds everything recorded until then");
        }
        err.println("memflux: read it with: memflux stats " + out + "   (or: memflux summary " + out + ")");
        err.flush();
    }
}
