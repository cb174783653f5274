package dev.memflux.sinks.report;

import dev.memflux.pipeline.StackTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-node numbers folded into per-location rows. "Own" counts what a location allocated
 * itself (it is the innermost frame); "total" counts everything allocated while it was on
 * the stack, each allocation once even when the location recurses.
 */
public final class LocationTotals {
    /** One location's row. */
    public static final class Row {
        public final Location location;
        public long ownBytes;
        public long ownCount;
        public long totalBytes;
        public long totalCount;
        /** The stack node that contributed most to {@link #ownCount}: the row's stack in reports. */
        public int node;
        private long nodeCount = -1;

        Row(Location location) {
            this.location = location;
        }
    }

    private final Map<Location, Row> rows = new HashMap<>();

    /**
     * @param bytes per-node bytes (indexed by node id)
     * @param counts per-node allocation counts
     */
    public static LocationTotals of(StackTable stacks, long[] bytes, long[] counts) {
        LocationTotals totals = new LocationTotals();
        int n = Math.min(bytes.length, counts.length);
        for (int node = 0; node < n; node++) {
            if (bytes[node] == 0 && counts[node] == 0) {
                continue;
            }
            Row own = totals.row(Location.of(stacks, node));
            own.ownBytes += bytes[node];
            own.ownCount += counts[node];
            if (counts[node] > own.nodeCount) {
                own.nodeCount = counts[node];
                own.node = node;
            }
            java.util.Set<Location> seen = new java.util.HashSet<>();
            int at = node;
            do {
                Location loc = Location.of(stacks, at);
                if (seen.add(loc)) {
                    Row row = totals.row(loc);
                    row.totalBytes += bytes[node];
                    row.totalCount += counts[node];
                }
                at = at > 0 && stacks.isNode(at) ? stacks.parent(at) : 0;
            } while (at > 0);
        }
        return totals;
    }

    private Row row(Location location) {
        return rows.computeIfAbsent(location, Row::new);
    }

    public List<Row> sorted(Comparator<Row> order, int limit) {
        List<Row> list = new ArrayList<>(rows.values());
        list.sort(order.thenComparing(r -> r.location.key()));
        return list.subList(0, Math.min(limit, list.size()));
    }

    public int size() {
        return rows.size();
    }
}
