package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Temporary allocations, memray's definition: an allocation is temporary when at most
 * {@code threshold} other allocations happen on its thread before it is freed (0: freed
 * before its thread allocates anything else). Counted per stack node while the stream is
 * read, beside the {@link Aggregator} in the same pass.
 *
 * <p>Only an allocation that can still become temporary needs remembering: each thread
 * keeps a ring of its last {@code threshold + 1} allocations, and a free (or a munmap of a
 * whole mapping) found in its thread's ring counts that allocation. Memory is thus
 * threads × (threshold + 1) entries plus two longs per stack node, whatever the number of
 * events (memray kept every temporary allocation in a vector before it aggregated them).
 *
 * <p>Runs on the thread that reads the stream; not thread-safe. Nothing on the per-event
 * path allocates, except when a new thread or a new stack node grows the arrays.
 */
public final class TemporaryAllocations implements Consumer<EventBatch> {
    /**
     * Each thread's ring takes 21 bytes a slot: a million slots (21 MiB a thread) is far past
     * any useful "temporary", and keeps the rings' indexes within an int for 2,000 threads.
     */
    public static final int MAX_THRESHOLD = 1_000_000;
    private static final int MMAP = AllocatorKind.MMAP.ordinal();
    /** A ring slot whose allocation was freed or pushed out: no address matches it. */
    private static final long EMPTY = -1;
    /**
     * MUNMAP lengths are rounded up to whole pages, MMAP sizes are what was asked: a munmap
     * releases a remembered mapping whole when it starts there and covers it within one of
     * the largest page sizes Linux uses for anonymous memory (64 KiB, arm64).
     */
    private static final long PAGE_SLACK = 64 * 1024;

    private final int window;
    /** Ring of thread t: slots [t * window, (t + 1) * window); head[t] is where the next allocation goes. */
    private long[] address;
    private long[] size;
    private int[] node;
    private boolean[] mapping;
    private int[] head;
    private int thread;

    private long[] bytes = new long[1024];
    private long[] counts = new long[1024];
    private long temporaryAllocations;
    private long temporaryBytes;

    /** @param threshold how many other allocations may happen on the thread before the free (0 to {@link #MAX_THRESHOLD}) */
    public TemporaryAllocations(int threshold) {
        if (threshold < 0 || threshold > MAX_THRESHOLD) {
            throw new IllegalArgumentException("the threshold must be from 0 to " + MAX_THRESHOLD + ", not " + threshold);
        }
        window = threshold + 1;
        int threads = 1;
        address = new long[threads * window];
        Arrays.fill(address, EMPTY);
        size = new long[threads * window];
        node = new int[threads * window];
        mapping = new boolean[threads * window];
        head = new int[threads];
    }

    public int threshold() {
        return window - 1;
    }

    @Override
    public void accept(EventBatch batch) {
        final int n = batch.count;
        for (int i = 0; i < n; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                remember(batch.allocAddress(i), batch.allocSize(i), batch.allocNode(i), tag - RecordTag.ALLOC == MMAP);
            } else if (tag == RecordTag.FREE) {
                released(batch.freeAddress(i), 0, false);
            } else if (tag == RecordTag.MUNMAP) {
                released(batch.munmapAddress(i), batch.munmapLength(i), true);
            } else if (tag == RecordTag.THREAD) {
                thread = batch.threadNumber(i);
                if (thread >= head.length) {
                    growThreads(thread);
                }
            }
        }
    }

    private void remember(long at, long length, int stackNode, boolean mapped) {
        int base = thread * window;
        int slot = base + head[thread];
        address[slot] = at;
        size[slot] = length;
        node[slot] = stackNode;
        mapping[slot] = mapped;
        head[thread] = head[thread] + 1 == window ? 0 : head[thread] + 1;
    }

    /** Newest first, as memray searches: an address reused within the window matches its latest allocation. */
    private void released(long at, long length, boolean unmap) {
        int base = thread * window;
        int slot = head[thread];
        for (int k = 0; k < window; k++) {
            slot = slot == 0 ? window - 1 : slot - 1;
            int i = base + slot;
            if (address[i] != at || mapping[i] != unmap) {
                continue;
            }
            if (unmap && (length < size[i] || length >= size[i] + PAGE_SLACK)) {
                return; // part of a mapping: it lives on
            }
            count(node[i], size[i]);
            address[i] = EMPTY;
            return;
        }
    }

    private void count(int stackNode, long length) {
        if (stackNode >= bytes.length) {
            int grown = Math.max(bytes.length * 2, Integer.highestOneBit(stackNode) << 1);
            bytes = Arrays.copyOf(bytes, grown);
            counts = Arrays.copyOf(counts, grown);
        }
        bytes[stackNode] += length;
        counts[stackNode]++;
        temporaryAllocations++;
        temporaryBytes += length;
    }

    private void growThreads(int number) {
        long wanted = Math.max(head.length * 2L, number + 1L);
        if (wanted * window > Integer.MAX_VALUE - 8) {
            // As many threads as an array can ring (2,000 at the largest threshold): a capture with more is refused.
            throw new IllegalStateException("thread " + number + "'s allocations do not fit in the temporary-allocation"
                    + " rings (threshold " + threshold() + "): use a smaller --temporary-allocation-threshold");
        }
        int threads = (int) wanted;
        int from = address.length;
        address = Arrays.copyOf(address, threads * window);
        Arrays.fill(address, from, address.length, EMPTY);
        size = Arrays.copyOf(size, threads * window);
        node = Arrays.copyOf(node, threads * window);
        mapping = Arrays.copyOf(mapping, threads * window);
        head = Arrays.copyOf(head, threads);
    }

    /** Bytes of temporary allocations made at each node, indexed by node (at least {@code nodes} long). */
    public long[] bytesByNode(int nodes) {
        return Arrays.copyOf(bytes, Math.max(nodes, bytes.length));
    }

    /** Temporary allocations made at each node, indexed by node (at least {@code nodes} long). */
    public long[] countsByNode(int nodes) {
        return Arrays.copyOf(counts, Math.max(nodes, counts.length));
    }

    public long allocations() {
        return temporaryAllocations;
    }

    public long bytes() {
        return temporaryBytes;
    }
}
