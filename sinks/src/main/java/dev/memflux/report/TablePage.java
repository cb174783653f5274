package dev.memflux.report;

import java.util.Comparator;
import java.util.List;

/**
 * {@code memflux table}: the figures folded by location (function, file:line) as a
 * sortable, filterable HTML table, offline as the flame graph is. Each row has the bytes
 * and allocations the location made itself (own) and everything made below it (total),
 * as {@code summary} counts them. Rows whose total is below the share are left out, and
 * the page says how many.
 */
public final class TablePage {
    /** The page, UTF-8. */
    private final byte[] html;

    public TablePage(FileAnalysis analysis, NodeFigures figures, double minSharePercent) {
        var a = analysis.totals();
        long total = 0;
        long count = 0;
        for (int node = 0; node < figures.bytes().length; node++) {
            total += figures.bytes()[node];
            count += node < figures.counts().length ? figures.counts()[node] : 0;
        }
        long threshold = HtmlPage.threshold(total, minSharePercent);
        LocationTotals folded = LocationTotals.of(a.stacks(), figures.bytes(), figures.counts());
        List<LocationTotals.Row> all = folded.sorted(Comparator.comparingLong((LocationTotals.Row r) -> -r.ownBytes),
                Integer.MAX_VALUE);
        StringBuilder json = new StringBuilder(1 << 16);
        json.append("{\"mode\":");
        Json.quote(json, figures.key());
        json.append(",\"what\":");
        Json.quote(json, figures.title());
        json.append(",\"total\":").append(total).append(",\"count\":").append(count).append(",\"meta\":");
        HtmlPage.metadata(json, analysis);
        json.append(",\"rows\":[");
        int kept = 0;
        int omitted = 0;
        long omittedOwn = 0;
        for (LocationTotals.Row r : all) {
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
                    .append(',').append(r.totalBytes).append(',').append(r.totalCount).append(']');
        }
        json.append("],\"omitted\":{\"rows\":").append(omitted).append(",\"ownBytes\":").append(omittedOwn)
                .append(",\"minSharePercent\":").append(minSharePercent).append("}}");
        String title = "memflux table: " + figures.title() + " — " + analysis.file().getFileName();
        html = HtmlPage.fill("table.html", title, json.toString(), "page.css", "format.js", "table.js");
    }

    /** The page as UTF-8 bytes, ready to write. */
    public byte[] html() {
        return html;
    }
}
