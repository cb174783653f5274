package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.ProgramEnd;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.symbolize.NativeFrame;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The records of an aggregated file (docs/FORMAT.md, "Aggregated files"): the stack table
 * as FRAME, NODE, NATIVE_NODE and SYMBOL records, then NODE_FIGURES, NATIVE_FIGURES and one
 * RUN_TOTALS. {@link #write} turns an aggregator's state into them; a {@link Reader} sees
 * the batches of such a file (beside the aggregator that builds the stack table from the
 * same batches) and gives the state back.
 */
public final class AggregatedRecords {
    /** Records per batch handed on: a block then stays far below the format's 1 MiB. */
    private static final int BATCH_RECORDS = 1024;
    /** RUN_TOTALS' fixed values, before the allocator kinds and the histogram (docs/FORMAT.md). */
    private static final int FIXED_TOTALS = 16;

    private AggregatedRecords() {}

    /**
     * Writes everything an aggregated file holds, in batches given to {@code out} (each valid
     * during the call).
     *
     * @param symbols what an instruction pointer was resolved to (null: never)
     */
    public static void write(StackTable stacks, LongFunction<List<NativeFrame>> symbols, AggregatorState state,
            ProgramEnd end, Consumer<EventBatch> out) {
        EventBatch batch = new EventBatch();
        for (int frame = 1; frame < stacks.frameCount(); frame++) {
            batch.addFrame(stacks.function(frame), stacks.file(frame), stacks.firstLine(frame));
            handOn(batch, out, false);
        }
        for (int node = 1; node < stacks.nodeCount(); node++) {
            batch.addNode(stacks.parent(node), stacks.frame(node), stacks.line(node));
            handOn(batch, out, false);
        }
        Set<Long> named = new HashSet<>();
        for (int nativeNode = 1; nativeNode < stacks.nativeNodeCount(); nativeNode++) {
            long ip = stacks.nativeIp(nativeNode);
            batch.addNativeNode(stacks.nativeParent(nativeNode), ip);
            List<NativeFrame> frames = symbols.apply(ip);
            if (frames != null && named.add(ip)) {
                batch.addSymbol(ip, frames.size());
                for (NativeFrame f : frames) {
                    batch.addSymbolFrame(f.function(), f.file(), f.line(), f.inlined());
                }
            }
            handOn(batch, out, false);
        }
        for (int node = 0; node < state.nodeAllocations().length; node++) {
            if (state.hasFigures(node)) {
                batch.addNodeFigures(node, state.nodeNative()[node], state.nodeAllocations()[node],
                        state.nodeBytes()[node], state.nodeFrees()[node], state.nodePeakCount()[node],
                        state.nodePeakBytes()[node], state.nodeLiveCount()[node], state.nodeLiveBytes()[node]);
                handOn(batch, out, false);
            }
        }
        for (int nativeNode = 1; nativeNode < state.nativeAllocations().length; nativeNode++) {
            if (state.nativeAllocations()[nativeNode] != 0 || state.nativeBytes()[nativeNode] != 0) {
                batch.addNativeFigures(nativeNode, state.nativeAllocations()[nativeNode], state.nativeBytes()[nativeNode]);
                handOn(batch, out, false);
            }
        }
        batch.addRunTotals(totals(state, end), state.execPath() == null ? "" : state.execPath());
        handOn(batch, out, true);
    }

    private static void handOn(EventBatch batch, Consumer<EventBatch> out, boolean last) {
        if (batch.count >= BATCH_RECORDS || (last && batch.count > 0)) {
            out.accept(batch);
            batch.clear();
        }
    }

    private static long[] totals(AggregatorState s, ProgramEnd end) {
        int kinds = s.allocationsByKind().length;
        int buckets = s.sizeHistogram().length;
        long[] v = new long[FIXED_TOTALS + 1 + 2 * kinds + 1 + buckets];
        int k = 0;
        v[k++] = s.records();
        v[k++] = s.allocations();
        v[k++] = s.frees();
        v[k++] = s.unmatchedFrees();
        v[k++] = s.bytesAllocated();
        v[k++] = s.heapBytes();
        v[k++] = s.liveAllocations();
        v[k++] = s.peakBytes();
        v[k++] = s.peakMillis();
        v[k++] = s.clockMillis();
        v[k++] = s.rssBytes();
        v[k++] = s.peakRssBytes();
        v[k++] = (s.ended() ? 1 : 0) | (s.execPath() != null ? 2 : 0);
        v[k++] = end.kind().ordinal();
        v[k++] = end.status();
        v[k++] = s.sampleMeanBytes();
        v[k++] = kinds;
        for (int kind = 0; kind < kinds; kind++) {
            v[k++] = s.allocationsByKind()[kind];
            v[k++] = s.bytesByKind()[kind];
        }
        v[k++] = buckets;
        System.arraycopy(s.sizeHistogram(), 0, v, k, buckets);
        return v;
    }

    /**
     * Collects the figures of an aggregated file's batches. Runs on the reader's thread;
     * allocates freely (an aggregated file is small).
     */
    public static final class Reader implements Consumer<EventBatch> {
        private int nodes;
        private long[][] perNode = new long[7][16];
        private int[] nodeNative = new int[16];
        private long[] nativeAllocations = new long[16];
        private long[] nativeBytes = new long[16];
        private long[] totals;
        private String execPath;

        @Override
        public void accept(EventBatch batch) {
            for (int i = 0; i < batch.count; i++) {
                switch (batch.tag(i)) {
                    case RecordTag.NODE_FIGURES -> nodeFigures(batch, i);
                    case RecordTag.NATIVE_FIGURES -> nativeFigures(batch, i);
                    case RecordTag.RUN_TOTALS -> {
                        totals = new long[batch.runTotalsCount(i)];
                        for (int k = 0; k < totals.length; k++) {
                            totals[k] = batch.runTotal(i, k);
                        }
                        execPath = batch.runTotalsExecPath(i);
                    }
                    default -> { } // the stack table: the aggregator's
                }
            }
        }

        private void nodeFigures(EventBatch batch, int i) {
            int node = batch.figuresNode(i);
            if (node >= nodeNative.length) {
                int grown = Math.max(nodeNative.length * 2, Integer.highestOneBit(node) << 1);
                for (int f = 0; f < perNode.length; f++) {
                    perNode[f] = java.util.Arrays.copyOf(perNode[f], grown);
                }
                nodeNative = java.util.Arrays.copyOf(nodeNative, grown);
            }
            nodes = Math.max(nodes, node + 1);
            nodeNative[node] = batch.figuresNativeNode(i);
            perNode[0][node] = batch.figuresAllocations(i);
            perNode[1][node] = batch.figuresBytes(i);
            perNode[2][node] = batch.figuresFrees(i);
            perNode[3][node] = batch.figuresPeakAllocations(i);
            perNode[4][node] = batch.figuresPeakBytes(i);
            perNode[5][node] = batch.figuresLeakedAllocations(i);
            perNode[6][node] = batch.figuresLeakedBytes(i);
        }

        private void nativeFigures(EventBatch batch, int i) {
            int nativeNode = batch.nativeFiguresNode(i);
            if (nativeNode >= nativeAllocations.length) {
                int grown = Math.max(nativeAllocations.length * 2, Integer.highestOneBit(nativeNode) << 1);
                nativeAllocations = java.util.Arrays.copyOf(nativeAllocations, grown);
                nativeBytes = java.util.Arrays.copyOf(nativeBytes, grown);
            }
            nativeAllocations[nativeNode] = batch.nativeFiguresAllocations(i);
            nativeBytes[nativeNode] = batch.nativeFiguresBytes(i);
        }

        /** Why the figures read cannot be used (no RUN_TOTALS, or one this memflux cannot read), or null. */
        public String problem() {
            if (totals == null) {
                return "an aggregated capture without its RUN_TOTALS record";
            }
            if (totals.length <= FIXED_TOTALS || ProgramEnd.Kind.of(totals[13]) == null) {
                return "an aggregated capture whose RUN_TOTALS record this memflux cannot read";
            }
            int kinds = (int) totals[FIXED_TOTALS];
            int bucketsAt = FIXED_TOTALS + 1 + 2 * kinds;
            if (kinds < 0 || kinds > AllocatorKind.COUNT || bucketsAt >= totals.length
                    || totals[bucketsAt] != totals.length - bucketsAt - 1 || totals[bucketsAt] > 65) {
                return "an aggregated capture whose RUN_TOTALS record is malformed";
            }
            return null;
        }

        /** How the program ended; call once {@link #problem()} is null. */
        public ProgramEnd end() {
            return new ProgramEnd(ProgramEnd.Kind.of(totals[13]), (int) totals[14]);
        }

        /** The aggregator's state the file was written from; call once {@link #problem()} is null. */
        public AggregatorState state() {
            int kinds = (int) totals[FIXED_TOTALS];
            long[] allocationsByKind = new long[AllocatorKind.COUNT];
            long[] bytesByKind = new long[AllocatorKind.COUNT];
            for (int kind = 0; kind < kinds; kind++) {
                allocationsByKind[kind] = totals[FIXED_TOTALS + 1 + 2 * kind];
                bytesByKind[kind] = totals[FIXED_TOTALS + 2 + 2 * kind];
            }
            int bucketsAt = FIXED_TOTALS + 1 + 2 * kinds;
            long[] histogram = new long[65];
            System.arraycopy(totals, bucketsAt + 1, histogram, 0, (int) totals[bucketsAt]);
            long flags = totals[12];
            long[][] n = new long[perNode.length][];
            for (int f = 0; f < n.length; f++) {
                n[f] = java.util.Arrays.copyOf(perNode[f], nodes);
            }
            return new AggregatorState(totals[0], totals[1], totals[2], totals[3], totals[4], totals[5], totals[6],
                    totals[7], totals[8], totals[9], totals[10], totals[11], (flags & 1) != 0,
                    (flags & 2) != 0 ? execPath : null, allocationsByKind, bytesByKind, histogram,
                    n[0], n[1], n[2], n[3], n[4], n[5], n[6], java.util.Arrays.copyOf(nodeNative, nodes),
                    nativeAllocations, nativeBytes, totals[15]);
        }
    }
}
