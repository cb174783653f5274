package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntToLongFunction;

/**
 * The engine of the observers that split the {@link Aggregator}'s per-node figures one
 * dimension further ({@link ThreadFigures}: by thread; {@link NativeFigures}: by native
 * stack): each allocation belongs to a pair (that dimension, the Python stack node), and a
 * {@link StackFigures} indexed by pair gives a pair what a node has in the Aggregator: live
 * now, live at the heap's peak (the same moment as the Aggregator's), allocated.
 *
 * <p>It keeps its own live set (address → size and pair), so a pass that asks for one
 * holds the live set twice: the price of exact figures per pair. A subclass names each
 * allocation's pair and hears of every change to a pair's live bytes. Runs on the thread
 * that delivers the batches; not thread-safe; nothing per event allocates (arrays grow by
 * doubling).
 */
public abstract class PairFigures implements Consumer<EventBatch> {
    private static final int MMAP = AllocatorKind.MMAP.ordinal();
    private final LiveAllocations live = new LiveAllocations(1 << 16);
    private final LiveMappings mappings = new LiveMappings();
    private final LiveMappings.Released unmapped = this::unmapped;
    private final ThreadNodeIds ids = new ThreadNodeIds();
    private final StackFigures byPair = new StackFigures(1024);
    private long heapBytes;
    private long peakBytes;
    /** --sample-rate, for a subclass that weights as the Aggregator does; 0: each allocation as recorded. */
    private long sampleMeanBytes;

    PairFigures() {}

    @Override
    public final void accept(EventBatch batch) {
        for (int i = 0, n = batch.count; i < n; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                allocate(tag - RecordTag.ALLOC, batch.allocAddress(i), batch.allocSize(i), pairOf(batch, i));
            } else if (tag == RecordTag.FREE) {
                long size = live.remove(batch.freeAddress(i));
                if (size >= 0) {
                    int pair = live.removedNode();
                    long bytes = weightedBytes(size);
                    heapBytes -= bytes;
                    byPair.freed(pair, bytes, weightedCount(size));
                    liveChanged(pair, -bytes);
                }
            } else if (tag == RecordTag.MUNMAP) {
                heapBytes -= mappings.release(batch.munmapAddress(i), batch.munmapLength(i), unmapped);
            } else {
                other(batch, i, tag);
            }
        }
    }

    /** The pair of allocation record {@code i} (made with {@link #pair}). */
    abstract int pairOf(EventBatch batch, int i);

    /** Record {@code i} is neither an allocation nor a free nor a munmap. */
    abstract void other(EventBatch batch, int i, byte tag);

    /** {@code pair}'s live bytes changed by {@code bytes}. */
    void liveChanged(int pair, long bytes) {}

    /** An allocation at {@code pair} of {@code size} bytes was counted, with every change it made. */
    void allocated(int pair, long size) {}

    private void allocate(int kind, long address, long size, int pair) {
        if (kind == MMAP) {
            byPair.allocated(pair, size, 1);
            // A mapping over live mappings replaces them, as the kernel unmaps them first.
            heapBytes -= mappings.release(address, size, unmapped);
            mappings.add(address, size, pair);
            heapBytes += size;
            liveChanged(pair, size);
        } else {
            long bytes = weightedBytes(size);
            byPair.allocated(pair, bytes, weightedCount(size));
            long replaced = live.put(address, size, pair);
            int previous = live.removedNode();
            heapBytes += bytes;
            liveChanged(pair, bytes);
            if (replaced >= 0) {
                long replacedBytes = weightedBytes(replaced);
                heapBytes -= replacedBytes;
                byPair.change(previous, -replacedBytes, -weightedCount(replaced));
                liveChanged(previous, -replacedBytes);
            }
        }
        if (heapBytes > peakBytes) {
            peakBytes = heapBytes;
            byPair.peakReached();
        }
        allocated(pair, size);
    }

    /** A mapping lost bytes to a munmap; one that lost its last piece counts as freed. */
    private void unmapped(int pair, long bytes, int pieces) {
        if (pieces < 0) {
            byPair.freed(pair, bytes, 1);
        } else {
            byPair.change(pair, -bytes, pieces);
        }
        liveChanged(pair, -bytes);
    }

    /** From now on a kept allocation stands for what the Aggregator counts it as (a SAMPLING record). */
    final void weighBy(long meanBytes) {
        sampleMeanBytes = meanBytes;
    }

    private long weightedBytes(long size) {
        return sampleMeanBytes == 0 ? size : SampledWeight.bytes(size, sampleMeanBytes);
    }

    private long weightedCount(long size) {
        return sampleMeanBytes == 0 ? 1 : SampledWeight.count(size, sampleMeanBytes);
    }

    /** The id of pair ({@code first}, {@code node}), made on first sight. */
    final int pair(int first, int node) {
        return ids.id(first, node);
    }

    /** The pair's first half: what the subclass splits nodes by. */
    final int first(int pair) {
        return ids.thread(pair);
    }

    final long liveBytes(int pair) {
        return byPair.liveBytes(pair);
    }

    final long liveCount(int pair) {
        return byPair.liveCount(pair);
    }

    /** Pair ids run from 0 to {@code pairs() - 1}. */
    public final int pairs() {
        return ids.count();
    }

    /** The pair's stack node, in the Aggregator's stack table. */
    public final int node(int pair) {
        return ids.node(pair);
    }

    /** Bytes live at the heap's peak, indexed by pair. */
    public final long[] peakBytesByPair() {
        return byPair(byPair::peakBytes);
    }

    /** Allocations live at the heap's peak, indexed by pair. */
    public final long[] peakCountByPair() {
        return byPair(byPair::peakCount);
    }

    /** Bytes live now (at the end: leaked), indexed by pair. */
    public final long[] liveBytesByPair() {
        return byPair(byPair::liveBytes);
    }

    /** Allocations live now, indexed by pair. */
    public final long[] liveCountByPair() {
        return byPair(byPair::liveCount);
    }

    /** Bytes allocated over the run, indexed by pair. */
    public final long[] allocatedBytesByPair() {
        return byPair(byPair::bytes);
    }

    /** Allocations made over the run, indexed by pair. */
    public final long[] allocationsByPair() {
        return byPair(byPair::allocations);
    }

    final long[] byPair(IntToLongFunction figure) {
        long[] out = new long[pairs()];
        Arrays.setAll(out, figure);
        return out;
    }
}
