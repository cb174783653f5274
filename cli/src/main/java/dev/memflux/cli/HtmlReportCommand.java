package dev.memflux.cli;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.format.EventBatch;
import dev.memflux.pipeline.HeapTimeline;
import dev.memflux.pipeline.TemporaryAllocations;
import dev.memflux.pipeline.ThreadFigures;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.NodeFigures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code flamegraph} and {@code table} share: the capture, the output and its
 * checks, --leaks and --temporary-allocations, the share below which rows or boxes are left out, one pass over the
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

    @Mixin
    FigureOptions figures;

    @Option(names = "--min-share", paramLabel = "PERCENT", defaultValue = "0.1",
            description = "Leave out what holds less than PERCENT of the total (default: ${DEFAULT-VALUE}); the "
                    + "page says how much it left out. 0 keeps everything (the page grows with the capture).")
    double minSharePercent;

    /**
     * Whether the page has the time chart: its samples cost a look at every record of the
     * pass (6 % of a 40 M-event table's reading), so a page without it does not take them.
     */
    boolean charted() {
        return true;
    }

    /** With --split-threads: what keeps the figures apart by thread, run in the same pass; else null. */
    ThreadFigures threads() {
        return null;
    }

    /**
     * Whether the page shows the peak and the leaks per thread when more than one thread
     * allocates (as {@link #threads} does whatever the capture).
     */
    boolean threadRowsWhenThreaded() {
        return false;
    }

    /**
     * The page for the figures chosen; {@code timeline} is null unless {@link #charted};
     * with {@code threads}, the figures are indexed by its (thread, stack node) pairs.
     */
    abstract byte[] page(FileAnalysis analysis, NodeFigures figures, HeapTimeline timeline, ThreadFigures threads);

    @Override
    public Integer call() throws IOException {
        if (!(minSharePercent >= 0 && minSharePercent <= 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--min-share takes a percentage from 0 to 100, not " + minSharePercent);
        }
        figures.check(spec.commandLine());
        int points = timelinePoints();
        Path out = output != null ? output : ReportOutput.defaultFor(file, spec.name());
        String problem = OutputCheck.problem(out, force);
        if (problem != null) {
            spec.commandLine().getErr().println("memflux: " + problem);
            return ExitCodes.INPUT;
        }
        ThreadFigures threads = threads();
        TemporaryAllocations temporary = figures.temporaryEngine();
        if (threads != null && temporary != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--split-threads shows the peak or the leaks, not temporary allocations");
        }
        var err = spec.commandLine().getErr();
        // Rows per thread only when a second thread allocates: the pass starts without
        // per-thread figures and starts over with them when it sees one.
        boolean watch = threads == null && temporary == null && threadRowsWhenThreaded();
        Pass pass;
        try {
            pass = pass(points, threads, temporary, watch ? new SecondThreadWatch() : null, err);
        } catch (SecondThreadWatch.Seen seen) {
            threads = new ThreadFigures();
            pass = pass(points, threads, temporary, null, err);
        }
        FileAnalysis analysis = pass.analysis;
        HeapTimeline timeline = pass.timeline;
        if (FigureOptions.unusable(analysis, temporary, err)) {
            return ExitCodes.INPUT;
        }
        if (analysis.cutShort()) {
            spec.commandLine().getErr().println("memflux: warning: the capture was cut short: "
                    + analysis.cutShortReason() + " (the page says so too)");
        }
        NodeFigures shown = threads == null ? figures.figures(analysis, temporary)
                : figures.leaks ? NodeFigures.of(NodeFigures.Kind.LEAKS, threads.liveBytesByPair(), threads.liveCountByPair())
                : NodeFigures.of(NodeFigures.Kind.PEAK, threads.peakBytesByPair(), threads.peakCountByPair());
        ReportOutput.write(out, page(analysis, shown, timeline, threads), spec.commandLine().getErr());
        return ExitCodes.OK;
    }

    private record Pass(FileAnalysis analysis, HeapTimeline timeline) {}

    /** One pass over the capture with the observers asked for (null: not asked for); a null analysis after saying why. */
    private Pass pass(int points, ThreadFigures threads, TemporaryAllocations temporary, SecondThreadWatch watch,
            java.io.PrintWriter err) {
        Aggregator totals = new Aggregator();
        HeapTimeline timeline = charted() ? new HeapTimeline(totals, points) : null;
        Consumer<EventBatch> observers = timeline != null ? timeline : batch -> { };
        if (watch != null) {
            observers = observers.andThen(watch);
        }
        if (threads != null) {
            observers = observers.andThen(threads);
        }
        if (temporary != null) {
            observers = observers.andThen(temporary);
        }
        return new Pass(ReportInput.analyze(file, err, totals, observers), timeline);
    }
}
