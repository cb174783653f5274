package dev.memflux.report;

import dev.memflux.pipeline.Aggregator;

/**
 * What an HTML report shows, as per-stack-node arrays (indexed like {@link LocationTotals#of}'s
 * input), and a title for it. Any figure computed per node — live at the peak, leaked,
 * temporary — plugs into the pages through this.
 *
 * @param title what the figures are, for the page ("memory live at the heap's peak")
 * @param bytes bytes by stack node
 * @param counts allocations by stack node
 */
public record NodeFigures(String title, String key, long[] bytes, long[] counts) {
    public static NodeFigures peak(Aggregator a) {
        return new NodeFigures("memory live at the heap's peak", "peak", a.peakBytesByNode(), a.peakCountByNode());
    }

    public static NodeFigures leaks(Aggregator a) {
        return new NodeFigures("memory still allocated when tracking stopped (leaks)", "leaks", a.liveBytesByNode(),
                a.liveCountByNode());
    }
}
