package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;

/**
 * The one engine for per-thread figures: the live view's per-thread tables, {@code check
 * --where thread:N} and {@code flamegraph --split-threads} all read this. An observer of
 * the same batches as the run's {@link Aggregator}, in the same pass (the Aggregator has no
 * thread dimension and is shared by every report).
 *
 * <p>Figures are kept per (thread, stack node) pair ({@link #pairs}, {@link #thread},
 * {@link #node}) by {@link PairFigures}, so a pair has what a node has in the Aggregator:
 * live now, live at the heap's peak (the same moment as the Aggregator's), allocated. Per
 * thread it also keeps the most its own allocations held at once, and what each of its
 * pairs held at that moment ({@link #threadPeakBytesByPair}), kept as the heap's peak is:
 * each thread lists the pairs changed since its own last peak, and a new peak of the
 * thread copies only those. A free counts against the thread that made the allocation,
 * wherever it is freed, so each thread's figures sum to the merged ones.
 *
 * <p>A run that asks for it holds the live set twice (see {@link PairFigures}): the price
 * of exact per-thread figures. Sampled captures are counted as recorded (no weighting).
 */
public final class ThreadFigures extends PairFigures {
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
    int pairOf(EventBatch batch, int i) {
        return pair(current, batch.allocNode(i));
    }

    @Override
    void other(EventBatch batch, int i, byte tag) {
        if (tag == RecordTag.THREAD) {
            thread(batch.threadNumber(i), batch.threadTid(i));
        }
    }

    @Override
    void allocated(int pair, long size) {
        threadBytes[current] += size;
        threadAllocations[current]++;
        if (threadLive[current] > threadPeak[current]) {
            threadPeak[current] = threadLive[current];
            threadPeakReached(current);
        }
    }

    /** A free counts against the thread that allocated, wherever it ran; listed for that thread's next peak. */
    @Override
    void liveChanged(int pair, long bytes) {
        int thread = first(pair);
        threadLive[thread] += bytes;
        if (pair >= changedSinceThreadPeak.length) {
            int grown = Math.max(changedSinceThreadPeak.length * 2, pair + 1);
            changedSinceThreadPeak = Arrays.copyOf(changedSinceThreadPeak, grown);
            atThreadPeak = Arrays.copyOf(atThreadPeak, grown);
        }
        if (changedSinceThreadPeak[pair]) {
            return;
        }
        changedSinceThreadPeak[pair] = true;
        int[] list = changedPairs[thread];
        if (list == null || changedCount[thread] == list.length) {
            list = changedPairs[thread] = list == null ? new int[64] : Arrays.copyOf(list, list.length * 2);
        }
        list[changedCount[thread]++] = pair;
    }

    private void threadPeakReached(int thread) {
        int[] list = changedPairs[thread];
        for (int i = 0, n = changedCount[thread]; i < n; i++) {
            atThreadPeak[list[i]] = liveBytes(list[i]);
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

    /** memflux's number of the pair's thread (1: the thread that started tracking; 0: before any THREAD record). */
    public int thread(int pair) {
        return first(pair);
    }

    /** Bytes each pair held when its thread's own allocations peaked ({@link #threadPeakBytes}), indexed by pair. */
    public long[] threadPeakBytesByPair() {
        return byPair(pair -> pair < atThreadPeak.length ? atThreadPeak[pair] : 0);
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
        for (int pair = 0, n = pairs(); pair < n; pair++) {
            int thread = first(pair);
            int node = node(pair);
            long b = liveBytes(pair);
            long c = liveCount(pair);
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
