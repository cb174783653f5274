package dev.memflux.cli;

import dev.memflux.report.FileAnalysis;
import dev.memflux.report.TreeReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "tree", mixinStandardHelpOptions = true,
        description = {"The biggest allocation sites live at the heap's peak as a call tree in the terminal, "
                + "outermost frame first: each node with the bytes allocated below it, their share of the whole and "
                + "how many allocations hold them (memray's tree, printed instead of browsed).",
                "With --leaks, what was still allocated when tracking stopped; with --temporary-allocations, the "
                + "allocations freed soon after they were made."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the report was written", "1:the file could not be read (missing, not a capture, corrupt)",
                "2:usage error"})
final class TreeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A capture file written by memflux run.")
    Path file;

    @Option(names = {"-b", "--biggest-allocs"}, paramLabel = "N", defaultValue = "200",
            description = "Show the N biggest allocation sites (default: ${DEFAULT-VALUE}).")
    int biggest;

    @Mixin
    FigureOptions figures;

    @Override
    public Integer call() {
        if (biggest < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "-b must be at least 1, not " + biggest);
        }
        figures.check(spec.commandLine());
        var temporary = figures.temporaryEngine();
        FileAnalysis analysis = ReportInput.analyze(file, spec.commandLine().getErr(), temporary);
        if (FigureOptions.unusable(analysis, temporary, spec.commandLine().getErr())) {
            return ExitCodes.INPUT;
        }
        System.out.print(new TreeReport(analysis, figures.figures(analysis, temporary), biggest).text());
        System.out.flush();
        return ExitCodes.OK;
    }
}
