package dev.memflux.gate;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.NativeFigures;
import dev.memflux.pipeline.StackTable;
import dev.memflux.pipeline.ThreadFigures;
import dev.memflux.report.HybridStack;
import dev.memflux.report.Location;
import dev.memflux.report.LocationTotals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The four figures of one scope of a capture, and which locations (innermost frames)
 * contributed to each, largest first. Read from the aggregator's per-node arrays, so it
 * works on any capture the aggregator reads (full or aggregated); a scope's peak is what
 * it held when the whole program's heap peaked.
 */
public final class ScopeFigures {
    /** One location's part of a figure. */
    public record Contribution(Location location, long value) {}

    private static final Comparator<Contribution> LARGEST_FIRST =
            Comparator.comparingLong(Contribution::value).reversed().thenComparing(c -> c.location().key());

    private final EnumMap<Figure, Long> values = new EnumMap<>(Figure.class);
    private final EnumMap<Figure, List<Contribution>> contributors = new EnumMap<>(Figure.class);

    private ScopeFigures() {}

    public static ScopeFigures of(Aggregator totals, Scope scope) {
        StackTable stacks = totals.stacks();
        boolean[] in = membership(stacks, scope);
        long[] peakBytes = totals.peakBytesByNode();
        long[] peakCount = totals.peakCountByNode();
        long[] liveBytes = totals.liveBytesByNode();
        long[] liveCount = totals.liveCountByNode();
        int n = Math.max(peakBytes.length, stacks.nodeCount());
        long[] bytes = new long[n];
        long[] counts = new long[n];
        for (int node = 0; node < n; node++) {
            bytes[node] = totals.nodeBytes(node);
            counts[node] = totals.nodeAllocations(node);
        }
        ScopeFigures f = new ScopeFigures();
        f.put(Figure.PEAK, stacks, in, peakBytes, peakCount, false);
        f.put(Figure.LEAKED, stacks, in, liveBytes, liveCount, false);
        f.put(Figure.ALLOCATED, stacks, in, bytes, counts, false);
        f.put(Figure.ALLOCATIONS, stacks, in, bytes, counts, true);
        return f;
    }

    /**
     * As {@link #of(Aggregator, Scope)}, with each location the innermost frame of either
     * kind when {@code natives} saw native stacks (a {@code --native} capture): an
     * allocation made in C counts at the C function that called the allocator, one without
     * a native stack at its Python line. The figures themselves are the same.
     */
    public static ScopeFigures of(Aggregator totals, Scope scope, NativeFigures natives) {
        ScopeFigures f = of(totals, scope);
        if (natives == null || !natives.hasNativeStacks()) {
            return f;
        }
        StackTable stacks = totals.stacks();
        boolean[] in = membership(stacks, scope);
        Location[] at = new Location[natives.pairs()];
        for (int pair = 0; pair < at.length; pair++) {
            int node = natives.node(pair);
            if (node < in.length ? in[node] : in[0]) {
                at[pair] = innermost(stacks, node, natives.nativeNode(pair));
            }
        }
        f.contributors.put(Figure.PEAK, byLocation(at, natives.peakBytesByPair()));
        f.contributors.put(Figure.LEAKED, byLocation(at, natives.liveBytesByPair()));
        f.contributors.put(Figure.ALLOCATED, byLocation(at, natives.allocatedBytesByPair()));
        f.contributors.put(Figure.ALLOCATIONS, byLocation(at, natives.allocationsByPair()));
        return f;
    }

    private static Location innermost(StackTable stacks, int node, int nativeNode) {
        List<HybridStack.Frame> frames = nativeNode == 0 ? List.of() : HybridStack.nativeOnly(stacks, nativeNode);
        return frames.isEmpty() ? Location.of(stacks, node) : Location.of(frames.get(0));
    }

    /** Per-pair values summed by location ({@code at[pair]}, null: out of scope), largest first. */
    private static List<Contribution> byLocation(Location[] at, long[] values) {
        Map<Location, Long> by = new HashMap<>();
        for (int pair = 0; pair < at.length; pair++) {
            if (at[pair] != null && values[pair] != 0) {
                by.merge(at[pair], values[pair], Long::sum);
            }
        }
        List<Contribution> list = new ArrayList<>();
        by.forEach((loc, v) -> {
            if (v > 0) {
                list.add(new Contribution(loc, v));
            }
        });
        list.sort(LARGEST_FIRST);
        return list;
    }

    /** A node is in scope when a frame on its stack matches; node 0 (no Python frame) only in the whole program. */
    private static boolean[] membership(StackTable stacks, Scope scope) {
        boolean[] in = new boolean[stacks.nodeCount()];
        in[0] = scope.kind() == Scope.Kind.ALL;
        for (int node = 1; node < in.length; node++) {
            int frame = stacks.frame(node);
            int parent = stacks.parent(node);
            // parents come before their children, so the caller's answer is known
            in[node] = (parent > 0 && in[parent]) || in[0] || scope.matches(stacks.function(frame), stacks.file(frame));
        }
        return in;
    }

