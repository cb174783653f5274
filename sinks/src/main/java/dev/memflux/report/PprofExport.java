package dev.memflux.report;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * {@code transform pprof}: a gzipped profile.proto, as {@code go tool pprof}, Pyroscope
 * and Grafana read it. Four sample types as Go's heap profiles have them:
 * {@code alloc_objects}/{@code alloc_space} (allocations and bytes over the whole run) and
 * {@code inuse_objects}/{@code inuse_space} (what the figures hold: the peak by default, or
 * leaks); for temporary allocations the alloc pair counts the temporaries and the in-use
 * pair is zero. Each frame is a location of its own (a native frame too, inlined ones
 * included), leaf first in a sample, and each (function, file) a function.
 */
final class PprofExport {
    // profile.proto field numbers
    private static final int SAMPLE_TYPE = 1;
    private static final int SAMPLE = 2;
    private static final int LOCATION = 4;
    private static final int FUNCTION = 5;
    private static final int STRING_TABLE = 6;
    private static final int TIME_NANOS = 9;
    private static final int DURATION_NANOS = 10;
    private static final int PERIOD_TYPE = 11;
    private static final int PERIOD = 12;
    private static final int COMMENT = 13;
    private static final int DEFAULT_SAMPLE_TYPE = 14;

    private final Map<String, Long> strings = new HashMap<>();
    private final ProtoWriter profile = new ProtoWriter();
    private final ProtoWriter stringTable = new ProtoWriter();
    private final Map<List<Object>, Long> functions = new HashMap<>();
    private final Map<HybridStack.Frame, Long> locations = new HashMap<>();

    private PprofExport() {
        string("");
    }

    static void write(ExportSites sites, OutputStream out) throws IOException {
        byte[] bytes = new PprofExport().build(sites);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
    }

    private byte[] build(ExportSites sites) {
        boolean temporary = sites.figures().kind() == NodeFigures.Kind.TEMPORARY;
        for (String[] type : new String[][] {{"alloc_objects", "count"}, {"alloc_space", "bytes"},
                {"inuse_objects", "count"}, {"inuse_space", "bytes"}}) {
            profile.message(SAMPLE_TYPE, valueType(type[0], type[1]));
        }
        for (ExportSites.Site site : sites.sites()) {
            long[] ids = new long[site.stack().size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = location(site.stack().get(i));
            }
            long[] values = temporary ? new long[] {site.count(), site.bytes(), 0, 0}
                    : new long[] {site.runCount(), site.runBytes(), site.count(), site.bytes()};
            profile.message(SAMPLE, new ProtoWriter().packed(1, ids).packed(2, values));
        }
        var header = sites.analysis().header();
        profile.int64(TIME_NANOS, header.startMillis() * 1_000_000L);
        profile.int64(DURATION_NANOS, sites.analysis().durationMillis() * 1_000_000L);
        profile.message(PERIOD_TYPE, valueType("space", "bytes"));
        profile.int64(PERIOD, 1);
        profile.int64(COMMENT, string("memflux: " + sites.figures().heading()));
        profile.int64(COMMENT, string("command: " + header.commandLine()));
        profile.int64(DEFAULT_SAMPLE_TYPE, string(temporary ? "alloc_space" : "inuse_space"));
        // The string table last: every string is known by now (fields may come in any order).
        byte[] body = profile.toByteArray();
        byte[] table = stringTable.toByteArray();
        byte[] all = new byte[body.length + table.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(table, 0, all, body.length, table.length);
        return all;
    }

    private ProtoWriter valueType(String type, String unit) {
        return new ProtoWriter().int64(1, string(type)).int64(2, string(unit));
    }

    private long location(HybridStack.Frame f) {
        Long id = locations.get(f);
        if (id == null) {
            id = (long) locations.size() + 1;
            locations.put(f, id);
            ProtoWriter line = new ProtoWriter().int64(1, function(f)).int64(2, f.line());
            profile.message(LOCATION, new ProtoWriter().int64(1, id).message(4, line));
        }
        return id;
    }

    private long function(HybridStack.Frame f) {
        List<Object> key = List.of(f.function(), f.file(), f.nativeFrame());
        Long id = functions.get(key);
        if (id == null) {
            id = (long) functions.size() + 1;
            functions.put(key, id);
            long name = string(f.function());
            profile.message(FUNCTION, new ProtoWriter().int64(1, id).int64(2, name).int64(3, name)
                    .int64(4, string(f.file())));
        }
        return id;
    }

    private long string(String s) {
        Long id = strings.get(s);
        if (id == null) {
            id = (long) strings.size();
            strings.put(s, id);
            stringTable.string(STRING_TABLE, s);
        }
        return id;
    }
}
