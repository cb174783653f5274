package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * What each thread has live now, per stack node: the live view's per-thread tables. An
 * observer of the same batches as the run's {@link Aggregator}, in the same pass (the
 * Aggregator has no thread dimension and is shared by every report). A free counts
 * against the thread that made the allocation, wherever it is freed, so each thread's
 * figures sum to the merged ones.
 *
 * <p>It keeps its own copy of the live set (address → size and a (thread, node) id), so
 * a live run holds the live set twice: the price of exact per-thread figures. Runs on the
 * pipeline thread; not thread-safe; nothing per event allocates (arrays grow by doubling).
 */
public final class ThreadFigures implements Consumer<EventBatch> {
    private static final int MMAP = AllocatorKind.MMAP.ordinal();
    private final LiveAllocations live = new LiveAllocations(1 << 16);
    private final LiveMappings mappings = new LiveMappings();
    private final LiveMappings.Released unmapped = this::unmapped;
    private final ThreadNodeIds pairs = new ThreadNodeIds();
    private long[] liveBytes = new long[1024];
    private long[] liveCount = new long[1024];
    /** Kernel tid by thread number (index 0: events before any THREAD record). */
    private int[] tids = new int[16];
    private int threads;
    private int current;

    @Override
    public void accept(EventBatch batch) {
        for (int i = 0, n = batch.count; i < n; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                allocate(tag - RecordTag.ALLOC, batch.allocAddress(i), batch.allocSize(i), batch.allocNode(i));
            } else if (tag == RecordTag.FREE) {
                long size = live.remove(batch.freeAddress(i));
                if (size >= 0) {
                    add(live.removedNode(), -size, -1);
                }
            } else if (tag == RecordTag.MUNMAP) {
                mappings.release(batch.munmapAddress(i), batch.munmapLength(i), unmapped);
            } else if (tag == RecordTag.THREAD) {
                thread(batch.threadNumber(i), batch.threadTid(i));
            }
        }
    }

    private void allocate(int kind, long address, long size, int node) {
        int pair = pairs.id(current, node);
        if (kind == MMAP) {
            mappings.release(address, size, unmapped);
            mappings.add(address, size, pair);
        } else {
            long replaced = live.put(address, size, pair);
            if (replaced >= 0) {
                add(live.removedNode(), -replaced, -1);
            }
        }
        add(pair, size, 1);
    }

    private void unmapped(int pair, long bytes, int pieces) {
        add(pair, -bytes, pieces < 0 ? -1 : pieces);
    }

    private void add(int pair, long bytes, long count) {
        if (pair >= liveBytes.length) {
            int grown = Math.max(liveBytes.length * 2, pair + 1);
            liveBytes = Arrays.copyOf(liveBytes, grown);
            liveCount = Arrays.copyOf(liveCount, grown);
        }
        liveBytes[pair] += bytes;
        liveCount[pair] += count;
    }

    private void thread(int number, int tid) {
        current = number;
        if (number >= tids.length) {
            tids = Arrays.copyOf(tids, Math.max(tids.length * 2, number + 1));
        }
        tids[number] = tid;
        threads = Math.max(threads, number);
    }

    /** The highest thread number seen (threads are numbered 1, 2, ... in order of appearance). */
    public int threadCount() {
        return threads;
    }

    /** The kernel's tid of thread {@code number}, or 0 if unknown. */
    public int tid(int number) {
        return number < tids.length ? tids[number] : 0;
    }

    /** Every thread's live figures per stack node, made in one sweep over the (thread, node) pairs. */
    public record PerThread(long[][] bytes, long[][] counts, long[] heapBytes) {}

    /**
     * Index t of each array: thread t's figures (per node, {@code nodes} long), or null
     * where thread t has nothing live: a snapshot of many threads costs one pass over the
     * pairs plus one array per thread that holds memory.
     */
    public PerThread perThread(int nodes) {
        long[][] bytes = new long[threads + 1][];
        long[][] counts = new long[threads + 1][];
        long[] heap = new long[threads + 1];
        for (int pair = 0, n = Math.min(pairs.count(), liveBytes.length); pair < n; pair++) {
            int thread = pairs.thread(pair);
            int node = pairs.node(pair);
            if ((liveBytes[pair] == 0 && liveCount[pair] == 0) || thread > threads || node < 0 || node >= nodes) {
                continue;
            }
            if (bytes[thread] == null) {
                bytes[thread] = new long[nodes];
                counts[thread] = new long[nodes];
            }
            bytes[thread][node] += liveBytes[pair];
            counts[thread][node] += liveCount[pair];
            heap[thread] += liveBytes[pair];
        }
        return new PerThread(bytes, counts, heap);
    }
}
