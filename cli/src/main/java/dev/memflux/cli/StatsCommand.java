package dev.memflux.cli;

import dev.memflux.report.FileAnalysis;
import dev.memflux.report.StatsReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"High-level statistics of a capture: totals, the heap's peak and when it happened, "
                + "what was still allocated when tracking stopped, allocators, sizes and the top locations.",
                "A capture that was cut short (the program or memflux killed) is read up to its last whole "
                + "block, with a warning."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the report was written", "1:the file could not be read (missing, not a capture, corrupt)",
                "2:usage error"})
final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A capture file written by memflux run.")
    Path file;

    @Option(names = "--json", description = "Write JSON (the shape and keys of memray stats --json) instead of text.")
    boolean json;

    @Option(names = {"-n", "--num-largest"}, paramLabel = "N", defaultValue = "5",
            description = "How many top locations to show (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "-n must be at least 1, not " + top);
        }
        FileAnalysis analysis = ReportInput.analyze(file, spec.commandLine().getErr());
        if (analysis == null) {
            return ExitCodes.INPUT;
        }
        StatsReport report = new StatsReport(analysis, top);
        System.out.print(json ? report.json() : report.text());
        System.out.flush();
        return ExitCodes.OK;
    }
}
