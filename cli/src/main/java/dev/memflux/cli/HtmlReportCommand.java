package dev.memflux.cli;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.HeapTimeline;
import dev.memflux.pipeline.ThreadSplit;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.NodeFigures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code flamegraph} and {@code table} share: the capture, the output and its
 * checks, --leaks, the share below which rows or boxes are left out, one pass over the
 * capture (with the time chart's samples and progress), and the write.
 */
abstract class HtmlReportCommand implements Callable<Integer> {
    static final String EXIT_OK = "0:the page was written";
    static final String EXIT_INPUT = "1:the capture could not be read, or the page not written (it exists and -f was "
            + "not given)";
    static final String EXIT_USAGE = "2:usage error";

    /** Points in the time chart: enough for a screen's width, a few tens of KB in the page. */
    static final int TIMELINE_POINTS = 2000;

    /** How many points the time chart may have. */
    int timelinePoints() {
        return TIMELINE_POINTS;
    }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A capture file written by memflux run.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.html",
            description = "Where to write the page (default: memflux-${COMMAND-NAME}-<capture name without its "
                    + "extension and a leading memflux->.html next to the capture, as memray names it).")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Overwrite the output if it exists.")
    boolean force;

    @Option(names = "--leaks", description = "Show the memory still allocated when tracking stopped instead of "
            + "the memory live at the heap's peak.")
    boolean leaks;

    @Option(names = "--min-share", paramLabel = "PERCENT", defaultValue = "0.1",
            description = "Leave out what holds less than PERCENT of the total (default: ${DEFAULT-VALUE}); the "
                    + "page says how much it left out. 0 keeps everything (the page grows with the capture).")
    double minSharePercent;

    /** With --split-threads: what keeps the figures apart by thread, run in the same pass; else null. */
    ThreadSplit threads() {
        return null;
    }

    /** The page for the figures chosen. */
    abstract String page(FileAnalysis analysis, NodeFigures figures, HeapTimeline timeline);

    @Override
    public Integer call() throws IOException {
        if (!(minSharePercent >= 0 && minSharePercent <= 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--min-share takes a percentage from 0 to 100, not " + minSharePercent);
        }
        int points = timelinePoints();
        Path out = output != null ? output : ReportOutput.defaultFor(file, spec.name());
        String problem = OutputCheck.problem(out, force);
        if (problem != null) {
            spec.commandLine().getErr().println("memflux: " + problem);
            return ExitCodes.INPUT;
        }
        Aggregator totals = new Aggregator();
        HeapTimeline timeline = new HeapTimeline(totals, points);
        Progress progress = new Progress(totals, spec.commandLine().getErr());
        ThreadSplit threads = threads();
        FileAnalysis analysis = ReportInput.analyze(file, spec.commandLine().getErr(), totals,
                threads == null ? timeline.andThen(progress) : timeline.andThen(threads).andThen(progress));
        if (analysis == null) {
            return ExitCodes.INPUT;
        }
        progress.done();
        if (analysis.cutShort()) {
            spec.commandLine().getErr().println("memflux: warning: the capture was cut short: "
                    + analysis.cutShortReason() + " (the page says so too)");
        }
        Aggregator source = threads == null ? totals : threads.byPair();
        NodeFigures figures = leaks ? NodeFigures.leaks(source) : NodeFigures.peak(source);
        ReportOutput.write(out, page(analysis, figures, timeline), spec.commandLine().getErr());
        return ExitCodes.OK;
    }
}
