package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.format.EventBatch;
import org.junit.jupiter.api.Test;

class ThreadSplitTest {
    @Test
    void eachThreadsAllocationsAtAStackAreAPairOfTheirOwnAndAnyThreadMayFreeThem() {
        ThreadSplit split = new ThreadSplit();
        EventBatch batch = new Batches()
                .frame("f", "p.py").node(0, 1, 3)
                .thread(1, 100).malloc(0x1000, 100, 1)
                .thread(2, 200).malloc(0x2000, 50, 1).malloc(0x3000, 7, 1)
                .free(0x1000) // thread 2 frees thread 1's block: the peak (157) is behind
                .build();
        split.accept(batch);
        assertEquals(3, split.pairs());
        assertEquals(1, split.thread(1));
        assertEquals(2, split.thread(2));
        assertEquals(1, split.node(1));
        assertEquals(1, split.node(2));
        assertEquals(200, split.tid(2));
        Aggregator a = split.byPair();
        assertEquals(157, a.peakBytes());
        assertEquals(100, a.nodePeakBytes(1));
        assertEquals(57, a.nodePeakBytes(2));
        assertEquals(0, a.nodeLiveBytes(1));
        assertEquals(57, a.nodeLiveBytes(2));
    }

    @Test
    void thousandsOfPairsKeepTheirIdsAcrossTheMapsGrowth() {
        ThreadSplit split = new ThreadSplit();
        for (int round = 0; round < 2; round++) {
            for (int first = 1; first <= 3000; first += 1000) {
                Batches b = new Batches(); // 2,000 records: a batch holds 4,096
                for (int t = first; t < first + 1000; t++) {
                    b.thread(t, t).malloc(0x10000L * t + round, 1, 5);
                }
                split.accept(b.build());
            }
        }
        assertEquals(3001, split.pairs());
        for (int pair = 1; pair <= 3000; pair++) {
            assertEquals(pair, split.thread(pair));
            assertEquals(5, split.node(pair));
            assertEquals(2, split.byPair().nodeAllocations(pair));
        }
    }
}
