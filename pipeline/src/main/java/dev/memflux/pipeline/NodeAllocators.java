package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Which allocator functions each stack node allocated through, as a bit set per node
 * ({@code 1 << kind}), for exports that name a row's allocator as memray's do. One int per
 * node; runs beside the aggregator in the same pass, on the reading thread.
 */
public final class NodeAllocators implements Consumer<EventBatch> {
    private int[] kinds = new int[1024];

    @Override
    public void accept(EventBatch batch) {
        for (int i = 0; i < batch.count; i++) {
            if (RecordTag.isAlloc(batch.tag(i))) {
                used(batch.allocNode(i), batch.tag(i) - RecordTag.ALLOC);
            }
        }
    }

    private void used(int node, int kind) {
        if (node >= kinds.length) {
            kinds = Arrays.copyOf(kinds, Math.max(kinds.length * 2, Integer.highestOneBit(node) << 1));
        }
        kinds[node] |= 1 << kind;
    }

    /** The allocators {@code node} used, in {@link AllocatorKind} order (empty if it allocated nothing). */
    public java.util.List<AllocatorKind> of(int node) {
        java.util.List<AllocatorKind> used = new java.util.ArrayList<>();
        int bits = node < kinds.length ? kinds[node] : 0;
        for (AllocatorKind kind : AllocatorKind.values()) {
            if ((bits & (1 << kind.ordinal())) != 0) {
                used.add(kind);
            }
        }
        return used;
    }
}
