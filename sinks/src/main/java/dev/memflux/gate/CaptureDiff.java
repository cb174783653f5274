package dev.memflux.gate;

import dev.memflux.report.Json;
import dev.memflux.report.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two captures of the same program compared figure by figure and location by location
 * (each location's own part of each figure: what it held at the peak, left live at the
 * end, allocated and how often), the locations that changed most first.
 */
public final class CaptureDiff {
    /** One location's figures before and after, indexed by {@link Figure#ordinal()}. */
    public record Row(Location location, long[] before, long[] after) {
        public long change(Figure f) {
            return after[f.ordinal()] - before[f.ordinal()];
        }

        /** The largest absolute change in bytes, which orders the rows (then the change in count). */
        long weight() {
            return Math.max(Math.abs(change(Figure.PEAK)), Math.max(Math.abs(change(Figure.LEAKED)),
                    Math.abs(change(Figure.ALLOCATED))));
        }
    }

    private final ScopeFigures before;
    private final ScopeFigures after;
    private final List<Row> rows;

    public CaptureDiff(ScopeFigures before, ScopeFigures after) {
        this.before = before;
        this.after = after;
        Map<Location, Row> by = new HashMap<>();
        for (Figure f : Figure.values()) {
            for (ScopeFigures.Contribution c : before.contributors(f)) {
                row(by, c.location()).before[f.ordinal()] = c.value();
            }
            for (ScopeFigures.Contribution c : after.contributors(f)) {
                row(by, c.location()).after[f.ordinal()] = c.value();
            }
        }
        rows = new ArrayList<>();
        for (Row r : by.values()) {
            if (r.weight() != 0 || r.change(Figure.ALLOCATIONS) != 0) {
                rows.add(r);
            }
        }
        rows.sort(Comparator.comparingLong(Row::weight).reversed()
                .thenComparing(r -> -Math.abs(r.change(Figure.ALLOCATIONS)))
                .thenComparing(r -> r.location().key()));
    }

    private static Row row(Map<Location, Row> by, Location l) {
        return by.computeIfAbsent(l, k -> new Row(k, new long[Figure.values().length], new long[Figure.values().length]));
    }

    /** The locations whose figures changed, the largest change first. */
    public List<Row> rows() {
        return rows;
    }

    public String text(int limit) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-12s %14s %14s %16s%n", "", "before", "after", "change"));
        for (Figure f : Figure.values()) {
            long b = before.value(f);
            long a = after.value(f);
            out.append(String.format("%-12s %14s %14s %16s %s%n", f.key, f.format(b), f.format(a), signed(f, a - b),
                    "(" + Verdict.change(a, b) + ")"));
        }
        if (rows.isEmpty()) {
            return out.append("\nno location changed\n").toString();
        }
        out.append(String.format("%nlocations, largest change first (%d changed):%n", rows.size()));
        out.append(String.format("%14s %8s %14s %14s %12s  %s%n", "peak", "share", "leaked", "allocated", "allocations",
                "location"));
        for (Row r : rows.subList(0, Math.min(limit, rows.size()))) {
            out.append(String.format("%14s %8s %14s %14s %12s  %s%n", signed(Figure.PEAK, r.change(Figure.PEAK)),
                    shareChange(r), signed(Figure.LEAKED, r.change(Figure.LEAKED)),
                    signed(Figure.ALLOCATED, r.change(Figure.ALLOCATED)),
                    signed(Figure.ALLOCATIONS, r.change(Figure.ALLOCATIONS)), r.location()));
        }
        return out.toString();
    }

    private static String signed(Figure f, long change) {
        return (change > 0 ? "+" : change < 0 ? "-" : "") + f.format(Math.abs(change));
    }

    /** The change in the location's share of the peak, in percentage points. */
    private String shareChange(Row r) {
        return String.format(Locale.ROOT, "%+.1f%%", share(r.after, after) - share(r.before, before));
    }

    private static double share(long[] values, ScopeFigures of) {
        long peak = of.value(Figure.PEAK);
        return peak == 0 ? 0 : values[Figure.PEAK.ordinal()] * 100.0 / peak;
    }

    public String json(int limit) {
        Json j = new Json().beginObject().name("totals").beginObject();
        for (Figure f : Figure.values()) {
            j.name(f.key).beginObject().field("before", before.value(f)).field("after", after.value(f))
                    .field("change", after.value(f) - before.value(f)).endObject();
        }
        j.endObject().field("locations_changed", rows.size()).name("locations").beginArray();
        for (Row r : rows.subList(0, Math.min(limit, rows.size()))) {
            j.beginObject().field("function", r.location().function()).field("file", r.location().file())
                    .field("line", r.location().line());
            if (r.location().nativeFrame()) {
                j.field("native", true);
            }
            for (Figure f : Figure.values()) {
                j.name(f.key).beginObject().field("before", r.before[f.ordinal()]).field("after", r.after[f.ordinal()])
                        .field("change", r.change(f)).endObject();
            }
            j.name("peak_share_percent").beginObject()
                    .field("before", String.format(Locale.ROOT, "%.2f", share(r.before, before)))
                    .field("after", String.format(Locale.ROOT, "%.2f", share(r.after, after))).endObject();
            j.endObject();
        }
        return j.endArray().endObject().toString() + "\n";
    }
}
