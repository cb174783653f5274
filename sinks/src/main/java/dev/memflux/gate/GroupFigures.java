package dev.memflux.gate;

import dev.memflux.pipeline.LiveAllocations;
import java.util.Arrays;

/**
 * Live, peak, allocated bytes and allocations of groups of allocations (the tests of a
 * suite), numbered from 0, each allocation in one group. A
 * group's peak is the most its own allocations held at once. Per event: one or two probes
 * of its live map and array updates, no allocation (arrays grow when a group is added).
 * A munmap is matched by its start address only: a mapping unmapped from its middle stays
 * counted whole.
 */
final class GroupFigures {
    private final LiveAllocations owned = new LiveAllocations(1 << 12);
    private long[] live = new long[16];
    private long[] peak = new long[16];
    private long[] bytes = new long[16];
    private long[] count = new long[16];
    private int groups;

    /** Makes room for groups 0 to {@code group}. */
    void ensure(int group) {
        if (group >= live.length) {
            int grown = Math.max(live.length * 2, group + 1);
            live = Arrays.copyOf(live, grown);
            peak = Arrays.copyOf(peak, grown);
            bytes = Arrays.copyOf(bytes, grown);
            count = Arrays.copyOf(count, grown);
        }
        groups = Math.max(groups, group + 1);
    }

    void allocated(long address, long size, int group) {
        bytes[group] += size;
        count[group]++;
        long replaced = owned.put(address, size, group);
        if (replaced >= 0) {
            live[owned.removedNode()] -= replaced;
        }
        live[group] += size;
        if (live[group] > peak[group]) {
            peak[group] = live[group];
        }
    }

    /** A free ({@code length} Long.MAX_VALUE) or a munmap of {@code length} bytes at {@code address}. */
    void released(long address, long length) {
        long size = owned.remove(address);
        if (size < 0) {
            return;
        }
        int group = owned.removedNode();
        long gone = Math.min(size, length);
        live[group] -= gone;
        if (gone < size) {
            owned.put(address + gone, size - gone, group);
        }
    }

    int groups() {
        return groups;
    }

    long peak(int group) {
        return peak[group];
    }

    long live(int group) {
        return live[group];
    }

    long bytes(int group) {
        return bytes[group];
    }

    long count(int group) {
        return count[group];
    }
}