    private void put(Figure figure, StackTable stacks, boolean[] in, long[] bytes, long[] counts, boolean byCount) {
        long[] b = new long[bytes.length];
        long[] c = new long[bytes.length];
        long total = 0;
        for (int node = 0; node < bytes.length; node++) {
            boolean inScope = node < in.length ? in[node] : in[0];
            if (inScope) {
                b[node] = bytes[node];
                c[node] = node < counts.length ? counts[node] : 0;
                total += byCount ? c[node] : b[node];
            }
        }
        values.put(figure, total);
        List<Contribution> list = new ArrayList<>();
        for (LocationTotals.Row row : LocationTotals.of(stacks, b, c).sorted(Comparator.comparingLong(r -> 0L),
                Integer.MAX_VALUE)) {
            long v = byCount ? row.ownCount : row.ownBytes;
            if (v > 0) {
                list.add(new Contribution(row.location, v));
            }
        }
        list.sort(LARGEST_FIRST);
        contributors.put(figure, list);
    }

    /** Thread {@code number}'s figures; its peak is the most its own allocations held at once. */
    public static ScopeFigures of(ThreadFigures threads, int number) {
        return of(threads.threadPeakBytes(number), threads.threadLiveBytes(number),
                threads.threadAllocatedBytes(number), threads.threadAllocations(number));
    }

    /**
     * As {@link #of(ThreadFigures, int)}, with the locations that contributed, read from
     * the thread's (thread, node) pairs: to its peak, what each held when the thread's own
     * allocations peaked.
     */
    public static ScopeFigures of(ThreadFigures threads, int number, StackTable stacks) {
        ScopeFigures f = of(threads, number);
        long[] atPeak = threads.threadPeakBytesByPair();
        long[] live = threads.liveBytesByPair();
        long[] liveCount = threads.liveCountByPair();
        long[] bytes = threads.allocatedBytesByPair();
        long[] counts = threads.allocationsByPair();
        int nodes = stacks.nodeCount();
        long[][] byNode = new long[5][nodes];
        for (int pair = 0; pair < atPeak.length; pair++) {
            int node = threads.node(pair);
            if (threads.thread(pair) != number || node < 0 || node >= nodes) {
                continue;
            }
            byNode[0][node] += atPeak[pair];
            byNode[1][node] += live[pair];
            byNode[2][node] += liveCount[pair];
            byNode[3][node] += bytes[pair];
            byNode[4][node] += counts[pair];
        }
        boolean[] all = new boolean[nodes];
        Arrays.fill(all, true);
        ScopeFigures located = new ScopeFigures();
        located.put(Figure.PEAK, stacks, all, byNode[0], byNode[4], false);
        located.put(Figure.LEAKED, stacks, all, byNode[1], byNode[2], false);
        located.put(Figure.ALLOCATED, stacks, all, byNode[3], byNode[4], false);
        located.put(Figure.ALLOCATIONS, stacks, all, byNode[3], byNode[4], true);
        f.contributors.putAll(located.contributors);
        return f;
    }

    /** Figures known without their locations (a thread's). */
    public static ScopeFigures of(long peak, long leaked, long allocated, long allocations) {
        ScopeFigures f = new ScopeFigures();
        long[] values = {peak, leaked, allocated, allocations};
        for (Figure figure : Figure.values()) {
            f.values.put(figure, values[figure.ordinal()]);
            f.contributors.put(figure, List.of());
        }
        return f;
    }

    /** Several captures' figures added up (a follow-fork family summed: peaks add as if simultaneous). */
    public static ScopeFigures sum(List<ScopeFigures> parts) {
        ScopeFigures f = new ScopeFigures();
        for (Figure figure : Figure.values()) {
            long total = 0;
            Map<Location, Long> by = new HashMap<>();
            for (ScopeFigures p : parts) {
                total += p.value(figure);
                for (Contribution c : p.contributors(figure)) {
                    by.merge(c.location(), c.value(), Long::sum);
                }
            }
            f.values.put(figure, total);
            List<Contribution> list = new ArrayList<>();
            by.forEach((loc, v) -> list.add(new Contribution(loc, v)));
            list.sort(LARGEST_FIRST);
            f.contributors.put(figure, list);
        }
        return f;
    }

    public long value(Figure figure) {
        return values.get(figure);
    }

    /** Every contributing location, largest first. */
    public List<Contribution> contributors(Figure figure) {
        return contributors.get(figure);
    }

    /** What {@code location} contributed to {@code figure} (0 if nothing). */
    public long at(Figure figure, Location location) {
        for (Contribution c : contributors.get(figure)) {
            if (c.location().equals(location)) {
                return c.value();
            }
        }
        return 0;
    }
}
