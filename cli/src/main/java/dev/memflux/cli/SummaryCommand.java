package dev.memflux.cli;

import dev.memflux.report.FileAnalysis;
import dev.memflux.report.SummaryReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"A table of the locations that held memory at the heap's peak: for each function and "
                + "file:line, the bytes it allocated itself (own) and everything allocated below it (total) "
                + "that was live at the peak, and how many allocations it made over the whole run.",
                "With --leaks, what was still allocated when tracking stopped instead; with --temporary-allocations, "
                + "the allocations freed soon after they were made (the count column then counts those)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the report was written", "1:the file could not be read (missing, not a capture, corrupt)",
                "2:usage error"})
final class SummaryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A capture file written by memflux run.")
    Path file;

    @Option(names = {"-n", "--max-rows"}, paramLabel = "N", defaultValue = "20",
            description = "How many rows to show (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-s", "--sort"}, paramLabel = "KEY", defaultValue = "total",
            description = "Sort by total (bytes at the peak, callees included), own (bytes at the peak allocated "
                    + "by the location itself) or count (allocations made). Default: ${DEFAULT-VALUE}.")
    String sort;

    @picocli.CommandLine.Mixin
    FigureOptions figures;

    @Override
    public Integer call() {
        SummaryReport.SortKey key;
        try {
            key = SummaryReport.SortKey.valueOf(sort.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--sort takes total, own or count, not '" + sort + "'");
        }
        if (limit < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "-n must be at least 1, not " + limit);
        }
        figures.check(spec.commandLine());
        var temporary = figures.temporaryEngine();
        FileAnalysis analysis = ReportInput.analyze(file, spec.commandLine().getErr(), temporary);
        if (FigureOptions.unusable(analysis, temporary, spec.commandLine().getErr())) {
            return ExitCodes.INPUT;
        }
        System.out.print(new SummaryReport(analysis, figures.figures(analysis, temporary), key, limit).text());
        System.out.flush();
        return ExitCodes.OK;
    }
}
