package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The one aggregation engine: every number memflux reports (totals, the heap's
 * high-water mark and when it happened, what is still allocated, per-location counts)
 * is computed here, for {@code run}, for the live view and for every report alike.
 *
 * <p>The heap is the sum of the sizes of live allocations (the malloc family and mmap).
 * A munmap releases exactly the tracked bytes its range covers; a mapping it splits
 * lives on as its pieces, each counted as a live allocation, and counts as freed when
 * its last byte is unmapped.
 * What was allocated where at the peak comes from the same single pass: every change to
 * the live set (an allocation, a free, each mapping piece a munmap cuts) updates its
 * node's figures in a {@link StackFigures}, which copies the nodes changed since the last
 * peak whenever the heap passes it. A stream read once (the run's) has them too.
 *
 * <p>Runs on the pipeline thread; not thread-safe. Nothing on the per-event path allocates
 * (the per-node arrays grow by doubling, as NODE records arrive).
 *
 * <p>{@link #totalsOnly()} keeps only what the file's TRAILER and {@code run}'s closing line
 * state (counts, bytes, the heap, its peak and when): a {@code run} that only writes a file
 * has no reader of per-node figures, the size histogram or the per-allocator counts (the
 * reports compute those from the file): skipping them, and counting the usual records in
 * one loop ({@link #countTotals}), took a third of the pipeline thread's CPU
 * (benchmarks/RESULTS.md, "Per-event cost: the JVM's share").
 */
public final class Aggregator implements Consumer<EventBatch> {
    private static final int MMAP = AllocatorKind.MMAP.ordinal();
    /** False for {@link #totalsOnly()}: per-node, per-allocator and size figures stay zero. */
    private final boolean detailed;
    private final StackTable stacks = new StackTable();
    private final LiveAllocations live = new LiveAllocations(1 << 16);
    private final LiveMappings mappings = new LiveMappings();
    private final LiveMappings.Released unmapped = this::unmapped;
    private StackFigures byStack = new StackFigures(1024);
    private final long[] allocationsByKind = new long[AllocatorKind.COUNT];
    private final long[] bytesByKind = new long[AllocatorKind.COUNT];
    /** Bucket b counts sizes in [2^(b-1), 2^b); bucket 0 counts size 0. */
    private final long[] sizeHistogram = new long[65];
    /** --native: a native stack seen at each Python node, and counts by native node. */
    private int[] nodeNative = new int[1024];
    private long[] nativeAllocations = new long[1024];
    private long[] nativeBytes = new long[1024];

    private long records;
    private long allocations;
    private long frees;
    private long unmatchedFrees;
    private long bytesAllocated;
    private long heapBytes;
    private long peakBytes;
    private long peakMillis;
    private long clockMillis;
    private long rssBytes;
    private long peakRssBytes;
    private boolean ended;
    /** --sample-rate: 0 when every allocation was recorded, else the mean bytes between kept ones. */
    private long sampleMeanBytes;
    /** The estimate of the allocation {@link #allocate} counted last, for its native stack. */
    private long lastCount;
    private long lastBytes;
    /**
     * Live allocations the live set does not hold as entries: a sampled capture's entries
     * stand for more allocations each, and a {@link #restore}d aggregator has no entries.
     */
    private long uncountedLive;
    private boolean abandoned;
    private String execPath;

    /** Every figure: for reports, the live view and aggregated captures. */
    public Aggregator() {
        this(true);
    }

    private Aggregator(boolean detailed) {
        this.detailed = detailed;
    }

    /**
     * An aggregator of the run's totals only (what {@link RunPipeline#trailerOf} and the run's
     * closing line read); every per-node figure, {@link #sizeHistogram()} and the per-allocator
     * counts stay zero. The totals are the same as a full aggregator's.
     */
    public static Aggregator totalsOnly() {
        return new Aggregator(false);
    }

    /** False for a {@link #totalsOnly()} aggregator: its per-node figures are not kept. */
    public boolean detailed() {
        return detailed;
    }

    @Override
    public void accept(EventBatch batch) {
        final int n = batch.count;
        if (abandoned) {
            skim(batch, n);
            return;
        }
        int i = detailed || sampleMeanBytes != 0 ? 0 : countTotals(batch, n);
        for (; i < n; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                allocate(tag, batch.allocAddress(i), batch.allocSize(i), batch.allocNode(i));
                int nativeNode = batch.allocNativeNode(i);
                if (nativeNode != 0 && detailed) {
                    countNative(batch.allocNode(i), nativeNode);
                }
            } else if (tag == RecordTag.FREE) {
                release(batch.freeAddress(i));
            } else {
                other(batch, i, tag);
            }
        }
        records += n;
    }

    /**
     * A totals-only aggregator's usual records in one loop, with no call per event but the
     * live set's: under C1 (the run's JIT) each call costs about as much as the work it does.
     * The same figures as {@link #allocate} and {@link #release} for an exact capture's
     * malloc-family records; everything else goes to them. Returns where the general loop
     * takes over: the end, or the record after a SAMPLING (estimates need the general path).
     */
    private int countTotals(EventBatch batch, int n) {
        for (int i = 0; i < n; i++) {
            byte tag = batch.tag(i);
            if (tag == RecordTag.FREE) {
                long size = live.remove(batch.freeAddress(i));
                if (size < 0) {
                    unmatchedFrees++;
                } else {
                    frees++;
                    heapBytes -= size;
                }
            } else if (RecordTag.isAlloc(tag) && tag != RecordTag.ALLOC + MMAP) {
                long size = batch.allocSize(i);
                allocations++;
                bytesAllocated += size;
                long replaced = live.put(batch.allocAddress(i), size, batch.allocNode(i));
                heapBytes += replaced < 0 ? size : size - replaced;
                if (heapBytes > peakBytes) {
                    peakBytes = heapBytes;
                    peakMillis = clockMillis;
                }
            } else if (RecordTag.isAlloc(tag)) {
                allocate(tag, batch.allocAddress(i), batch.allocSize(i), batch.allocNode(i));
            } else {
                other(batch, i, tag);
                if (sampleMeanBytes != 0) {
                    return i + 1;
                }
            }
        }
        return n;
    }

    private void skim(EventBatch batch, int n) {
        for (int i = 0; i < n; i++) {
            ended |= batch.tag(i) == RecordTag.END;
        }
        records += n;
    }

    /**
     * Gives up aggregating (the run pipeline does this when it ran out of memory): drops the
     * live set, and from now on only counts records and notices END. The totals are then
     * meaningless; {@link #available()} says so.
     */
    public void abandon() {
        abandoned = true;
        live.clear();
        uncountedLive = 0;
        mappings.clear();
        byStack = new StackFigures(16);
    }

    /** False once {@link #abandon()}ed: the totals are not to be used. */
    public boolean available() {
        return !abandoned;
    }

    private void allocate(byte tag, long address, long size, int node) {
        int kind = tag - RecordTag.ALLOC;
        long count = 1;
        long bytes = size;
        if (sampleMeanBytes != 0 && kind != MMAP) {
            count = SampledWeight.count(size, sampleMeanBytes);
            bytes = SampledWeight.bytes(size, sampleMeanBytes);
        }
        lastCount = count;
        lastBytes = bytes;
        allocations += count;
        bytesAllocated += bytes;
        if (detailed) {
            allocationsByKind[kind] += count;
            bytesByKind[kind] += bytes;
            sizeHistogram[64 - Long.numberOfLeadingZeros(size)] += count;
            byStack.allocated(node, bytes, count);
        }
        if (kind == MMAP) {
            // Mapping over live mappings replaces them (MAP_FIXED, MREMAP_FIXED): the kernel unmaps them first.
            heapBytes -= mappings.release(address, size, unmapped);
            mappings.add(address, size, node);
            heapBytes += size;
        } else {
            long replaced = live.put(address, size, node);
            uncountedLive += count - 1;
            if (replaced < 0) {
                heapBytes += bytes;
            } else {
                long replacedBytes = estimatedBytes(replaced);
                long replacedCount = estimatedCount(replaced);
                uncountedLive -= replacedCount - 1;
                heapBytes += bytes - replacedBytes;
                if (detailed) {
                    byStack.change(live.removedNode(), -replacedBytes, -replacedCount);
                }
            }
        }
        if (heapBytes > peakBytes) {
            peakBytes = heapBytes;
            peakMillis = clockMillis;
            if (detailed) {
                byStack.peakReached();
            }
        }
    }

    /** A kept allocation of a sampled capture stands for this many bytes (its own size when exact). */
    private long estimatedBytes(long size) {
        return sampleMeanBytes == 0 ? size : SampledWeight.bytes(size, sampleMeanBytes);
    }

    /** ... and for this many allocations. */
    private long estimatedCount(long size) {
        return sampleMeanBytes == 0 ? 1 : SampledWeight.count(size, sampleMeanBytes);
    }

    /** The allocation just counted (by {@link #allocate}): on its native stack too. */
    private void countNative(int node, int nativeNode) {
        if (nativeNode >= nativeAllocations.length) {
            int grown = Math.max(nativeAllocations.length * 2, Integer.highestOneBit(nativeNode) << 1);
            nativeAllocations = Arrays.copyOf(nativeAllocations, grown);
            nativeBytes = Arrays.copyOf(nativeBytes, grown);
        }
        nativeAllocations[nativeNode] += lastCount;
        nativeBytes[nativeNode] += lastBytes;
        if (node >= nodeNative.length) {
            nodeNative = Arrays.copyOf(nodeNative, Math.max(nodeNative.length * 2, Integer.highestOneBit(node) << 1));
        }
        if (nodeNative[node] == 0) {
            nodeNative[node] = nativeNode;
        }
    }

    private void release(long address) {
        long size = live.remove(address);
        if (size < 0) {
            unmatchedFrees++; // allocated before tracking started
        } else {
            int node = live.removedNode();
            long bytes = estimatedBytes(size);
            long count = estimatedCount(size);
            uncountedLive -= count - 1;
            frees += count;
            heapBytes -= bytes;
            if (detailed) {
                byStack.freed(node, bytes, count);
            }
        }
    }

    private void unmap(long address, long length) {
        long released = mappings.release(address, length, unmapped);
        if (released == 0) {
            unmatchedFrees++; // mapped before tracking started, or not mapped at all
        }
        heapBytes -= released;
    }

    /**
     * A mapping lost bytes to a munmap; one that lost its last byte counts as freed. Each
     * piece counts as a live allocation, so a split adds one.
     */
    private void unmapped(int node, long bytes, int pieces) {
        if (pieces < 0) {
            frees++;
        }
        if (!detailed) {
            return;
        }
        if (pieces < 0) {
            byStack.freed(node, bytes, 1); // the last piece: one allocation fewer, as its count says
        } else {
            byStack.change(node, -bytes, pieces);
        }
    }

    private void other(EventBatch batch, int i, byte tag) {
        switch (tag) {
            case RecordTag.NODE, RecordTag.FRAME, RecordTag.NATIVE_NODE, RecordTag.SYMBOL -> stacks.accept(batch, i);
            case RecordTag.MUNMAP -> unmap(batch.munmapAddress(i), batch.munmapLength(i));
            case RecordTag.TIME -> clockMillis += batch.timeDelta(i);
            case RecordTag.MEMORY -> {
                rssBytes = batch.memoryRss(i);
                peakRssBytes = Math.max(peakRssBytes, rssBytes);
            }
            case RecordTag.END -> ended = true;
            case RecordTag.SAMPLING -> sampleMeanBytes = batch.samplingMeanBytes(i);
            case RecordTag.EXEC -> execPath = batch.execError(i) == 0 ? batch.execPath(i) : null;
            default -> { } // THREAD: not aggregated yet
        }
    }

    /** Per-node bytes live right now (at the end of the stream: what tracking left allocated). */
    public long[] liveBytesByNode() {
        long[] bytes = new long[nodeLimit()];
        for (int node = 0; node < bytes.length; node++) {
            bytes[node] = byStack.liveBytes(node);
        }
        return bytes;
    }

    /** Per-node live allocation counts right now (each mapping piece counts as one). */
    public long[] liveCountByNode() {
        long[] counts = new long[nodeLimit()];
        for (int node = 0; node < counts.length; node++) {
            counts[node] = byStack.liveCount(node);
        }
        return counts;
    }

    /** Per-node bytes live when the heap reached its peak (all zero if nothing was allocated). */
    public long[] peakBytesByNode() {
        long[] bytes = new long[nodeLimit()];
        for (int node = 0; node < bytes.length; node++) {
            bytes[node] = byStack.peakBytes(node);
        }
        return bytes;
    }

    /** Per-node live allocation counts when the heap reached its peak. */
    public long[] peakCountByNode() {
        long[] counts = new long[nodeLimit()];
        for (int node = 0; node < counts.length; node++) {
            counts[node] = byStack.peakCount(node);
        }
        return counts;
    }

    /** Bytes live at {@code node} now; no copy, for a feed that samples a few nodes. */
    public long nodeLiveBytes(int node) {
        return byStack.liveBytes(node);
    }

    /** Bytes live at {@code node} when the heap reached its peak. */
    public long nodePeakBytes(int node) {
        return byStack.peakBytes(node);
    }

    private int nodeLimit() {
        return Math.max(stacks.nodeCount(), byStack.nodeLimit());
    }

    public StackTable stacks() {
        return stacks;
    }

    public long records() {
        return records;
    }


    public long allocations() {
        return allocations;
    }

    /** Frees of allocations this capture saw made, and mappings it saw unmapped to their last byte. */
    public long frees() {
        return frees;
    }

    /** Frees of addresses never seen allocated (allocated before tracking started). */
    public long unmatchedFrees() {
        return unmatchedFrees;
    }

    public long bytesAllocated() {
        return bytesAllocated;
    }

    /** Bytes live now; at the end of a stream, the bytes still allocated when tracking stopped. */
    public long heapBytes() {
        return heapBytes;
    }

    public long liveAllocations() {
        return live.size() + mappings.size() + uncountedLive;
    }

    public long peakBytes() {
        return peakBytes;
    }

    /** When the peak was reached, in ms since tracking started. */
    public long peakMillis() {
        return peakMillis;
    }


    public long clockMillis() {
        return clockMillis;
    }

    /** The resident set size last sampled (a MEMORY record), 0 before the first. */
    public long rssBytes() {
        return rssBytes;
    }

    public long peakRssBytes() {
        return peakRssBytes;
    }

    /**
     * 0 for an exact capture; else the capture is a sample (--sample-rate) of one allocation per
     * this many bytes on average, and every figure of the malloc family is an estimate.
     */
    public long sampleMeanBytes() {
        return sampleMeanBytes;
    }

    public boolean ended() {
        return ended;
    }

    /**
     * What the program was about to exec when the stream ended without END (tracking ended
     * there, nothing was lost); null when it did not exec, or its exec failed.
     */
    public String execedPath() {
        return ended ? null : execPath;
    }

    public long allocationsBy(AllocatorKind kind) {
        return allocationsByKind[kind.ordinal()];
    }

    public long bytesBy(AllocatorKind kind) {
        return bytesByKind[kind.ordinal()];
    }

    /** Counts of allocations by size bucket: bucket b holds sizes in [2^(b-1), 2^b). */
    public long[] sizeHistogram() {
        return sizeHistogram.clone();
    }

    /** Allocations made at each node over the whole capture. */
    public long nodeAllocations(int node) {
        return byStack.allocations(node);
    }

    /** Bytes allocated at each node over the whole capture. */
    public long nodeBytes(int node) {
        return byStack.bytes(node);
    }

    /** A native stack node seen with allocations at a Python node (the first), or 0. */
    public int nodeNative(int node) {
        return node < nodeNative.length ? nodeNative[node] : 0;
    }

    /** Allocations whose native stack is exactly {@code nativeNode}. */
    public long nativeAllocations(int nativeNode) {
        return nativeNode < nativeAllocations.length ? nativeAllocations[nativeNode] : 0;
    }

    public long nativeBytes(int nativeNode) {
        return nativeNode < nativeBytes.length ? nativeBytes[nativeNode] : 0;
    }

    /** Frees (and munmaps) of allocations made at each node. */
    public long nodeFrees(int node) {
        return byStack.frees(node);
    }

    /**
     * A copy of every figure (not the stack table, not the live set), for an aggregated
     * file. O(nodes); runs on the aggregator's thread, or after its stream completed.
     */
    public AggregatorState snapshot() {
        int nodes = nodeLimit();
        long[] allocated = new long[nodes];
        long[] allocatedBytes = new long[nodes];
        long[] freed = new long[nodes];
        long[] peakCount = new long[nodes];
        long[] peak = new long[nodes];
        long[] liveCount = new long[nodes];
        long[] liveBytes = new long[nodes];
        for (int node = 0; node < nodes; node++) {
            allocated[node] = byStack.allocations(node);
            allocatedBytes[node] = byStack.bytes(node);
            freed[node] = byStack.frees(node);
            peakCount[node] = byStack.peakCount(node);
            peak[node] = byStack.peakBytes(node);
            liveCount[node] = byStack.liveCount(node);
            liveBytes[node] = byStack.liveBytes(node);
        }
        return new AggregatorState(records, allocations, frees, unmatchedFrees, bytesAllocated, heapBytes,
                liveAllocations(), peakBytes, peakMillis, clockMillis, rssBytes, peakRssBytes, ended, execPath,
                allocationsByKind.clone(), bytesByKind.clone(), sizeHistogram.clone(), allocated, allocatedBytes, freed,
                peakCount, peak, liveCount, liveBytes, Arrays.copyOf(nodeNative, nodes), nativeAllocations.clone(),
                nativeBytes.clone(), sampleMeanBytes);
    }

    /**
     * Takes {@code state} as this aggregator's figures: for a fresh aggregator that has read
     * an aggregated file's stack table (and nothing else), after which every read method
     * answers as the aggregator that made the snapshot did.
     */
    public void restore(AggregatorState state) {
        records = state.records();
        allocations = state.allocations();
        frees = state.frees();
        unmatchedFrees = state.unmatchedFrees();
        bytesAllocated = state.bytesAllocated();
        heapBytes = state.heapBytes();
        uncountedLive = state.liveAllocations() - live.size() - mappings.size();
        peakBytes = state.peakBytes();
        peakMillis = state.peakMillis();
        clockMillis = state.clockMillis();
        rssBytes = state.rssBytes();
        peakRssBytes = state.peakRssBytes();
        ended = state.ended();
        execPath = state.execPath();
        sampleMeanBytes = state.sampleMeanBytes();
        System.arraycopy(state.allocationsByKind(), 0, allocationsByKind, 0,
                Math.min(allocationsByKind.length, state.allocationsByKind().length));
        System.arraycopy(state.bytesByKind(), 0, bytesByKind, 0, Math.min(bytesByKind.length, state.bytesByKind().length));
        System.arraycopy(state.sizeHistogram(), 0, sizeHistogram, 0,
                Math.min(sizeHistogram.length, state.sizeHistogram().length));
        for (int node = 0; node < state.nodeAllocations().length; node++) {
            if (state.hasFigures(node)) {
                byStack.restore(node, state.nodeAllocations()[node], state.nodeBytes()[node], state.nodeFrees()[node],
                        state.nodeLiveBytes()[node], state.nodeLiveCount()[node], state.nodePeakBytes()[node],
                        state.nodePeakCount()[node]);
            }
        }
        nodeNative = Arrays.copyOf(state.nodeNative(), Math.max(nodeNative.length, state.nodeNative().length));
        nativeAllocations = Arrays.copyOf(state.nativeAllocations(),
                Math.max(nativeAllocations.length, state.nativeAllocations().length));
        nativeBytes = Arrays.copyOf(state.nativeBytes(), Math.max(nativeBytes.length, state.nativeBytes().length));
    }
}
