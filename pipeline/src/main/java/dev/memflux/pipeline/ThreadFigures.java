package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The one engine for per-thread figures: the live view's per-thread tables, {@code check
 * --where thread:N} and {@code flamegraph --split-threads} all read this. An observer of
 * the same batches as the run's {@link Aggregator}, in the same pass (the Aggregator has no
 * thread dimension and is shared by every report).
 *
 * <p>Figures are kept per (thread, stack node) pair ({@link #pairs}, {@link #thread},
 * {@link #node}) in a {@link StackFigures} indexed by pair, so a pair has what a node has
 * in the Aggregator: live now, live at the heap's peak (the same moment as the
 * Aggregator's), allocated. Per thread it also keeps the most its own allocations held at
 * once, and what each of its pairs held at that moment ({@link #threadPeakBytesByPair}),
 * kept as the heap's peak is: each thread lists the pairs changed since its own last peak,
 * and a new peak of the thread copies only those. A free counts against the thread that
 * made the allocation, wherever it is freed, so each thread's figures sum to the merged ones.
 *
 * <p>It keeps its own live set (address → size and pair), so a run that asks for it holds
 * the live set twice: the price of exact per-thread figures. Sampled captures are counted
 * as recorded (no weighting). Runs on the thread that delivers the batches; not
 * thread-safe; nothing per event allocates (arrays grow by doubling).
 */
public final class ThreadFigures implements Consumer<EventBatch> {
    private static final int MMAP = AllocatorKind.MMAP.ordinal();
    private final LiveAllocations live = new LiveAllocations(1 << 16);
    private final LiveMappings mappings = new LiveMappings();
    private final LiveMappings.Released unmapped = this::unmapped;
    private final ThreadNodeIds pairs = new ThreadNodeIds();
    private final StackFigures byPair = new StackFigures(1024);
    private long heapBytes;
    private long peakBytes;
    /** By thread number (index 0: events before any THREAD record). */
    private int[] tids = new int[16];
    private long[] threadLive = new long[16];
    private long[] threadPeak = new long[16];
    private long[] threadBytes = new long[16];
    private long[] threadAllocations = new long[16];
    private int threads;
    private int current;
    /** By pair: bytes live when its thread's own allocations peaked; whether changed since. */
    private long[] atThreadPeak = new long[1024];
    private boolean[] changedSinceThreadPeak = new boolean[1024];
    /** By thread number: the pairs changed since the thread's last peak, each once. */
    private int[][] changedPairs = new int[16][];
    private int[] changedCount = new int[16];

    @Override
    public void accept(EventBatch batch) {
        for (int i = 0, n = batch.count; i < n; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                allocate(tag - RecordTag.ALLOC, batch.allocAddress(i), batch.allocSize(i), batch.allocNode(i));
            } else if (tag == RecordTag.FREE) {
                long size = live.remove(batch.freeAddress(i));
                if (size >= 0) {
                    freed(live.removedNode(), size);
                }
            } else if (tag == RecordTag.MUNMAP) {
                heapBytes -= mappings.release(batch.munmapAddress(i), batch.munmapLength(i), unmapped);
            } else if (tag == RecordTag.THREAD) {
                thread(batch.threadNumber(i), batch.threadTid(i));
            }
        }
    }

    private void allocate(int kind, long address, long size, int node) {
        int pair = pairs.id(current, node);
        byPair.allocated(pair, size, 1);
        touched(pair);
        threadBytes[current] += size;
        threadAllocations[current]++;
        if (kind == MMAP) {
            // A mapping over live mappings replaces them, as the kernel unmaps them first.
            heapBytes -= mappings.release(address, size, unmapped);
            mappings.add(address, size, pair);
        } else {
            long replaced = live.put(address, size, pair);
            if (replaced >= 0) {
                changed(live.removedNode(), -replaced, -1);
                heapBytes -= replaced;
            }
        }
        heapBytes += size;
        long held = threadLive[current] += size;
        if (held > threadPeak[current]) {
            threadPeak[current] = held;
            threadPeakReached(current);
        }
        if (heapBytes > peakBytes) {
            peakBytes = heapBytes;
            byPair.peakReached();
        }
    }

    private void unmapped(int pair, long bytes, int pieces) {
        if (pieces < 0) {
            freed(pair, bytes);
        } else {
            changed(pair, -bytes, pieces);
        }
    }

    private void freed(int pair, long bytes) {
        byPair.freed(pair, bytes, 1);
        threadLive[pairs.thread(pair)] -= bytes;
        touched(pair);
    }

    private void changed(int pair, long bytes, long count) {
        byPair.change(pair, bytes, count);
        threadLive[pairs.thread(pair)] += bytes;
        touched(pair);
    }

    /** The pair's live bytes changed: listed once for its thread's next peak to copy. */
    private void touched(int pair) {
        if (pair >= changedSinceThreadPeak.length) {
            int grown = Math.max(changedSinceThreadPeak.length * 2, pair + 1);
            changedSinceThreadPeak = Arrays.copyOf(changedSinceThreadPeak, grown);
            atThreadPeak = Arrays.copyOf(atThreadPeak, grown);
        }
        if (changedSinceThreadPeak[pair]) {
            return;
        }
        changedSinceThreadPeak[pair] = true;
        int thread = pairs.thread(pair);
        int[] list = changedPairs[thread];
        if (list == null || changedCount[thread] == list.length) {
            list = changedPairs[thread] = list == null ? new int[64] : Arrays.copyOf(list, list.length * 2);
        }
        list[changedCount[thread]++] = pair;
    }

    private void threadPeakReached(int thread) {
        int[] list = changedPairs[thread];
        for (int i = 0, n = changedCount[thread]; i < n; i++) {
            atThreadPeak[list[i]] = byPair.liveBytes(list[i]);
            changedSinceThreadPeak[list[i]] = false;
        }
        changedCount[thread] = 0;
    }

    private void thread(int number, int tid) {
        current = number;
        if (number >= tids.length) {
            int grown = Math.max(tids.length * 2, number + 1);
            tids = Arrays.copyOf(tids, grown);
            threadLive = Arrays.copyOf(threadLive, grown);
            threadPeak = Arrays.copyOf(threadPeak, grown);
            threadBytes = Arrays.copyOf(threadBytes, grown);
            threadAllocations = Arrays.copyOf(threadAllocations, grown);
            changedPairs = Arrays.copyOf(changedPairs, grown);
            changedCount = Arrays.copyOf(changedCount, grown);
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
        return number >= 0 && number < tids.length ? tids[number] : 0;
    }

    /** The most thread {@code number}'s own allocations held at once (0 for a thread never seen). */
    public long threadPeakBytes(int number) {
        return number >= 0 && number < tids.length ? threadPeak[number] : 0;
    }

    /** What thread {@code number}'s allocations hold now (at the end: what it leaked). */
    public long threadLiveBytes(int number) {
        return number >= 0 && number < tids.length ? threadLive[number] : 0;
    }

    /** Bytes thread {@code number} allocated over the run. */
    public long threadAllocatedBytes(int number) {
        return number >= 0 && number < tids.length ? threadBytes[number] : 0;
    }

    /** Allocations thread {@code number} made over the run. */
    public long threadAllocations(int number) {
        return number >= 0 && number < tids.length ? threadAllocations[number] : 0;
    }

    /** Pair ids run from 0 to {@code pairs() - 1}. */
    public int pairs() {
        return pairs.count();
    }

    /** memflux's number of the pair's thread (1: the thread that started tracking; 0: before any THREAD record). */
    public int thread(int pair) {
        return pairs.thread(pair);
    }

    /** The pair's stack node, in the Aggregator's stack table. */
    public int node(int pair) {
        return pairs.node(pair);
    }

    /** Bytes live at the heap's peak, indexed by pair. */
    public long[] peakBytesByPair() {
        return byPair(byPair::peakBytes);
    }

    /** Allocations live at the heap's peak, indexed by pair. */
    public long[] peakCountByPair() {
        return byPair(byPair::peakCount);
    }

    /** Bytes each pair held when its thread's own allocations peaked ({@link #threadPeakBytes}), indexed by pair. */
    public long[] threadPeakBytesByPair() {
        return byPair(pair -> pair < atThreadPeak.length ? atThreadPeak[pair] : 0);
    }

    /** Bytes allocated over the run, indexed by pair. */
    public long[] allocatedBytesByPair() {
        return byPair(byPair::bytes);
    }

    /** Allocations made over the run, indexed by pair. */
    public long[] allocationsByPair() {
        return byPair(byPair::allocations);
    }

    /** Bytes live now (at the end: leaked), indexed by pair. */
    public long[] liveBytesByPair() {
        return byPair(byPair::liveBytes);
    }

    /** Allocations live now, indexed by pair. */
    public long[] liveCountByPair() {
        return byPair(byPair::liveCount);
    }

    private long[] byPair(java.util.function.IntToLongFunction figure) {
        long[] out = new long[pairs()];
        Arrays.setAll(out, figure);
        return out;
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
        for (int pair = 0, n = pairs.count(); pair < n; pair++) {
            int thread = pairs.thread(pair);
            int node = pairs.node(pair);
            long b = byPair.liveBytes(pair);
            long c = byPair.liveCount(pair);
            if ((b == 0 && c == 0) || thread > threads || node < 0 || node >= nodes) {
                continue;
            }
            if (bytes[thread] == null) {
                bytes[thread] = new long[nodes];
                counts[thread] = new long[nodes];
            }
            bytes[thread][node] += b;
            counts[thread][node] += c;
            heap[thread] += b;
        }
        return new PerThread(bytes, counts, heap);
    }
}
