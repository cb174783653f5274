package dev.memflux.cli;

import dev.memflux.pipeline.HeapTimeline;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.NodeFigures;
import dev.memflux.report.TablePage;
import picocli.CommandLine.Command;

@Command(name = "table", mixinStandardHelpOptions = true,
        description = {"Writes the memory live at the heap's peak (or, with --leaks, still allocated when tracking "
                + "stopped; with --temporary-allocations, the temporary allocations) as a sortable, filterable HTML table that works offline: one row per location "
                + "(function, file:line) with the bytes and allocations it made itself (own) and everything made "
                + "below it (total), as memflux summary counts them."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {HtmlReportCommand.EXIT_OK, HtmlReportCommand.EXIT_INPUT, HtmlReportCommand.EXIT_USAGE})
final class TableCommand extends HtmlReportCommand {
    @Override
    boolean charted() {
        return false;
    }

    @Override
    byte[] page(FileAnalysis analysis, NodeFigures figures, HeapTimeline timeline) {
        return new TablePage(analysis, figures, minSharePercent).html();
    }
}
