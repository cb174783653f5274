package dev.memflux.pipeline;

/**
 * Everything an {@link Aggregator} knows besides its stack table, copied out
 * ({@link Aggregator#snapshot()}) to be written as an aggregated file, and put back
 * ({@link Aggregator#restore}) when one is read: a restored aggregator answers every read
 * method as the one that saw the events. No live set: what was live is kept per node.
 *
 * <p>Per-node arrays are indexed by stack node, per-native-node arrays by native node.
 * {@code sampleMeanBytes} is 0 for an exact capture, else its --sample-rate (the figures are estimates).
 */
public record AggregatorState(
        long records, long allocations, long frees, long unmatchedFrees, long bytesAllocated,
        long heapBytes, long liveAllocations, long peakBytes, long peakMillis, long clockMillis,
        long rssBytes, long peakRssBytes, boolean ended, String execPath,
        long[] allocationsByKind, long[] bytesByKind, long[] sizeHistogram,
        long[] nodeAllocations, long[] nodeBytes, long[] nodeFrees, long[] nodePeakCount, long[] nodePeakBytes,
        long[] nodeLiveCount, long[] nodeLiveBytes, int[] nodeNative,
        long[] nativeAllocations, long[] nativeBytes, long sampleMeanBytes) {

    /** Whether {@code node} has any figure to keep (the others are all zero). */
    public boolean hasFigures(int node) {
        return nodeAllocations[node] != 0 || nodeBytes[node] != 0 || nodeFrees[node] != 0
                || nodePeakCount[node] != 0 || nodePeakBytes[node] != 0 || nodeLiveCount[node] != 0
                || nodeLiveBytes[node] != 0 || nodeNative[node] != 0;
    }
}
