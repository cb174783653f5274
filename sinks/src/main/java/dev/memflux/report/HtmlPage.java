package dev.memflux.report;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;

/**
 * What the HTML reports share: their template filled in, the run's metadata, and the
 * page's data as one JSON value in a {@code <script type="application/json">} element.
 */
final class HtmlPage {
    private HtmlPage() {}

    /**
     * The template {@code html/NAME} with {@code {{TITLE}}}, {@code {{DATA}}}, the
     * libraries (when it uses them) and each {@code {{FILE}}} placeholder for one of the
     * reports' own files filled in.
     */
    static String fill(String template, String title, String json, String... own) {
        String page = WebAssets.own(template);
        for (String file : own) {
            page = page.replace("{{" + file + "}}", WebAssets.own(file));
        }
        if (page.contains("{{D3}}")) {
            page = page.replace("{{D3}}", WebAssets.d3())
                    .replace("{{UPLOT}}", WebAssets.uplot())
                    .replace("{{UPLOT_CSS}}", WebAssets.uplotCss())
                    .replace("{{LICENSES}}", WebAssets.licenses().replace("--", "- -"));
        }
        return page.replace("{{TITLE}}", escape(title))
                // Inside a script element only "<" can end it early; \u003c reads as "<" in JSON.
                .replace("{{DATA}}", json.replace("<", "\\u003c"));
    }

    /** The fewest bytes a box or row must hold to be shown: none for a share of 0, else at least one byte. */
    static long threshold(long total, double minSharePercent) {
        return minSharePercent == 0 ? 0 : Math.max(1, (long) Math.ceil(total * minSharePercent / 100.0));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The run's metadata as [label, value] pairs. */
    static void metadata(StringBuilder json, FileAnalysis analysis) {
        CaptureHeader h = analysis.header();
        Aggregator a = analysis.totals();
        String[][] rows = {
            {"Command", h.commandLine()},
            {"Capture", analysis.file().toString()},
            {"Python", h.pythonVersion().split(" ")[0]},
            {"PID", Long.toString(h.pid())},
            {"Started", Units.timestamp(h.startMillis())},
            {"Duration", Units.seconds(analysis.durationMillis())},
            {"Peak heap", Units.bytes(a.peakBytes()) + " at " + Units.seconds(a.peakMillis())},
            {"Peak RSS", a.peakRssBytes() > 0 ? Units.bytes(a.peakRssBytes()) : "not sampled"},
            {"Allocations", Units.count(a.allocations()) + " (" + Units.bytes(a.bytesAllocated()) + ")"},
            {"Leaked", Units.bytes(a.heapBytes())},
            {"Native stacks", h.has(RecordTag.FLAG_NATIVE) ? "yes" : "no"},
            {"Stack source", h.has(RecordTag.FLAG_FRAME_WALK) ? "frame walk" : "profile function"},
            {"Cut short", analysis.cutShort() ? "yes: " + analysis.cutShortReason() : "no"},
        };
        json.append('[');
        for (int i = 0; i < rows.length; i++) {
            json.append(i == 0 ? "[" : ",[");
            Json.quote(json, rows[i][0]);
            json.append(',');
            Json.quote(json, rows[i][1]);
            json.append(']');
        }
        json.append(']');
    }

    /** Appends {@code "name":[v0,v1,...]}. */
    static void array(StringBuilder json, String name, long[] values) {
        Json.quote(json, name);
        json.append(":[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(values[i]);
        }
        json.append(']');
    }
}
