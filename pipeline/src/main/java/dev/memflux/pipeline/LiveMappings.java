package dev.memflux.pipeline;

import java.util.Arrays;

/**
 * The mappings alive right now (mmap, and what mremap left), as disjoint address ranges
 * sorted by start, so that {@code munmap(addr, len)} releases exactly the bytes it covers:
 * a mapping partly covered is cut, one covered in its middle splits into two pieces, and
 * every piece keeps the stack of the mmap that made it.
 *
 * <p>A process has few mappings (pymalloc's arenas are 1 MiB each), so sorted arrays with
 * binary search and {@code System.arraycopy} beat a tree and allocate nothing per event.
 * Owned by the pipeline thread; not thread-safe.
 */
final class LiveMappings {
    /** Told of every mapping a release touched. */
    interface Released {
        /**
         * {@code bytes} of a mapping made at {@code node} were released; {@code pieces} is how
         * the number of live pieces changed: -1 nothing is left of it, 0 it was cut at one
         * end, +1 it was split in two.
         */
        void released(int node, long bytes, int pieces);
    }

    private long[] starts = new long[64];
    private long[] ends = new long[64];
    private int[] nodes = new int[64];
    private int count;

    int size() {
        return count;
    }

    /** Adds [start, start + length); the range must not overlap a live mapping (release it first). */
    void add(long start, long length, int node) {
        int at = firstStartingAtOrAfter(start);
        insert(at, start, end(start, length), node);
    }

    /** Releases every tracked byte in [start, start + length) and returns how many there were. */
    long release(long start, long length, Released listener) {
        long end = end(start, length);
        int i = firstStartingAtOrAfter(start);
        if (i > 0 && ends[i - 1] > start) {
            i--;
        }
        long released = 0;
        while (i < count && starts[i] < end) {
            long s = starts[i];
            long e = ends[i];
            int node = nodes[i];
            long cut = Math.min(e, end) - Math.max(s, start);
            released += cut;
            boolean keepsHead = s < start;
            boolean keepsTail = e > end;
            if (keepsHead && keepsTail) {
                ends[i] = start;
                insert(i + 1, end, e, node);
                listener.released(node, cut, 1);
                break;
            } else if (keepsHead) {
                ends[i] = start;
                listener.released(node, cut, 0);
                i++;
            } else if (keepsTail) {
                starts[i] = end;
                listener.released(node, cut, 0);
                break;
            } else {
                remove(i);
                listener.released(node, cut, -1);
            }
        }
        return released;
    }

    void clear() {
        starts = new long[64];
        ends = new long[64];
        nodes = new int[64];
        count = 0;
    }

    /** Calls {@code visitor} for every live mapping, in address order. */
    void forEach(LiveAllocations.Visitor visitor) {
        for (int i = 0; i < count; i++) {
            visitor.visit(starts[i], ends[i] - starts[i], nodes[i]);
        }
    }

    private static long end(long start, long length) {
        long end = start + length;
        return end < start ? Long.MAX_VALUE : end; // a length past the address space: to its top
    }

    private int firstStartingAtOrAfter(long start) {
        int at = Arrays.binarySearch(starts, 0, count, start);
        return at >= 0 ? at : -at - 1;
    }

    private void insert(int at, long start, long end, int node) {
        if (count == starts.length) {
            int grown = count * 2;
            starts = Arrays.copyOf(starts, grown);
            ends = Arrays.copyOf(ends, grown);
            nodes = Arrays.copyOf(nodes, grown);
        }
        System.arraycopy(starts, at, starts, at + 1, count - at);
        System.arraycopy(ends, at, ends, at + 1, count - at);
        System.arraycopy(nodes, at, nodes, at + 1, count - at);
        starts[at] = start;
        ends[at] = end;
        nodes[at] = node;
        count++;
    }

    private void remove(int at) {
        count--;
        System.arraycopy(starts, at + 1, starts, at, count - at);
        System.arraycopy(ends, at + 1, ends, at, count - at);
        System.arraycopy(nodes, at + 1, nodes, at, count - at);
    }
}
