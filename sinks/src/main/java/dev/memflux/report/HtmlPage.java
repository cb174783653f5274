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
     * reports' own files filled in, as the page's UTF-8 bytes. One pass over the template:
     * the libraries are copied once, as the bytes they are.
     */
    static byte[] fill(String template, String title, String json, String... own) {
        String page = WebAssets.own(template);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(page.length() + json.length() + (1 << 19));
        int at = 0;
        for (int open = page.indexOf("{{"); open >= 0; open = page.indexOf("{{", at)) {
            int close = page.indexOf("}}", open);
            if (close < 0) {
                break;
            }
            out.writeBytes(utf8(page.substring(at, open)));
            out.writeBytes(placeholder(page.substring(open + 2, close), title, json, own));
            at = close + 2;
        }
        out.writeBytes(utf8(page.substring(at)));
        return out.toByteArray();
    }

    private static byte[] placeholder(String name, String title, String json, String[] own) {
        return switch (name) {
            case "TITLE" -> utf8(escape(title));
            // Inside a script element only "<" can end it early; \u003c reads as "<" in JSON.
            case "DATA" -> utf8(json.replace("<", "\\u003c"));
            case "D3" -> WebAssets.d3();
            case "UPLOT" -> WebAssets.uplot();
            case "UPLOT_CSS" -> WebAssets.uplotCss();
            case "LICENSES" -> utf8(WebAssets.licenses().replace("--", "- -"));
            default -> {
                if (!java.util.Arrays.asList(own).contains(name)) {
                    throw new IllegalStateException("the template has no value for {{" + name + "}}");
                }
                yield utf8(WebAssets.own(name));
            }
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
