package dev.memflux.report;

import java.io.IOException;
import java.io.Writer;

/**
 * {@code transform csv}: memray's columns, one row per stack: {@code allocator,
 * num_allocations, size, tid, thread_name, stack_trace}, the stack as
 * {@code function;file;line} frames joined by {@code |}, innermost first, and threads
 * merged as memray's transform always has them ({@code tid} -1, "merged thread"). Rows end
 * with CRLF, as Python's csv module writes them.
 */
final class CsvExport {
    private CsvExport() {}

    static void write(ExportSites sites, Writer out) throws IOException {
        out.write("allocator,num_allocations,size,tid,thread_name,stack_trace\r\n");
        StringBuilder stack = new StringBuilder();
        for (ExportSites.Site site : sites.sites()) {
            stack.setLength(0);
            for (HybridStack.Frame f : site.stack()) {
                stack.append(stack.length() == 0 ? "" : "|").append(f.function()).append(';').append(f.file()).append(';')
                        .append(f.line());
            }
            out.write(field(sites.allocator(site)) + "," + site.count() + "," + site.bytes() + ",-1,merged thread,"
                    + field(stack.toString()) + "\r\n");
        }
    }

    /** Quoted only when it must be, as Python's csv.QUOTE_MINIMAL does. */
    private static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
