package dev.memflux.pipeline;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import sun.misc.Unsafe;

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
 * <p>The slots live outside the Java heap (a key and its value side by side, 16 bytes),
 * and a grown segment's old slots are freed at once. On the heap each replaced segment
 * was garbage until a full collection: with millions of live allocations the JVM held
 * the table two to three times over (3 M live: 241 MiB resident), or paid for full
 * collections that copied the whole table again and again. The table still counts
 * against the heap's limit ({@code -Xmx}): past it a growth fails with
 * OutOfMemoryError, as it did on the heap. The slots are freed by {@link #clear} and,
 * for a table no longer used, by a {@link Cleaner}.
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
     * A growth must leave this much of the memory limit free (the heap in use and every
     * table counted together), or it fails with OutOfMemoryError: when the
     * live set outgrows the heap, the table should be what fails (the run pipeline then
     * abandons it), not the encoder or the collector on the next small allocation.
     */
    private static final int HEADROOM = (int) Math.min(4 << 20, Runtime.getRuntime().maxMemory() / 8);

    private static final int SLOT_BYTES = 16; // the key (address), then the value (node, size)
    private static final Unsafe U = unsafe();
    private static final Cleaner CLEANER = Cleaner.create();
    /** Slot bytes of every table in this JVM (forked children's pipelines have their own). */
    private static final AtomicLong TOTAL_SLOT_BYTES = new AtomicLong();

    private final Slots slots = new Slots();
    private final long[] base = slots.base; // each segment's first slot (off the heap)
    private final int[] capacity = slots.capacity;
    private final int[] counts = new int[SEGMENTS];
    private final Map<Long, Long> hugeSizes = new HashMap<>();
    private int count;
    private int removedNode;

    public LiveAllocations(int initialCapacity) {
        CLEANER.register(this, slots);
        int perSegment = Math.max(16 * SEGMENTS, initialCapacity) / SEGMENTS;
        for (int s = 0; s < SEGMENTS; s++) {
            base[s] = allocate(perSegment);
            capacity[s] = perSegment;
        }
    }

    /** Zeroed slots (key EMPTY), within the heap's limit. */
    private static long allocate(int slotCount) {
        long bytes = (long) slotCount * SLOT_BYTES;
        if (!fits(bytes)) {
            System.gc(); // only near the limit: the heap's garbage must not count
            if (!fits(bytes)) {
                throw new OutOfMemoryError("the live allocations outgrew memflux's memory limit (-Xmx)");
            }
        }
        long address = U.allocateMemory(bytes);
        U.setMemory(address, bytes, (byte) 0);
        TOTAL_SLOT_BYTES.addAndGet(bytes);
        return address;
    }

    private static boolean fits(long bytes) {
        Runtime runtime = Runtime.getRuntime();
        long heapUsed = runtime.totalMemory() - runtime.freeMemory();
        return TOTAL_SLOT_BYTES.get() + bytes + heapUsed + HEADROOM <= runtime.maxMemory();
    }

    private static void free(long address, int slotCount) {
        U.freeMemory(address);
        TOTAL_SLOT_BYTES.addAndGet(-(long) slotCount * SLOT_BYTES);
    }

    /** The off-heap slots of one table; run by the Cleaner when the table is unreachable. */
    private static final class Slots implements Runnable {
        final long[] base = new long[SEGMENTS];
        final int[] capacity = new int[SEGMENTS];

        @Override
        public void run() {
            for (int s = 0; s < SEGMENTS; s++) {
                if (base[s] != 0) {
                    free(base[s], capacity[s]);
                    base[s] = 0;
                }
            }
        }
    }

    private static Unsafe unsafe() {
        try {
            Field field = Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (Unsafe) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
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
        long b = base[segment];
        int cap = capacity[segment];
        int slot = home(hash, cap);
        boolean huge = Long.compareUnsigned(size, HUGE) >= 0; // unsigned: a corrupt size must not clobber the node
        long value = ((long) node << 32) | (huge ? HUGE : size);
        while (true) {
            long at = b + (long) slot * SLOT_BYTES;
            long key = U.getLong(at);
            if (key == EMPTY) {
                U.putLong(at, address);
                U.putLong(at + 8, value);
                if (huge) {
                    hugeSizes.put(address, size);
                }
                count++;
                if (++counts[segment] * 4L > cap * 3L) {
                    grow(segment);
                }
                return -1;
            }
            if (key == address) {
                long previous = U.getLong(at + 8);
                long old = sizeOf(address, previous);
                removedNode = (int) (previous >>> 32);
                U.putLong(at + 8, value);
                if (huge) {
                    hugeSizes.put(address, size);
                } else if ((previous & HUGE) == HUGE) {
                    hugeSizes.remove(address);
                }
                return old;
            }
            if (++slot == cap) {
                slot = 0;
            }
        }
    }

    /** Forgets {@code address} and returns its size, or -1 if it was not live; see {@link #removedNode()}. */
    public long remove(long address) {
        long hash = address * GOLDEN;
        int segment = (int) (hash >>> (64 - SEGMENT_BITS));
        long b = base[segment];
        int cap = capacity[segment];
        int slot = home(hash, cap);
        while (true) {
            long at = b + (long) slot * SLOT_BYTES;
            long key = U.getLong(at);
            if (key == address) {
                long value = U.getLong(at + 8);
                removedNode = (int) (value >>> 32);
                long size = value & HUGE;
                if (size == HUGE) {
                    size = hugeSizes.remove(address);
                }
                int next = slot + 1 == cap ? 0 : slot + 1;
                if (U.getLong(b + (long) next * SLOT_BYTES) == EMPTY) {
                    // Nothing to move back (the usual case, unless the slot is inside a
                    // cluster): done here, as C1 (the run's JIT) would not inline closeGap,
                    // and the call cost a free about as much as its probe.
                    U.putLong(at, EMPTY);
                    count--;
                    counts[segment]--;
                } else {
                    closeGap(segment, slot);
                }
                return size;
            }
            if (key == EMPTY) {
                // The slots are freed by the Cleaner once this table is unreachable: it must
                // stay reachable while they are read (every other path uses a field after).
                Reference.reachabilityFence(this);
                return -1;
            }
            if (++slot == cap) {
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
        long b = base[segment];
        int cap = capacity[segment];
        int hole = slot;
        int next = hole + 1 == cap ? 0 : hole + 1;
        long key;
        while ((key = U.getLong(b + (long) next * SLOT_BYTES)) != EMPTY) {
            int home = home(key * GOLDEN, cap);
            // Move the entry back into the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
            if (!stays) {
                long to = b + (long) hole * SLOT_BYTES;
                U.putLong(to, key);
                U.putLong(to + 8, U.getLong(b + (long) next * SLOT_BYTES + 8));
                hole = next;
            }
            next = next + 1 == cap ? 0 : next + 1;
        }
        U.putLong(b + (long) hole * SLOT_BYTES, EMPTY);
    }

    /** Calls {@code visitor} for every live allocation (in no particular order). */
    public void forEach(Visitor visitor) {
        for (int s = 0; s < SEGMENTS; s++) {
            long b = base[s];
            for (int slot = 0; slot < capacity[s]; slot++) {
                long at = b + (long) slot * SLOT_BYTES;
                long key = U.getLong(at);
                if (key != EMPTY) {
                    long value = U.getLong(at + 8);
                    visitor.visit(key, sizeOf(key, value), (int) (value >>> 32));
                }
            }
        }
    }

    /** Forgets every entry and gives the memory back. */
    public void clear() {
        slots.run();
        for (int s = 0; s < SEGMENTS; s++) {
            base[s] = allocate(16);
            capacity[s] = 16;
            counts[s] = 0;
        }
        hugeSizes.clear();
        count = 0;
    }

    /** Bytes the table's slots take (for the memory benchmark). */
    public long tableBytes() {
        long slotCount = 0;
        for (int s = 0; s < SEGMENTS; s++) {
            slotCount += capacity[s];
        }
        return slotCount * SLOT_BYTES;
    }

    /** One live allocation. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long address, long size, int node);
    }

    private void grow(int segment) {
        long oldBase = base[segment];
        int oldCapacity = capacity[segment];
        int cap = oldCapacity + oldCapacity / 2;
        long b = allocate(cap);
        for (int i = 0; i < oldCapacity; i++) {
            long from = oldBase + (long) i * SLOT_BYTES;
            long key = U.getLong(from);
            if (key != EMPTY) {
                int slot = home(key * GOLDEN, cap);
                while (U.getLong(b + (long) slot * SLOT_BYTES) != EMPTY) {
                    slot = slot + 1 == cap ? 0 : slot + 1;
                }
                long to = b + (long) slot * SLOT_BYTES;
                U.putLong(to, key);
                U.putLong(to + 8, U.getLong(from + 8));
            }
        }
        base[segment] = b;
        capacity[segment] = cap;
        free(oldBase, oldCapacity);
    }
}
