package dev.memflux.report;

import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code transform gprof2dot}: the JSON memray writes for gprof2dot's {@code -f json}
 * input: {@code functions} (name and module, here the file), and one event per stack with
 * its call chain (indexes into functions, innermost first) and its cost in bytes.
 */
final class Gprof2dotExport {
    private Gprof2dotExport() {}

    static void write(ExportSites sites, Writer out) throws IOException {
        Map<List<String>, Integer> index = new HashMap<>();
        Json functions = new Json().beginArray();
        Json events = new Json().beginArray();
        for (ExportSites.Site site : sites.sites()) {
            if (site.stack().isEmpty()) {
                continue; // memray leaves out records without a stack too
            }
            events.beginObject().name("callchain").beginArray();
            for (HybridStack.Frame f : site.stack()) {
                Integer id = index.get(List.of(f.function(), f.file()));
                if (id == null) {
                    id = index.size();
                    index.put(List.of(f.function(), f.file()), id);
                    functions.beginObject().field("name", f.function()).field("module", f.file()).endObject();
                }
                events.value(id);
            }
            events.endArray().name("cost").beginArray().value(site.bytes()).endArray().endObject();
        }
        functions.endArray();
        events.endArray();
        out.write("{\"version\": 0, \"costs\": [{\"description\": \"Memory\", \"unit\": \"bytes\"}], \"events\": ");
        out.write(events.toString());
        out.write(", \"functions\": ");
        out.write(functions.toString());
        out.write("}\n");
    }
}
