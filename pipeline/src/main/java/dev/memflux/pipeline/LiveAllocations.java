package dev.memflux.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * The malloc-family allocations alive right now: address → (size, stack node), in
 * open-addressing tables with linear probing and backward-shift deletion (no tombstones,
 * so a long run of malloc/free never degrades probing). No boxing, no per-entry objects.
 *
 * <p>Memory is what limits a capture (millions of live allocations), so an entry is two
 * longs: the address, and the node (high half) with the size (low half). Sizes of 4 GiB
 * and more do not fit; they are rare enough to live in a side map. The table is split in
 * {@value #SEGMENTS} segments chosen by the hash's top bits, each growing on its own, by
 * half, at a load of 3/4: the load stays within [1/2, 3/4], so an entry costs 21–32 bytes,
 * and a growth copies one segment, costing 1/{@value #SEGMENTS} of the table in transient
 * memory instead of doubling the peak. Capacities are not powers of two, so a slot is
 * the hash's next 32 bits scaled to the capacity (a multiply and a shift).
 *
 * <p>Owned by one thread (the pipeline thread); not thread-safe.
 */
public final class LiveAllocations {
    private static final long EMPTY = 0; // address 0 is never a live allocation
    private static final int SEGMENT_BITS = 6;
    private static final int SEGMENTS = 1 << SEGMENT_BITS;
    private static final long HUGE = 0xFFFF_FFFFL; // in the size half: the size is in hugeSizes
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /**
     * A growth must leave this much heap free, or it fails with OutOfMemoryError: when the
     * live set outgrows the heap, the table should be what fails (the run pipeline then
     * abandons it), not the encoder or the collector on the next small allocation.
     */
    private static final int HEADROOM = (int) Math.min(4 << 20, Runtime.getRuntime().maxMemory() / 8);

    private final long[][] keys = new long[SEGMENTS][];
    private final long[][] values = new long[SEGMENTS][];
    private final int[] counts = new int[SEGMENTS];
    private final Map<Long, Long> hugeSizes = new HashMap<>();
    private byte[] headroomProbe;
    private int count;
    private int removedNode;

    public LiveAllocations(int initialCapacity) {
        int perSegment = Math.max(16 * SEGMENTS, initialCapacity) / SEGMENTS;
        for (int s = 0; s < SEGMENTS; s++) {
            allocate(s, perSegment);
        }
    }

    private void allocate(int segment, int capacity) {
        keys[segment] = new long[capacity];
        values[segment] = new long[capacity];
    }

    /** The home slot of a key with hash {@code hash} in a segment of {@code capacity} slots. */
    private static int home(long hash, int capacity) {
        return (int) ((((hash << SEGMENT_BITS) >>> 32) * capacity) >>> 32);
    }

    public int size() {
        return count;
    }

    /**
     * Records an allocation. If the address was already live (its free was never seen),
     * the old entry is replaced and its size returned ({@link #removedNode()} is its
     * node); otherwise returns -1.
     */
    public long put(long address, long size, int node) {
        long hash = address * GOLDEN;
        int segment = (int) (hash >>> (64 - SEGMENT_BITS));
        long[] k = keys[segment];
        int slot = home(hash, k.length);
        boolean huge = Long.compareUnsigned(size, HUGE) >= 0; // unsigned: a corrupt size must not clobber the node
        long value = ((long) node << 32) | (huge ? HUGE : size);
        while (true) {
            long key = k[slot];
            if (key == EMPTY) {
                k[slot] = address;
                values[segment][slot] = value;
                if (huge) {
                    hugeSizes.put(address, size);
                }
                count++;
                if (++counts[segment] * 4L > k.length * 3L) {
                    grow(segment);
                }
                return -1;
            }
            if (key == address) {
                long previous = values[segment][slot];
                long old = sizeOf(address, previous);
                removedNode = (int) (previous >>> 32);
                values[segment][slot] = value;
                if (huge) {
                    hugeSizes.put(address, size);
                } else if ((previous & HUGE) == HUGE) {
                    hugeSizes.remove(address);
                }
                return old;
            }
            if (++slot == k.length) {
                slot = 0;
            }
        }
    }

    /** Forgets {@code address} and returns its size, or -1 if it was not live; see {@link #removedNode()}. */
    public long remove(long address) {
        long hash = address * GOLDEN;
        int segment = (int) (hash >>> (64 - SEGMENT_BITS));
        long[] k = keys[segment];
        int slot = home(hash, k.length);
        while (true) {
            long key = k[slot];
            if (key == address) {
                long value = values[segment][slot];
                removedNode = (int) (value >>> 32);
                long size = sizeOf(address, value);
                if ((value & HUGE) == HUGE) {
                    hugeSizes.remove(address);
                }
                closeGap(segment, slot);
                return size;
            }
            if (key == EMPTY) {
                return -1;
            }
            if (++slot == k.length) {
                slot = 0;
            }
        }
    }

    /** The stack node of the allocation the last successful {@link #remove} (or replacing {@link #put}) forgot. */
    public int removedNode() {
        return removedNode;
    }

    private long sizeOf(long address, long value) {
        long size = value & HUGE;
        return size == HUGE ? hugeSizes.get(address) : size;
    }

    private void closeGap(int segment, int slot) {
        count--;
        counts[segment]--;
        long[] k = keys[segment];
        long[] v = values[segment];
        int capacity = k.length;
        int hole = slot;
        int next = hole + 1 == capacity ? 0 : hole + 1;
        while (k[next] != EMPTY) {
            int home = home(k[next] * GOLDEN, capacity);
            // Move the entry back into the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
            if (!stays) {
                k[hole] = k[next];
                v[hole] = v[next];
                hole = next;
            }
            next = next + 1 == capacity ? 0 : next + 1;
        }
        k[hole] = EMPTY;
    }

    /** Calls {@code visitor} for every live allocation (in no particular order). */
    public void forEach(Visitor visitor) {
        for (int s = 0; s < SEGMENTS; s++) {
            long[] k = keys[s];
            long[] v = values[s];
            for (int slot = 0; slot < k.length; slot++) {
                if (k[slot] != EMPTY) {
                    visitor.visit(k[slot], sizeOf(k[slot], v[slot]), (int) (v[slot] >>> 32));
                }
            }
        }
    }

    /** Forgets every entry and gives the memory back. */
    public void clear() {
        for (int s = 0; s < SEGMENTS; s++) {
            keys[s] = null;
            values[s] = null;
        }
        for (int s = 0; s < SEGMENTS; s++) {
            allocate(s, 16);
            counts[s] = 0;
        }
        hugeSizes.clear();
        count = 0;
    }

    /** Bytes the table's arrays take (for the memory benchmark). */
    public long tableBytes() {
        long slots = 0;
        for (int s = 0; s < SEGMENTS; s++) {
            slots += keys[s].length;
        }
        return slots * 2 * Long.BYTES;
    }

    /** One live allocation. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long address, long size, int node);
    }

    private void grow(int segment) {
        long[] oldKeys = keys[segment];
        long[] oldValues = values[segment];
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - runtime.totalMemory() + runtime.freeMemory(); // garbage counts as used
        if (free < HEADROOM + 3L * oldKeys.length * Long.BYTES) {
            headroomProbe = new byte[HEADROOM]; // held while the segment grows (a field, so it is not optimized away)
        }
        allocate(segment, oldKeys.length + oldKeys.length / 2);
        headroomProbe = null;
        long[] k = keys[segment];
        long[] v = values[segment];
        int capacity = k.length;
        for (int i = 0; i < oldKeys.length; i++) {
            long key = oldKeys[i];
            if (key != EMPTY) {
                int slot = home(key * GOLDEN, capacity);
                while (k[slot] != EMPTY) {
                    slot = slot + 1 == capacity ? 0 : slot + 1;
                }
                k[slot] = key;
                v[slot] = oldValues[i];
            }
        }
    }
}
