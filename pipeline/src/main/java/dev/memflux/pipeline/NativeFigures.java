package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;

/**
 * Figures per (native stack node, Python stack node) pair of a {@code --native} capture,
 * for reports whose rows are the innermost frame of either kind ({@code check}, {@code
 * diff}). The {@link Aggregator} keeps figures per Python node and, per native node, only
 * what was allocated (plus one native stack seen at each Python node), which cannot say
 * what a C function held at the peak or left live when one Python line reaches several
 * native allocation sites. Allocations without a native stack are pair (0, node).
 *
 * <p>An observer of the same batches as the Aggregator, in the same pass, on
 * {@link PairFigures} (its own live set: paid only by the reports that ask for it); a
 * sampled capture is weighted as the Aggregator weighs it, so the peak is the same
 * moment. An aggregated capture carries no allocation records, so it leaves
 * {@link #hasNativeStacks()} false.
 */
public final class NativeFigures extends PairFigures {
    private boolean nativeSeen;

    @Override
    int pairOf(EventBatch batch, int i) {
        int nativeNode = batch.allocNativeNode(i);
        nativeSeen |= nativeNode != 0;
        return pair(nativeNode, batch.allocNode(i));
    }

    @Override
    void other(EventBatch batch, int i, byte tag) {
        if (tag == RecordTag.SAMPLING) {
            weighBy(batch.samplingMeanBytes(i));
        }
    }

    /** True when some allocation had a native stack: the capture was made with {@code --native}. */
    public boolean hasNativeStacks() {
        return nativeSeen;
    }

    /** The pair's native stack node (0: the allocation had none). */
    public int nativeNode(int pair) {
        return first(pair);
    }
}
