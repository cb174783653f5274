package dev.memflux.report;

import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code transform speedscope}: speedscope's file format
 * (https://www.speedscope.app/file-format-schema.json): shared frames (name, file, line)
 * and two "sampled" profiles over the same stacks, one weighted by bytes and one by
 * allocations, each stack written outermost frame first as the format wants.
 */
final class SpeedscopeExport {
    private SpeedscopeExport() {}

    static void write(ExportSites sites, Writer out) throws IOException {
        Map<HybridStack.Frame, Integer> index = new HashMap<>();
        Json frames = new Json().beginArray();
        Json samples = new Json().beginArray();
        for (ExportSites.Site site : sites.sites()) {
            samples.beginArray();
            List<HybridStack.Frame> stack = site.stack();
            for (int i = stack.size() - 1; i >= 0; i--) {
                HybridStack.Frame f = stack.get(i);
                Integer id = index.get(f);
                if (id == null) {
                    id = index.size();
                    index.put(f, id);
                    String name = f.nativeFrame() ? f.function() + " [native]" : f.function();
                    frames.beginObject().field("name", name).field("file", f.file());
                    if (f.line() > 0) {
                        frames.field("line", f.line());
                    }
                    frames.endObject();
                }
                samples.value(id);
            }
            samples.endArray();
        }
        frames.endArray();
        samples.endArray();
        Json bytes = new Json().beginArray();
        Json counts = new Json().beginArray();
        for (ExportSites.Site site : sites.sites()) {
            bytes.value(site.bytes());
            counts.value(site.count());
        }
        bytes.endArray();
        counts.endArray();
        NodeFigures figures = sites.figures();
        String what = figures.kind().phrase;
        out.write("{\"$schema\": \"https://www.speedscope.app/file-format-schema.json\",\n");
        out.write("\"exporter\": \"memflux\",\n");
        out.write("\"name\": " + quoted(sites.analysis().file().getFileName() + ": memory " + what) + ",\n");
        out.write("\"activeProfileIndex\": 0,\n");
        out.write("\"shared\": {\"frames\": " + frames + "},\n");
        out.write("\"profiles\": [\n");
        profile(out, "bytes " + what, "bytes", figures.totalBytes(), samples.toString(), bytes.toString());
        out.write(",\n");
        profile(out, "allocations " + what, "none", figures.totalCount(), samples.toString(), counts.toString());
        out.write("]}\n");
    }

    private static void profile(Writer out, String name, String unit, long total, String samples, String weights)
            throws IOException {
        out.write("{\"type\": \"sampled\", \"name\": " + quoted(name) + ", \"unit\": \"" + unit
                + "\", \"startValue\": 0, \"endValue\": " + total + ",\n\"samples\": " + samples + ",\n\"weights\": "
                + weights + "}");
    }

    private static String quoted(String s) {
        return new Json().value(s).toString();
    }
}
