package dev.memflux.cli;

import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.NodeAllocators;
import dev.memflux.report.ExportSites;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.TransformFormat;
import dev.memflux.report.Units;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "transform", mixinStandardHelpOptions = true,
        description = {"Writes a capture's memory at the heap's peak (or --leaks, or --temporary-allocations) "
                + "in another tool's format:",
                "  csv         memray's columns: allocator, num_allocations, size, tid,",
                "              thread_name, stack_trace",
                "  gprof2dot   JSON for gprof2dot: gprof2dot -f json OUT | dot -Tpng -o g.png",
                "  pprof       gzipped profile.proto (go tool pprof, Pyroscope, Grafana):",
                "              alloc_objects, alloc_space (the whole run), inuse_objects,",
                "              inuse_space (the peak, or the leaks)",
                "  speedscope  speedscope's JSON file format",
                "  aggregate   an aggregated capture, as 'memflux run --aggregate' writes: per",
                "              stack, what was live at the peak and at the end and allocated",
                "              over the run, plus the run's totals; no events (default output:",
                "              FILE with .bin replaced by .aggregated.bin)",
                "The default output is memflux-FORMAT-NAME.SUFFIX beside the capture (NAME: the capture's name "
                        + "without memflux- and its last suffix)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the file was written", "1:the capture could not be read, or the output exists without -f "
                + "or cannot be written", "2:usage error"})
final class TransformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FORMAT", description = "csv, gprof2dot, pprof, speedscope or aggregate.")
    String format;

    @Parameters(index = "1", paramLabel = "FILE", description = "A capture file written by memflux run.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Where to write (default: see above).")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Overwrite the output if it exists.")
    boolean force;

    @Mixin
    FigureOptions figures;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        if (format.equals("aggregate")) {
            return aggregate(err);
        }
        TransformFormat chosen = TransformFormat.named(format);
        if (chosen == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "format not supported: '" + format + "' (csv, gprof2dot, pprof, speedscope or aggregate)");
        }
        figures.check(spec.commandLine());
        String missing = ReportInput.problem(file);
        if (missing != null) {
            // Said before the output is looked at: a mistyped capture name is the problem to name.
            err.println("memflux: " + missing);
            return ExitCodes.INPUT;
        }
        Path out = output != null ? output : defaultOutput(file, chosen);
        String problem = OutputCheck.problem(out, force);
        if (problem != null) {
            err.println("memflux: " + problem);
            return ExitCodes.INPUT;
        }
        var temporary = figures.temporaryEngine();
        NodeAllocators allocators = new NodeAllocators();
        FileAnalysis analysis = ReportInput.analyze(file, err,
                temporary == null ? allocators : temporary.andThen(allocators));
        if (FigureOptions.unusable(analysis, temporary, err)) {
            return ExitCodes.INPUT;
        }
        var nodeFigures = figures.figures(analysis, temporary);
        ExportSites sites = chosen.wantsRunTotals() ? ExportSites.withRunTotals(analysis, nodeFigures, allocators)
                : ExportSites.of(analysis, nodeFigures, allocators);
        Path partial = out.resolveSibling(out.getFileName() + ".part");
        try (OutputStream stream = Files.newOutputStream(partial)) {
            chosen.write(sites, stream);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            err.println("memflux: cannot write " + out + ": " + Problems.describe(e));
            return ExitCodes.INPUT;
        }
        Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("Wrote " + out);
        if (chosen == TransformFormat.GPROF2DOT) {
            System.out.println("To make a graph of it: gprof2dot -f json " + out + " | dot -Tpng -o output.png");
        }
        System.out.flush();
        return ExitCodes.OK;
    }

    /** {@code transform aggregate}: the figures, written as {@code run --aggregate} would have. */
    private int aggregate(java.io.PrintWriter err) throws IOException {
        if (figures.chosen()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "transform aggregate keeps every figure: --leaks and --temporary-allocations do not apply to it");
        }
        Path out = output != null ? output : AggregateTransform.defaultOutput(file);
        String unwritable = OutputCheck.problem(out, force);
        if (unwritable != null) {
            err.println("memflux: " + unwritable);
            return ExitCodes.INPUT;
        }
        FileAnalysis capture = ReportInput.analyze(file, err);
        if (capture == null) {
            return ExitCodes.INPUT;
        }
        long bytes = AggregateTransform.write(capture, out, capture.header().has(RecordTag.FLAG_COMPRESSED));
        err.println("memflux: wrote " + out + " (aggregated, " + Units.bytes(bytes) + ")"
                + (capture.cutShort() ? "; its input was cut short: " + capture.cutShortReason() : ""));
        err.flush();
        return ExitCodes.OK;
    }

    /** memray's rule: the capture's name with the format's suffix, its own prefix dropped, beside it. */
    static Path defaultOutput(Path capture, TransformFormat format) {
        String name = capture.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        if (stem.startsWith("memflux-")) {
            stem = stem.substring("memflux-".length());
        }
        return capture.toAbsolutePath().resolveSibling("memflux-" + format.displayName() + "-" + stem + format.suffix);
    }
}
