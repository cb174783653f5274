package dev.memflux.cli;

import dev.memflux.pipeline.HeapTimeline;
import dev.memflux.pipeline.ThreadFigures;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.NodeFigures;
import dev.memflux.report.TablePage;
import picocli.CommandLine.Command;

@Command(name = "table", mixinStandardHelpOptions = true,
        description = {"Writes the memory live at the heap's peak (or, with --leaks, still allocated when tracking "
                + "stopped; with --temporary-allocations, the temporary allocations) as a sortable, filterable HTML table that works offline: one row per location "
                + "(function, file:line) with the bytes and allocations it made itself (own) and everything made "
                + "below it (total), as memflux summary counts them. When more than one thread allocated, the peak and the "
                + "leaks are shown per thread: a row per thread and location, with a thread column (its number, and "
                + "its tid), as memray's table has."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {HtmlReportCommand.EXIT_OK, HtmlReportCommand.EXIT_INPUT, HtmlReportCommand.EXIT_USAGE})
final class TableCommand extends HtmlReportCommand {
    @Override
    boolean charted() {
        return false;
    }

    @Override
    boolean threadRowsWhenThreaded() {
        return true;
    }

    @Override
    byte[] page(FileAnalysis analysis, NodeFigures figures, HeapTimeline timeline, ThreadFigures threads) {
        return new TablePage(analysis, figures, minSharePercent, threads).html();
    }
}
