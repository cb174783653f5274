package dev.memflux.report;

import dev.memflux.pipeline.HeapTimeline;
import dev.memflux.pipeline.ThreadFigures;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code memflux flamegraph}: one self-contained HTML page (d3 and uPlot inlined, no
 * network request) with an icicle graph of the given figures, a heap-and-RSS-over-time
 * chart and the run's metadata. Boxes below {@code minSharePercent} of the total are left
 * out (the page says how many and how many bytes), so the page's size depends on the
 * share, not on the capture: at most 100 / share boxes a level.
 */
public final class FlameGraphPage {
    /**
     * How the graph is drawn.
     *
     * @param threads with {@code --split-threads}: the figures are indexed by its pairs (thread, stack
     *     node), and each thread's paths go under a box of its own; null to merge threads
     */
    public record Options(boolean inverted, double minSharePercent, ThreadFigures threads) {}

    /** The page, UTF-8. */
    private final byte[] html;

    public FlameGraphPage(FileAnalysis analysis, NodeFigures figures, HeapTimeline timeline, Options options) {
        var a = analysis.totals();
        FlameTree tree = options.threads() == null
                ? FlameTree.of(a.stacks(), figures.bytes(), figures.counts(), a::nodeNative, options.inverted())
                : FlameTree.byThread(a.stacks(), options.threads(), figures.bytes(), figures.counts(), a::nodeNative,
                        options.inverted());
        long total = tree.bytes(0);
        long threshold = HtmlPage.threshold(total, options.minSharePercent());
        StringBuilder json = new StringBuilder(1 << 16);
        json.append("{\"mode\":");
        Json.quote(json, figures.key());
        json.append(",\"what\":");
        Json.quote(json, figures.title());
        json.append(",\"inverted\":").append(options.inverted());
        json.append(",\"splitThreads\":").append(options.threads() != null);
        json.append(",\"total\":").append(total).append(",\"count\":").append(tree.count(0));
        json.append(",\"meta\":");
        HtmlPage.metadata(json, analysis);
        Map<String, Integer> strings = new HashMap<>();
        StringBuilder names = new StringBuilder("[");
        StringBuilder out = new StringBuilder("[");
        int[] index = new int[tree.size()];
        int kept = 0;
        int omitted = 0;
        long omittedBytes = 0;
        for (int box = 0; box < tree.size(); box++) {
            int parent = box == 0 ? -1 : index[tree.parent(box)];
            if (box > 0 && (parent < 0 || tree.bytes(box) < threshold)) {
                index[box] = -1;
                if (parent >= 0) {
                    omitted++;
                    omittedBytes += tree.bytes(box);
                }
                continue;
            }
            index[box] = kept++;
            FlameTree.Frame f = tree.frame(box);
            out.append(box == 0 ? "" : ",").append(parent).append(',')
                    .append(stringId(strings, names, f.function())).append(',')
                    .append(stringId(strings, names, f.file())).append(',')
                    .append(f.line()).append(',').append(f.nativeFrame() ? 1 : 0).append(',')
                    .append(tree.bytes(box)).append(',').append(tree.count(box));
        }
        json.append(",\"strings\":").append(names).append(']');
        json.append(",\"boxes\":").append(out).append(']');
        json.append(",\"omitted\":{\"boxes\":").append(omitted).append(",\"bytes\":").append(omittedBytes)
                .append(",\"minSharePercent\":").append(options.minSharePercent()).append('}');
        json.append(",\"timeline\":{");
        HtmlPage.array(json, "ms", timeline.millis());
        json.append(',');
        HtmlPage.array(json, "heap", timeline.heapBytes());
        json.append(',');
        HtmlPage.array(json, "rss", timeline.rssBytes());
        json.append(",\"spanMs\":").append(timeline.spanMillis()).append(",\"peakMs\":").append(a.peakMillis())
                .append("}}");
        String title = "memflux flame graph: " + figures.title() + " — " + analysis.file().getFileName();
        html = HtmlPage.fill("flamegraph.html", title, json.toString(), "page.css", "format.js", "flamegraph.js");
    }

    private static int stringId(Map<String, Integer> ids, StringBuilder names, String s) {
        Integer id = ids.get(s);
        if (id == null) {
            id = ids.size();
            ids.put(s, id);
            if (id > 0) {
                names.append(',');
            }
            Json.quote(names, s);
        }
        return id;
    }

    /** The page as UTF-8 bytes, ready to write. */
    public byte[] html() {
        return html;
    }
}
