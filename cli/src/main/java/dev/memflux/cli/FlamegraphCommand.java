package dev.memflux.cli;

import dev.memflux.pipeline.HeapTimeline;
import dev.memflux.pipeline.ThreadFigures;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.FlameGraphPage;
import dev.memflux.report.NodeFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "flamegraph", mixinStandardHelpOptions = true,
        description = {"Writes a flame graph of the memory live at the heap's peak (or, with --leaks, still allocated "
                + "when tracking stopped; with --temporary-allocations, the temporary allocations) as one HTML page that works offline: an icicle graph of the call paths "
                + "(hover for function, file:line, bytes, share and allocations; click to zoom; search; Python and "
                + "native frames in different colours; a switch to hide import-system frames), a chart of the heap "
                + "and the resident set over time, and the run's metadata."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {HtmlReportCommand.EXIT_OK, HtmlReportCommand.EXIT_INPUT, HtmlReportCommand.EXIT_USAGE})
final class FlamegraphCommand extends HtmlReportCommand {
    @Option(names = "--inverted", description = "Start each path at the frame that allocated, out to the program's "
            + "entry: the functions that allocate most are the widest boxes at the root.")
    boolean inverted;

    @Option(names = "--split-threads", description = "Keep each thread's allocations apart: one box per thread "
            + "below the root, each with its own call paths (costs a second pass over the allocations in memory).")
    boolean splitThreads;

    private ThreadFigures threads;

    @Option(names = "--max-memory-records", paramLabel = "N", defaultValue = "" + TIMELINE_POINTS,
            description = "At most N points in the heap-over-time chart (default: ${DEFAULT-VALUE}); each point is "
                    + "the highest heap and RSS in its span of time, and the peak is always one.")
    int maxMemoryRecords;

    @Option(names = "--no-web", description = "Accepted for memray's sake: memflux's pages never fetch anything.")
    boolean noWeb;

    @Override
    int timelinePoints() {
        if (maxMemoryRecords < 2) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--max-memory-records must be at least 2, not " + maxMemoryRecords);
        }
        return maxMemoryRecords;
    }

    @Override
    ThreadFigures threads() {
        if (splitThreads && threads == null) {
            threads = new ThreadFigures();
        }
        return threads;
    }

    @Override
    byte[] page(FileAnalysis analysis, NodeFigures figures, HeapTimeline timeline, ThreadFigures threads) {
        return new FlameGraphPage(analysis, figures, timeline,
                new FlameGraphPage.Options(inverted, minSharePercent, threads())).html();
    }
}
