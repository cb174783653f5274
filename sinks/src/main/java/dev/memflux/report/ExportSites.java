package dev.memflux.report;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.NodeAllocators;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What every export writes: one site per stack node that holds something in the figures
 * (or, for {@link #withRunTotals}, allocated anything over the run), biggest first, each
 * with its whole stack, innermost frame first (hybrid with {@code --native}).
 */
public final class ExportSites {
    /**
     * @param bytes the figures' bytes at the node (the peak, leaks or temporaries)
     * @param count the figures' allocations at the node
     * @param runBytes bytes allocated at the node over the whole run
     * @param runCount allocations made at the node over the whole run
     */
    public record Site(int node, List<HybridStack.Frame> stack, long bytes, long count, long runBytes, long runCount) {}

    private final FileAnalysis analysis;
    private final NodeFigures figures;
    private final NodeAllocators allocators;
    private final List<Site> sites;

    private ExportSites(FileAnalysis analysis, NodeFigures figures, NodeAllocators allocators, boolean runTotals) {
        this.analysis = analysis;
        this.figures = figures;
        this.allocators = allocators;
        Aggregator a = analysis.totals();
        List<Site> list = new ArrayList<>();
        int nodes = a.stacks().nodeCount();
        for (int node = 0; node < nodes; node++) {
            long bytes = figures.bytes(node);
            long count = figures.count(node);
            long runBytes = a.nodeBytes(node);
            long runCount = a.nodeAllocations(node);
            if (bytes != 0 || count != 0 || runTotals && (runBytes != 0 || runCount != 0)) {
                list.add(new Site(node, HybridStack.of(a.stacks(), node, a.nodeNative(node)), bytes, count, runBytes,
                        runCount));
            }
        }
        list.sort(Comparator.comparingLong((Site s) -> -s.bytes).thenComparingLong(s -> -s.runBytes)
                .thenComparingInt(Site::node));
        sites = list;
    }

    /** Sites holding something in {@code figures}. */
    public static ExportSites of(FileAnalysis analysis, NodeFigures figures, NodeAllocators allocators) {
        return new ExportSites(analysis, figures, allocators, false);
    }

    /** Sites holding something in {@code figures} or that allocated anything over the run. */
    public static ExportSites withRunTotals(FileAnalysis analysis, NodeFigures figures, NodeAllocators allocators) {
        return new ExportSites(analysis, figures, allocators, true);
    }

    public List<Site> sites() {
        return sites;
    }

    public FileAnalysis analysis() {
        return analysis;
    }

    public NodeFigures figures() {
        return figures;
    }

    /** memray's allocator name for the site's row; several joined with '+' when the node used more than one. */
    public String allocator(Site site) {
        if (allocators == null) {
            return "";
        }
        StringBuilder names = new StringBuilder();
        for (var kind : allocators.of(site.node())) {
            names.append(names.length() == 0 ? "" : "+").append(kind.name());
        }
        return names.toString();
    }
}
