package dev.memflux.cli;

import dev.memflux.pipeline.HeapTimeline;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.FlameGraphPage;
import dev.memflux.report.NodeFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "flamegraph", mixinStandardHelpOptions = true,
        description = {"Writes a flame graph of the memory live at the heap's peak (or, with --leaks, still allocated "
                + "when tracking stopped) as one HTML page that works offline: an icicle graph of the call paths "
                + "(hover for function, file:line, bytes, share and allocations; click to zoom; search; Python and "
                + "native frames in different colours; a switch to hide import-system frames), a chart of the heap "
                + "and the resident set over time, and the run's metadata."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the page was written", "1:the capture could not be read, or the page not written "
                + "(it exists and -f was not given)", "2:usage error"})
final class FlamegraphCommand extends HtmlReportCommand {
    @Option(names = "--inverted", description = "Start each path at the frame that allocated, out to the program's "
            + "entry: the functions that allocate most are the widest boxes at the root.")
    boolean inverted;

    @Override
    String page(FileAnalysis analysis, NodeFigures figures, HeapTimeline timeline) {
        return new FlameGraphPage(analysis, figures, timeline, new FlameGraphPage.Options(inverted, minSharePercent))
                .html();
    }
}
