package dev.memflux.report;

import dev.memflux.pipeline.StackTable;
import dev.memflux.pipeline.ThreadFigures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code memflux table}: the figures folded by location (function, file:line) as a
 * sortable, filterable HTML table, offline as the flame graph is. Each row has the bytes
 * and allocations the location made itself (own) and everything made below it (total),
 * as {@code summary} counts them. Rows whose total is below the share are left out, and
 * the page says how many. Given per-thread figures, a row is a (thread, location) pair and
 * the page has a thread column, as memray's table has.
 */
public final class TablePage {
    /** The page, UTF-8. */
    private final byte[] html;

    public TablePage(FileAnalysis analysis, NodeFigures figures, double minSharePercent) {
        this(analysis, figures, minSharePercent, null);
    }

    /**
     * @param threads null, or the per-thread figures {@code figures} are indexed by (its
     *     (thread, stack node) pairs): one row per thread and location, with a thread column
     */
    public TablePage(FileAnalysis analysis, NodeFigures figures, double minSharePercent, ThreadFigures threads) {
        var a = analysis.totals();
        long total = 0;
        long count = 0;
        for (int node = 0; node < figures.bytes().length; node++) {
            total += figures.bytes()[node];
            count += node < figures.counts().length ? figures.counts()[node] : 0;
        }
        long threshold = HtmlPage.threshold(total, minSharePercent);
        List<ThreadRow> all = threads == null ? rows(0, LocationTotals.of(a.stacks(), figures.bytes(), figures.counts()))
                : rowsByThread(a.stacks(), figures, threads);
        all.sort(Comparator.comparingLong((ThreadRow r) -> -r.row.ownBytes));
        StringBuilder json = new StringBuilder(1 << 16);
        json.append("{\"mode\":");
        Json.quote(json, figures.key());
        json.append(",\"what\":");
        Json.quote(json, figures.title());
        json.append(",\"total\":").append(total).append(",\"count\":").append(count).append(",\"meta\":");
        HtmlPage.metadata(json, analysis);
        if (threads != null) {
            json.append(",\"threads\":[");
            for (int t = 0; t <= threads.threadCount(); t++) {
                json.append(t == 0 ? "[" : ",[").append(t).append(',').append(threads.tid(t)).append(']');
            }
            json.append(']');
        }
        json.append(",\"rows\":[");
        int kept = 0;
        int omitted = 0;
        long omittedOwn = 0;
        for (ThreadRow tr : all) {
            LocationTotals.Row r = tr.row;
            if (r.totalBytes < threshold) {
                omitted++;
                omittedOwn += r.ownBytes;
                continue;
            }
            json.append(kept++ == 0 ? "[" : ",[");
            Json.quote(json, r.location.function());
            json.append(',');
            Json.quote(json, r.location.file());
            json.append(',').append(r.location.line()).append(',').append(r.ownBytes).append(',').append(r.ownCount)
                    .append(',').append(r.totalBytes).append(',').append(r.totalCount);
            if (threads != null) {
                json.append(',').append(tr.thread);
            }
            json.append(']');
        }
        json.append("],\"omitted\":{\"rows\":").append(omitted).append(",\"ownBytes\":").append(omittedOwn)
                .append(",\"minSharePercent\":").append(minSharePercent).append("}}");
        String title = "memflux table: " + figures.title() + " — " + analysis.file().getFileName();
        html = HtmlPage.fill("table.html", title, json.toString(), "page.css", "format.js", "table.js");
    }

    /** A location's row, and the thread whose it is (0 when threads are not told apart). */
    private record ThreadRow(int thread, LocationTotals.Row row) {}

    private static List<ThreadRow> rows(int thread, LocationTotals folded) {
        List<ThreadRow> rows = new ArrayList<>();
        for (LocationTotals.Row r : folded.sorted(Comparator.comparingLong((LocationTotals.Row x) -> -x.ownBytes),
                Integer.MAX_VALUE)) {
            rows.add(new ThreadRow(thread, r));
        }
        return rows;
    }

    /**
     * Each thread's pairs spread back over the stack nodes and folded by location, one
     * thread at a time: memory holds one thread's per-node figures at once, not all.
     */
    private static List<ThreadRow> rowsByThread(StackTable stacks, NodeFigures byPair, ThreadFigures threads) {
        int nodes = stacks.nodeCount();
        int[][] pairsOf = new int[threads.threadCount() + 1][];
        int[] n = new int[pairsOf.length];
        for (int pair = 0; pair < threads.pairs(); pair++) {
            n[threads.thread(pair)]++;
        }
        for (int t = 0; t < pairsOf.length; t++) {
            pairsOf[t] = new int[n[t]];
            n[t] = 0;
        }
        for (int pair = 0; pair < threads.pairs(); pair++) {
            int t = threads.thread(pair);
            pairsOf[t][n[t]++] = pair;
        }
        List<ThreadRow> rows = new ArrayList<>();
        for (int t = 0; t < pairsOf.length; t++) {
            long[] bytes = new long[nodes];
            long[] counts = new long[nodes];
            boolean any = false;
            for (int pair : pairsOf[t]) {
                int node = threads.node(pair);
                if (node >= 0 && node < nodes && (byPair.bytes(pair) != 0 || byPair.count(pair) != 0)) {
                    bytes[node] += byPair.bytes(pair);
                    counts[node] += byPair.count(pair);
                    any = true;
                }
            }
            if (any) {
                rows.addAll(rows(t, LocationTotals.of(stacks, bytes, counts)));
            }
        }
        return rows;
    }

    /** The page as UTF-8 bytes, ready to write. */
    public byte[] html() {
        return html;
    }
}
