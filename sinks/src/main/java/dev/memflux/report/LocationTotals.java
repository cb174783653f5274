package dev.memflux.report;

import dev.memflux.pipeline.StackTable;
import java.util.ArrayList;
import java.util.Arrays;
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
     * Linear in the number of nodes, however deep the stacks: each node's subtree sums are
     * accumulated children-first (a parent's id is always below its children's, so one
     * downward sweep does it), and a location's total is the sum of the subtrees of its
     * outermost nodes, those with no ancestor at the same location, found in one walk
     * of the trie that counts how often each location is on the current path. A location
     * that recurses thus counts each allocation once.
     *
     * @param bytes per-node bytes (indexed by node id)
     * @param counts per-node allocation counts
     */
    public static LocationTotals of(StackTable stacks, long[] bytes, long[] counts) {
        LocationTotals totals = new LocationTotals();
        int n = Math.min(bytes.length, counts.length);
        int nodes = Math.min(n, stacks.nodeCount());
        // Nodes past the table (none in a validated capture) and node 0 have no Python frame.
        for (int node = 0; node < n; node++) {
            if ((node == 0 || node >= nodes) && (bytes[node] != 0 || counts[node] != 0)) {
                Row row = totals.row(Location.UNKNOWN);
                row.ownBytes += bytes[node];
                row.ownCount += counts[node];
                row.totalBytes += bytes[node];
                row.totalCount += counts[node];
            }
        }
        if (nodes <= 1) {
            return totals;
        }
        Map<Location, Integer> ids = new HashMap<>();
        List<Row> byId = new ArrayList<>();
        int[] location = new int[nodes];
        for (int node = 1; node < nodes; node++) {
            Location loc = Location.of(stacks, node);
            Integer id = ids.get(loc);
            if (id == null) {
                id = byId.size();
                ids.put(loc, id);
                byId.add(null);
            }
            location[node] = id;
            if (bytes[node] != 0 || counts[node] != 0) {
                Row own = totals.rowOf(byId, id, stacks, node);
                own.ownBytes += bytes[node];
                own.ownCount += counts[node];
                if (counts[node] > own.nodeCount) {
                    own.nodeCount = counts[node];
                    own.node = node;
                }
            }
        }
        long[] subBytes = Arrays.copyOf(bytes, nodes);
        long[] subCounts = Arrays.copyOf(counts, nodes);
        int[] firstChild = new int[nodes];
        int[] nextSibling = new int[nodes];
        Arrays.fill(firstChild, -1);
        for (int node = nodes - 1; node >= 1; node--) {
            int parent = parentOf(stacks, node);
            subBytes[parent] += subBytes[node];
            subCounts[parent] += subCounts[node];
            nextSibling[node] = firstChild[parent];
            firstChild[parent] = node;
        }
        int[] onPath = new int[byId.size()];
        int[] path = new int[nodes];
        int[] cursor = new int[nodes];
        int depth = 0;
        path[0] = 0;
        cursor[0] = firstChild[0];
        while (depth >= 0) {
            int at = path[depth];
            int child = cursor[at];
            if (child < 0) {
                if (at != 0) {
                    onPath[location[at]]--;
                }
                depth--;
                continue;
            }
            cursor[at] = nextSibling[child];
            int loc = location[child];
            if (onPath[loc]++ == 0 && (subBytes[child] != 0 || subCounts[child] != 0)) {
                Row row = totals.rowOf(byId, loc, stacks, child);
                row.totalBytes += subBytes[child];
                row.totalCount += subCounts[child];
            }
            path[++depth] = child;
            cursor[child] = firstChild[child];
        }
        return totals;
    }

    /** A node's parent, taken as node 0 if the table holds a later one (never, for a validated capture). */
    private static int parentOf(StackTable stacks, int node) {
        int parent = stacks.parent(node);
        return parent >= 0 && parent < node ? parent : 0;
    }

    private Row rowOf(List<Row> byId, int id, StackTable stacks, int node) {
        Row row = byId.get(id);
        if (row == null) {
            row = row(Location.of(stacks, node));
            byId.set(id, row);
        }
        return row;
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
