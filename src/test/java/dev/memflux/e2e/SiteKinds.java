package dev.memflux.e2e;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StackTable;
import dev.memflux.sinks.FileSource;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What one line of a test program allocated, by allocator kind, read straight from the
 * capture's records (the reports count kinds for the whole program only). A site is every
 * stack whose innermost frame is at {@code file:line}, whatever the function (3.11 runs
 * comprehensions as their own functions).
 */
record SiteKinds(long[] allocations, long[] bytes, long frees, long liveAtEnd) {

    static SiteKinds of(Path capture, Aggregator totals, Path file, int line) throws Exception {
        StackTable stacks = totals.stacks();
        boolean[] atSite = new boolean[stacks.nodeCount()];
        long frees = 0;
        long live = 0;
        long[] liveByNode = totals.liveBytesByNode();
        for (int node = 1; node < stacks.nodeCount(); node++) {
            if (stacks.line(node) == line && stacks.file(stacks.frame(node)).equals(file.toString())) {
                atSite[node] = true;
                frees += totals.nodeFrees(node);
                live += liveByNode[node];
            }
        }
        long[] allocations = new long[AllocatorKind.COUNT];
        long[] bytes = new long[AllocatorKind.COUNT];
        try (FileSource source = FileSource.open(capture)) {
            source.batches().doOnNext(b -> {
                for (int i = 0; i < b.count; i++) {
                    if (!RecordTag.isAlloc(b.tag(i))) {
                        continue;
                    }
                    int node = b.allocNode(i);
                    if (node < atSite.length && atSite[node]) {
                        allocations[b.allocKind(i)]++;
                        bytes[b.allocKind(i)] += b.allocSize(i);
                    }
                }
            }).blockLast();
        }
        return new SiteKinds(allocations, bytes, frees, live);
    }

    /** Expected: {@code count} allocations of {@code size} bytes of {@code kind} and none of any other kind. */
    static SiteKinds only(AllocatorKind kind, long count, long size, long frees, long liveAtEnd) {
        long[] allocations = new long[AllocatorKind.COUNT];
        long[] bytes = new long[AllocatorKind.COUNT];
        allocations[kind.ordinal()] = count;
        bytes[kind.ordinal()] = count * size;
        return new SiteKinds(allocations, bytes, frees, liveAtEnd);
    }

    static SiteKinds nothing(long frees) {
        return new SiteKinds(new long[AllocatorKind.COUNT], new long[AllocatorKind.COUNT], frees, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SiteKinds k && Arrays.equals(allocations, k.allocations) && Arrays.equals(bytes, k.bytes)
                && frees == k.frees && liveAtEnd == k.liveAtEnd;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(allocations);
    }

    @Override
    public String toString() {
        return "allocations " + Arrays.toString(allocations) + " bytes " + Arrays.toString(bytes) + " frees " + frees
                + " live at end " + liveAtEnd;
    }
}
