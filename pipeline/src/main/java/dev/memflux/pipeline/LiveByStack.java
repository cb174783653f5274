package dev.memflux.pipeline;

import java.util.Arrays;

/**
 * Live bytes and allocation counts per stack node, now and at the heap's high-water mark,
 * kept in one pass over a stream that cannot be read twice.
 *
 * <p>Copying every node's figures at each new peak would cost O(nodes) per event while
 * the heap grows (each allocation is then a new peak). Instead every node changed since
 * the last peak sits once on a dirty list, and a new peak copies only those: each event
 * dirties at most one node and each dirty entry is copied once, so the cost is O(1) per
 * event amortized, and memory is four longs and an int per distinct node.
 *
 * <p>Owned by the aggregator's thread; not thread-safe.
 */
public final class LiveByStack {
    private long[] liveBytes;
    private long[] liveCount;
    private long[] peakBytes;
    private long[] peakCount;
    /** Nodes changed since the last peak, each once; {@code dirtyMark[node]} says it is listed. */
    private int[] dirty;
    private boolean[] dirtyMark;
    private int dirtyCount;

    public LiveByStack(int initialNodes) {
        int n = Math.max(16, initialNodes);
        liveBytes = new long[n];
        liveCount = new long[n];
        peakBytes = new long[n];
        peakCount = new long[n];
        dirty = new int[n];
        dirtyMark = new boolean[n];
    }

    /** An allocation ({@code count} 1, bytes positive) or a release (-1, negative) at {@code node}. */
    public void change(int node, long bytes, int count) {
        if (node >= liveBytes.length) {
            grow(node);
        }
        liveBytes[node] += bytes;
        liveCount[node] += count;
        if (!dirtyMark[node]) {
            dirtyMark[node] = true;
            dirty[dirtyCount++] = node;
        }
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
