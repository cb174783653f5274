package dev.memflux.cli;

import dev.memflux.gate.CaptureDiff;
import dev.memflux.gate.Scope;
import dev.memflux.gate.ScopeFigures;
import dev.memflux.pipeline.NativeFigures;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compares two captures of a program: the totals (peak, leaked, allocated bytes, allocations) "
                + "and, for each location (function, file:line) whose figures changed, the change in what it held at "
                + "the peak (and its share of the peak), left live at the end, allocated, and how often; the largest "
                + "change first. In --native captures a location is the innermost frame of either kind: the C "
                + "function that called the allocator (marked [native]), or the Python line where there is none."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the report was written", "1:a file could not be read (missing, not a capture, corrupt)",
                "2:usage error"})
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The earlier capture (the baseline).")
    Path before;

    @Parameters(index = "1", paramLabel = "NEW", description = "The later capture.")
    Path after;

    @Option(names = "--json", description = "Write JSON instead of text.")
    boolean json;

    @Option(names = {"-n", "--max-rows"}, paramLabel = "N", defaultValue = "20",
            description = "How many locations to show (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "-n must be at least 1, not " + limit);
        }
        NativeFigures oldSites = ReportInput.hasNativeStacks(before) ? new NativeFigures() : null;
        FileAnalysis old = ReportInput.analyze(before, spec.commandLine().getErr(), oldSites);
        if (old == null) {
            return ExitCodes.INPUT;
        }
        NativeFigures newSites = ReportInput.hasNativeStacks(after) ? new NativeFigures() : null;
        FileAnalysis now = ReportInput.analyze(after, spec.commandLine().getErr(), newSites);
        if (now == null) {
            return ExitCodes.INPUT;
        }
        // native rows only when both have them: a row of one kind never matches one of the other
        boolean nativeRows = oldSites != null && oldSites.hasNativeStacks() && newSites != null
                && newSites.hasNativeStacks();
        CaptureDiff diff = new CaptureDiff(ScopeFigures.of(old.totals(), Scope.ALL, nativeRows ? oldSites : null),
                ScopeFigures.of(now.totals(), Scope.ALL, nativeRows ? newSites : null));
        System.out.print(json ? diff.json(limit) : diff.text(limit));
        System.out.flush();
        return ExitCodes.OK;
    }
}
