package dev.memflux.cli;

import dev.memflux.format.RecordTag;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.Units;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "transform", mixinStandardHelpOptions = true,
        description = {"Turn a capture into another format.",
                "",
                "Formats:",
                "  aggregate  an aggregated capture, as 'memflux run --aggregate' writes: per stack, the allocations "
                        + "and bytes live at the heap's peak, still live when tracking stopped, and allocated over "
                        + "the whole run, plus the run's totals; no events. stats, summary and the other reports of "
                        + "figures give the same numbers on it as on the full capture; it is written atomically "
                        + "(a temporary file, then a rename). Default output: FILE with .bin replaced by "
                        + ".aggregated.bin."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the file was written",
                "1:the input could not be read (missing, not a capture, corrupt) or the output exists without -f "
                        + "or cannot be written",
                "2:usage error (an unknown format)"})
final class TransformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FORMAT", description = "The format to write: aggregate.")
    String format;

    @Parameters(index = "1", paramLabel = "FILE", description = "A capture file written by memflux run.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Where to write (default: see the formats).")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Overwrite the output file if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String name = format.toLowerCase(Locale.ROOT);
        Path defaultOutput = switch (name) {
            case "aggregate" -> AggregateTransform.defaultOutput(file);
            default -> throw unknownFormat();
        };
        Path out = output != null ? output : defaultOutput;
        String unwritable = OutputCheck.problem(out, force);
        if (unwritable != null) {
            err.println("memflux: " + unwritable);
            return ExitCodes.INPUT;
        }
        FileAnalysis capture = ReportInput.analyze(file, err);
        if (capture == null) {
            return ExitCodes.INPUT;
        }
        switch (name) {
            case "aggregate" -> {
                long bytes = AggregateTransform.write(capture, out, capture.header().has(RecordTag.FLAG_COMPRESSED));
                err.println("memflux: wrote " + out + " (aggregated, " + Units.bytes(bytes) + ")"
                        + (capture.cutShort() ? "; its input was cut short: " + capture.cutShortReason() : ""));
            }
            default -> throw unknownFormat();
        }
        err.flush();
        return ExitCodes.OK;
    }

    private picocli.CommandLine.ParameterException unknownFormat() {
        return new picocli.CommandLine.ParameterException(spec.commandLine(),
                "unknown format '" + format + "' (transform writes: aggregate)");
    }
}
