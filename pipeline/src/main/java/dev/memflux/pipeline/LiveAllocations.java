package dev.memflux.pipeline;

/**
 * The allocations alive right now: address → (size, stack node, allocator kind), in an
 * open-addressing table with linear probing and backward-shift deletion (no tombstones,
 * so a long run of malloc/free never degrades probing). No boxing, no per-entry objects.
 *
 * <p>Owned by one thread (the pipeline thread); not thread-safe.
 */
public final class LiveAllocations {
    private static final long EMPTY = 0; // address 0 is never a live allocation

    private long[] keys;
    private long[] sizes;
    private int[] nodes;
    private byte[] kinds;
    private int mask;
    private int shift;
    private int count;

    public LiveAllocations(int initialCapacity) {
        int capacity = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        sizes = new long[capacity];
        nodes = new int[capacity];
        kinds = new byte[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    public int size() {
        return count;
    }

    /**
     * Records an allocation. If the address was already live (its free was never seen),
     * the old entry is replaced and its size returned; otherwise returns -1.
     */
    public long put(long address, long size, int node, byte kind) {
        int slot = slot(address);
        while (true) {
            long key = keys[slot];
            if (key == EMPTY) {
                keys[slot] = address;
                sizes[slot] = size;
                nodes[slot] = node;
                kinds[slot] = kind;
                if (++count * 2 > keys.length) {
                    grow();
                }
                return -1;
            }
            if (key == address) {
                long old = sizes[slot];
                sizes[slot] = size;
                nodes[slot] = node;
                kinds[slot] = kind;
                return old;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The slot holding {@code address}, or -1. */
    public int find(long address) {
        int slot = slot(address);
        while (true) {
            long key = keys[slot];
            if (key == address) {
                return slot;
            }
            if (key == EMPTY) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    public long sizeAt(int slot) {
        return sizes[slot];
    }

    public int nodeAt(int slot) {
        return nodes[slot];
    }

    public byte kindAt(int slot) {
        return kinds[slot];
    }

    /** Removes the entry in {@code slot} (from {@link #find}), closing the gap behind it. */
    public void removeAt(int slot) {
        count--;
        int hole = slot;
        int next = (hole + 1) & mask;
        while (keys[next] != EMPTY) {
            int home = slot(keys[next]);
            // Move the entry back into the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
            if (!stays) {
                keys[hole] = keys[next];
                sizes[hole] = sizes[next];
                nodes[hole] = nodes[next];
                kinds[hole] = kinds[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        keys[hole] = EMPTY;
    }

    /** Calls {@code visitor} for every live allocation (in no particular order). */
    public void forEach(Visitor visitor) {
        for (int slot = 0; slot < keys.length; slot++) {
            if (keys[slot] != EMPTY) {
                visitor.visit(keys[slot], sizes[slot], nodes[slot], kinds[slot]);
            }
        }
    }

    /** One live allocation. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long address, long size, int node, byte kind);
    }

    private int slot(long address) {
        // Fibonacci hashing: malloc addresses share low bits (alignment), so mix them up.
        return (int) ((address * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldSizes = sizes;
        int[] oldNodes = nodes;
        byte[] oldKinds = kinds;
        allocate(oldKeys.length * 2);
        count = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldSizes[i], oldNodes[i], oldKinds[i]);
            }
        }
    }
}
