package dev.memflux.pipeline;

import java.util.Arrays;

/**
 * Every per-stack-node figure the aggregator keeps, in one place so that an event pays one
 * bounds check: allocations, bytes and frees over the whole run, and live bytes and
 * allocation counts now and at the heap's high-water mark, kept in one pass over a stream
 * that cannot be read twice.
 *
 * <p>Copying every node's figures at each new peak would cost O(nodes) per event while
 * the heap grows (each allocation is then a new peak). Instead every node changed since
 * the last peak sits once on a dirty list, and a new peak copies only those: each event
 * dirties at most one node and each dirty entry is copied once, so the cost is O(1) per
 * event amortized, and memory is four longs and an int per distinct node.
 *
 * <p>Owned by the aggregator's thread; not thread-safe.
 */
public final class StackFigures {
    private long[] allocations;
    private long[] bytes;
    private long[] frees;
    private long[] liveBytes;
    private long[] liveCount;
    private long[] peakBytes;
    private long[] peakCount;
    /** Nodes changed since the last peak, each once; {@code dirtyMark[node]} says it is listed. */
    private int[] dirty;
    private boolean[] dirtyMark;
    private int dirtyCount;

    public StackFigures(int initialNodes) {
        int n = Math.max(16, initialNodes);
        allocations = new long[n];
        bytes = new long[n];
        frees = new long[n];
        liveBytes = new long[n];
        liveCount = new long[n];
        peakBytes = new long[n];
        peakCount = new long[n];
        dirty = new int[n];
        dirtyMark = new boolean[n];
    }

    /**
     * {@code count} allocations of {@code size} bytes in all made at {@code node} (one, or a
     * sampled capture's estimate): counted, and live from now.
     */
    public void allocated(int node, long size, long count) {
        if (node >= liveBytes.length) {
            grow(node);
        }
        allocations[node] += count;
        bytes[node] += size;
        live(node, size, count);
    }

    /** Whole allocations ({@code count}, of {@code size} bytes in all) made at {@code node} were freed. */
    public void freed(int node, long size, long count) {
        if (node >= liveBytes.length) {
            grow(node);
        }
        frees[node] += count;
        live(node, -size, -count);
    }

    /**
     * Live bytes and allocations at {@code node} changed without a free being counted: a
     * live address allocated again, or part of a mapping unmapped ({@code count} is the
     * change in pieces).
     */
    public void change(int node, long bytes, long count) {
        if (node >= liveBytes.length) {
            grow(node);
        }
        live(node, bytes, count);
    }

    private void live(int node, long bytes, long count) {
        liveBytes[node] += bytes;
        liveCount[node] += count;
        if (!dirtyMark[node]) {
            dirtyMark[node] = true;
            dirty[dirtyCount++] = node;
        }
    }

    /** Sets every figure of {@code node} at once (an aggregated file read back). */
    public void restore(int node, long allocations, long bytes, long frees, long liveBytes, long liveCount,
            long peakBytes, long peakCount) {
        if (node >= this.liveBytes.length) {
            grow(node);
        }
        this.allocations[node] = allocations;
        this.bytes[node] = bytes;
        this.frees[node] = frees;
        this.liveBytes[node] = liveBytes;
        this.liveCount[node] = liveCount;
        this.peakBytes[node] = peakBytes;
        this.peakCount[node] = peakCount;
    }

    /** The heap just reached a new high-water mark: what is live now is the peak's composition. */
    public void peakReached() {
        for (int i = 0; i < dirtyCount; i++) {
            int node = dirty[i];
            peakBytes[node] = liveBytes[node];
            peakCount[node] = liveCount[node];
            dirtyMark[node] = false;
        }
        dirtyCount = 0;
    }

    private void grow(int node) {
        int size = Math.max(liveBytes.length * 2, Integer.highestOneBit(node) << 1);
        allocations = Arrays.copyOf(allocations, size);
        bytes = Arrays.copyOf(bytes, size);
        frees = Arrays.copyOf(frees, size);
        liveBytes = Arrays.copyOf(liveBytes, size);
        liveCount = Arrays.copyOf(liveCount, size);
        peakBytes = Arrays.copyOf(peakBytes, size);
        peakCount = Arrays.copyOf(peakCount, size);
        dirty = Arrays.copyOf(dirty, size);
        dirtyMark = Arrays.copyOf(dirtyMark, size);
    }

    /** One past the highest node these figures can name. */
    public int nodeLimit() {
        return liveBytes.length;
    }

    /** Allocations made at {@code node} over the whole run. */
    public long allocations(int node) {
        return node < allocations.length ? allocations[node] : 0;
    }

    /** Bytes allocated at {@code node} over the whole run. */
    public long bytes(int node) {
        return node < bytes.length ? bytes[node] : 0;
    }

    /** Frees of allocations made at {@code node} (a mapping: once its last piece is unmapped). */
    public long frees(int node) {
        return node < frees.length ? frees[node] : 0;
    }

    public long liveBytes(int node) {
        return node < liveBytes.length ? liveBytes[node] : 0;
    }

    public long liveCount(int node) {
        return node < liveCount.length ? liveCount[node] : 0;
    }

    public long peakBytes(int node) {
        return node < peakBytes.length ? peakBytes[node] : 0;
    }

    public long peakCount(int node) {
        return node < peakCount.length ? peakCount[node] : 0;
    }
}
