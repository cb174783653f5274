package dev.memflux.report;

import dev.memflux.pipeline.Aggregator;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code memflux summary}: one row per location with its own and total bytes live at the
 * heap's peak, and how many allocations it made over the whole capture.
 */
public final class SummaryReport {
    /** The columns a summary can be sorted by. */
    public enum SortKey {
        TOTAL, OWN, COUNT;

        Comparator<LocationTotals.Row> order() {
            return switch (this) {
                case TOTAL -> Comparator.comparingLong((LocationTotals.Row r) -> -r.totalBytes);
                case OWN -> Comparator.comparingLong((LocationTotals.Row r) -> -r.ownBytes);
                case COUNT -> Comparator.comparingLong((LocationTotals.Row r) -> -r.ownCount);
            };
        }
    }

    private final FileAnalysis analysis;
    private final NodeFigures figures;
    private final List<LocationTotals.Row> rows;
    private final long peak;

    public SummaryReport(FileAnalysis analysis, SortKey sort, int limit) {
        this(analysis, NodeFigures.peak(analysis.totals()), sort, limit);
    }

    /**
     * Rows of {@code figures}; at the peak the count column is the allocations made over
     * the whole run, for leaks and temporaries it is the leaked or temporary allocations.
     */
    public SummaryReport(FileAnalysis analysis, NodeFigures figures, SortKey sort, int limit) {
        this.analysis = analysis;
        this.figures = figures;
        Aggregator totals = analysis.totals();
        int nodes = totals.stacks().nodeCount();
        long[] counts = figures.counts();
        if (figures.kind() == NodeFigures.Kind.PEAK) {
            counts = new long[figures.bytes().length];
            for (int node = 0; node < nodes && node < counts.length; node++) {
                counts[node] = totals.nodeAllocations(node);
            }
        }
        LocationTotals folded = LocationTotals.of(totals.stacks(), figures.bytes(), counts);
        rows = folded.sorted(sort.order(), limit);
        peak = figures.kind() == NodeFigures.Kind.PEAK ? totals.peakBytes() : figures.totalBytes();
    }

    public List<LocationTotals.Row> rows() {
        return rows;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        if (figures.kind() == NodeFigures.Kind.PEAK) {
            out.append("Peak heap ").append(Units.bytes(peak)).append(" at ")
                    .append(Units.seconds(analysis.totals().peakMillis()));
        } else {
            out.append(figures.heading());
        }
        out.append(" — ").append(analysis.file()).append('\n');
        if (analysis.cutShort()) {
            out.append("Warning: the capture was cut short: ").append(analysis.cutShortReason()).append('\n');
        }
        if (analysis.samplingNote() != null) {
            out.append("Estimates: ").append(analysis.samplingNote()).append('\n');
        }
        out.append(String.format(Locale.ROOT, "%n%-40s %-44s %12s %7s %12s %7s %12s%n", "Function", "Location",
                "Total" + column(), "Total%", "Own" + column(), "Own%", "Allocations"));
        boolean nativeStacks = analysis.header().has(dev.memflux.format.RecordTag.FLAG_NATIVE);
        for (LocationTotals.Row r : rows) {
            String where = r.location.file() + ":" + r.location.line();
            out.append(String.format(Locale.ROOT, "%-40s %-44s %12s %6.1f%% %12s %6.1f%% %12s%n",
                    clip(r.location.function(), 40), clip(where, 44), Units.bytes(r.totalBytes), percent(r.totalBytes),
                    Units.bytes(r.ownBytes), percent(r.ownBytes), Units.count(r.ownCount)));
            if (nativeStacks) {
                // The native frames the Python line allocated through, innermost first.
                List<HybridStack.Frame> stack = HybridStack.of(analysis.totals().stacks(), r.node,
                        analysis.totals().nodeNative(r.node));
                stack.stream().takeWhile(HybridStack.Frame::nativeFrame).limit(4)
                        .forEach(f -> out.append("    via ").append(f).append('\n'));
            }
        }
        return out.toString();
    }

    /** "@peak" as before; " leaked", " temp" for the other figures. */
    private String column() {
        return figures.kind() == NodeFigures.Kind.PEAK ? figures.kind().column : " " + figures.kind().column;
    }

    private double percent(long bytes) {
        return peak == 0 ? 0 : 100.0 * bytes / peak;
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
    }
}
