package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * Figures per (Python stack node, native stack node) pair of a {@code --native} capture,
 * for reports whose rows are the innermost frame of either kind ({@code check}, {@code
 * diff}). The {@link Aggregator} keeps figures per Python node and, per native node, only
 * what was allocated (plus one native stack seen at each Python node), which cannot say
 * what a C function held at the peak or left live when one Python line reaches several
 * native allocation sites. Allocations without a native stack are pair (node, 0).
 *
 * <p>An observer of the same batches as the Aggregator, in the same pass, with its own live
 * set (address → size and pair): the price of exact per-site figures, paid only by the
 * reports that ask for them. Its peak is the same moment as the Aggregator's (the same
 * heap, weighted the same way in a sampled capture). An aggregated capture carries no
 * allocation records, so it leaves {@link #hasNativeStacks()} false. Runs on the thread
 * that delivers the batches; not thread-safe; nothing per event allocates.
 */
public final class NativeFigures implements java.util.function.Consumer<EventBatch> {
    private static final int MMAP = AllocatorKind.MMAP.ordinal();
    private final LiveAllocations live = new LiveAllocations(1 << 16);
    private final LiveMappings mappings = new LiveMappings();
    private final LiveMappings.Released unmapped = this::unmapped;
    /** Keyed (native node, Python node): the id map's first half holds the native node. */
    private final ThreadNodeIds pairs = new ThreadNodeIds();
    private final StackFigures byPair = new StackFigures(1024);
    private long heapBytes;
    private long peakBytes;
    private long sampleMeanBytes;
    private boolean nativeSeen;

    @Override
    public void accept(EventBatch batch) {
        for (int i = 0, n = batch.count; i < n; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                allocate(tag - RecordTag.ALLOC, batch.allocAddress(i), batch.allocSize(i), batch.allocNode(i),
                        batch.allocNativeNode(i));
            } else if (tag == RecordTag.FREE) {
                long size = live.remove(batch.freeAddress(i));
                if (size >= 0) {
                    long bytes = weightedBytes(size);
                    heapBytes -= bytes;
                    byPair.freed(live.removedNode(), bytes, weightedCount(size));
                }
            } else if (tag == RecordTag.MUNMAP) {
                heapBytes -= mappings.release(batch.munmapAddress(i), batch.munmapLength(i), unmapped);
            } else if (tag == RecordTag.SAMPLING) {
                sampleMeanBytes = batch.samplingMeanBytes(i);
            }
        }
    }

    private void allocate(int kind, long address, long size, int node, int nativeNode) {
        nativeSeen |= nativeNode != 0;
        int pair = pairs.id(nativeNode, node);
        if (kind == MMAP) {
            byPair.allocated(pair, size, 1);
            // A mapping over live mappings replaces them, as the kernel unmaps them first.
            heapBytes -= mappings.release(address, size, unmapped);
            mappings.add(address, size, pair);
            heapBytes += size;
        } else {
            long bytes = weightedBytes(size);
            byPair.allocated(pair, bytes, weightedCount(size));
            long replaced = live.put(address, size, pair);
            heapBytes += bytes;
            if (replaced >= 0) {
                long replacedBytes = weightedBytes(replaced);
                heapBytes -= replacedBytes;
                byPair.change(live.removedNode(), -replacedBytes, -weightedCount(replaced));
            }
        }
        if (heapBytes > peakBytes) {
            peakBytes = heapBytes;
            byPair.peakReached();
        }
    }

    private void unmapped(int pair, long bytes, int pieces) {
        if (pieces < 0) {
            byPair.freed(pair, bytes, 1);
        } else {
            byPair.change(pair, -bytes, pieces);
        }
    }

    private long weightedBytes(long size) {
        return sampleMeanBytes == 0 ? size : SampledWeight.bytes(size, sampleMeanBytes);
    }

    private long weightedCount(long size) {
        return sampleMeanBytes == 0 ? 1 : SampledWeight.count(size, sampleMeanBytes);
    }

    /** True when some allocation had a native stack: the capture was made with {@code --native}. */
    public boolean hasNativeStacks() {
        return nativeSeen;
    }

    /** Pair ids run from 0 to {@code pairs() - 1}. */
    public int pairs() {
        return pairs.count();
    }

    /** The pair's Python stack node, in the Aggregator's stack table. */
    public int node(int pair) {
        return pairs.node(pair);
    }

    /** The pair's native stack node (0: the allocation had none). */
    public int nativeNode(int pair) {
        return pairs.thread(pair);
    }

    /** Bytes live at the heap's peak, indexed by pair. */
    public long[] peakBytesByPair() {
        return byPair(byPair::peakBytes);
    }

    /** Bytes live now (at the end: leaked), indexed by pair. */
    public long[] liveBytesByPair() {
        return byPair(byPair::liveBytes);
    }

    /** Bytes allocated over the run, indexed by pair. */
    public long[] allocatedBytesByPair() {
        return byPair(byPair::bytes);
    }

    /** Allocations made over the run, indexed by pair. */
    public long[] allocationsByPair() {
        return byPair(byPair::allocations);
    }

    private long[] byPair(IntToLongFunction figure) {
        long[] out = new long[pairs()];
        Arrays.setAll(out, figure);
        return out;
    }
}
