package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Per-thread figures for the live view, check --where thread:N and flamegraph --split-threads,
 * with frees charged to the thread that allocated.
 */
class ThreadFiguresTest {
    private final ThreadFigures figures = new ThreadFigures();

    @Test
    void aFreeOnAnotherThreadCountsAgainstTheThreadThatAllocated() {
        figures.accept(new Batches().thread(1, 100).malloc(0x1000, 300, 1).malloc(0x2000, 50, 2)
                .thread(2, 101).malloc(0x3000, 7000, 1).free(0x1000).build());
        assertArrayEquals(new long[] {0, 0, 50}, bytes(1, 3));
        assertArrayEquals(new long[] {0, 7000, 0}, bytes(2, 3));
        assertArrayEquals(new long[] {0, 0, 1}, counts(1, 3));
        assertArrayEquals(new long[] {0, 1, 0}, counts(2, 3));
        assertEquals(50, heap(1));
        assertEquals(7000, heap(2));
        assertEquals(2, figures.threadCount());
        assertEquals(101, figures.tid(2));
    }

    @Test
    void aReallocatedAddressMovesToItsNewThreadAndNode() {
        // A free never seen (the realloc's FREE lost before tracking) leaves the address live: the new ALLOC replaces it.
        figures.accept(new Batches().thread(1, 100).malloc(0x1000, 300, 1).thread(2, 101).malloc(0x1000, 900, 2)
                .build());
        assertEquals(0, heap(1));
        assertArrayEquals(new long[] {0, 0, 900}, bytes(2, 3));
    }

    @Test
    void aMappingCutByMunmapKeepsItsPiecesOnItsThread() {
        figures.accept(new Batches().thread(1, 100).mmap(0x10000, 0x4000, 1).thread(2, 101)
                .munmap(0x11000, 0x1000).build());
        assertArrayEquals(new long[] {0, 0x3000}, bytes(1, 2));
        assertArrayEquals(new long[] {0, 2}, counts(1, 2));
        figures.accept(new Batches().munmap(0x10000, 0x4000).build());
        assertArrayEquals(new long[] {0, 0}, bytes(1, 2));
        assertArrayEquals(new long[] {0, 0}, counts(1, 2));
    }

    @Test
    void manyThreadsAndNodesKeepTheirOwnFigures() {
        Batches b = new Batches();
        for (int t = 1; t <= 40; t++) {
            b.thread(t, 1000 + t);
            for (int node = 0; node < 60; node++) {
                b.malloc(((long) t << 20) + node * 64L + 64, t * 1000L + node, node);
            }
        }
        figures.accept(b.build());
        for (int t = 1; t <= 40; t++) {
            long[] bytes = bytes(t, 60);
            for (int node = 0; node < 60; node++) {
                assertEquals(t * 1000L + node, bytes[node]);
            }
        }
    }

    @Test
    void aThreadWithNothingLiveHasNoTable() {
        figures.accept(new Batches().thread(1, 100).malloc(0x1000, 300, 1).thread(2, 101).malloc(0x3000, 10, 1)
                .free(0x3000).build());
        assertEquals(null, figures.perThread(2).bytes()[2]);
        assertEquals(0, heap(2));
        assertEquals(300, heap(1));
    }

    @Test
    void eachThreadsAllocationsAtAStackAreAPairOfTheirOwnWithTheirShareOfThePeak() {
        figures.accept(new Batches()
                .frame("f", "p.py").node(0, 1, 3)
                .thread(1, 100).malloc(0x1000, 100, 1)
                .thread(2, 200).malloc(0x2000, 50, 1).malloc(0x3000, 7, 1)
                .free(0x1000) // thread 2 frees thread 1's block: the peak (157) is behind
                .build());
        assertEquals(2, figures.pairs());
        assertEquals(1, figures.thread(0));
        assertEquals(2, figures.thread(1));
        assertEquals(1, figures.node(0));
        assertEquals(1, figures.node(1));
        assertEquals(200, figures.tid(2));
        assertArrayEquals(new long[] {100, 57}, figures.peakBytesByPair());
        assertArrayEquals(new long[] {1, 2}, figures.peakCountByPair());
        assertArrayEquals(new long[] {0, 57}, figures.liveBytesByPair());
        assertArrayEquals(new long[] {0, 2}, figures.liveCountByPair());
    }

    @Test
    void thousandsOfPairsKeepTheirIdsAcrossTheMapsGrowth() {
        for (int round = 0; round < 2; round++) {
            for (int first = 1; first <= 3000; first += 1000) {
                Batches b = new Batches(); // 2,000 records: a batch holds 4,096
                for (int t = first; t < first + 1000; t++) {
                    b.thread(t, t).malloc(0x10000L * t + round, 1, 5);
                }
                figures.accept(b.build());
            }
        }
        assertEquals(3000, figures.pairs());
        long[] live = figures.liveCountByPair();
        for (int pair = 0; pair < 3000; pair++) {
            assertEquals(pair + 1, figures.thread(pair));
            assertEquals(5, figures.node(pair));
            assertEquals(2, live[pair]);
            assertEquals(2, figures.threadAllocations(pair + 1));
        }
    }

    @Test
    void aThreadsPeakIsTheMostItsOwnAllocationsHeldAtOnce() {
        // Thread 1 holds 300, frees 200, then 50 more: its peak is 300, not its 150 at the heap's peak (7150).
        figures.accept(new Batches().thread(1, 100).malloc(0x1000, 200, 1).malloc(0x2000, 100, 1).free(0x1000)
                .malloc(0x3000, 50, 2).thread(2, 101).malloc(0x4000, 7000, 1).free(0x2000).build());
        assertEquals(300, figures.threadPeakBytes(1));
        assertEquals(50, figures.threadLiveBytes(1));
        assertEquals(350, figures.threadAllocatedBytes(1));
        assertEquals(3, figures.threadAllocations(1));
        assertEquals(7000, figures.threadPeakBytes(2));
        assertEquals(7000, figures.threadLiveBytes(2));
        assertEquals(0, figures.threadPeakBytes(3));
        assertEquals(0, figures.threadAllocations(3));
    }

    @Test
    void aFreeLowersTheHeapSoASmallerHeapLaterIsNoPeak() {
        // The heap peaks at 100 (node 1); after the free, 50 at node 2 is a heap of 50, not 150.
        figures.accept(new Batches().thread(1, 100).malloc(0x1000, 100, 1).free(0x1000).malloc(0x2000, 50, 2)
                .build());
        assertArrayEquals(new long[] {100, 0}, figures.peakBytesByPair());
        assertArrayEquals(new long[] {0, 50}, figures.liveBytesByPair());
    }

    @Test
    void eachPairKeepsWhatItHeldAtItsThreadsOwnPeak() {
        // Thread 1 peaks at 300 (node 1: 300), then holds node 1: 100 and node 2: 150 (250);
        // thread 2's 7000 makes the heap's peak later. Thread 1's peak is still made of node 1 alone.
        figures.accept(new Batches().thread(1, 100).malloc(0x1000, 200, 1).malloc(0x2000, 100, 1).free(0x1000)
                .malloc(0x3000, 150, 2).thread(2, 101).malloc(0x4000, 7000, 1).build());
        // pairs: 0 = (1, node 1), 1 = (1, node 2), 2 = (2, node 1)
        assertArrayEquals(new long[] {300, 0, 7000}, figures.threadPeakBytesByPair());
        assertArrayEquals(new long[] {100, 150, 7000}, figures.peakBytesByPair());
        assertArrayEquals(new long[] {300, 150, 7000}, figures.allocatedBytesByPair());
        assertArrayEquals(new long[] {2, 1, 1}, figures.allocationsByPair());
        // node 2 grows thread 1 past 300: the new peak (400) copies both of its pairs
        figures.accept(new Batches().thread(1, 100).malloc(0x5000, 150, 2).build());
        assertArrayEquals(new long[] {100, 300, 7000}, figures.threadPeakBytesByPair());
        assertEquals(400, figures.threadPeakBytes(1));
    }

    @Test
    void anUnmappedPieceLeavesItsThreadsLiveBytes() {
        figures.accept(new Batches().thread(1, 100).mmap(0x10000, 0x4000, 1).thread(2, 101)
                .munmap(0x11000, 0x1000).build());
        assertEquals(0x3000, figures.threadLiveBytes(1));
        assertEquals(0x4000, figures.threadPeakBytes(1));
        assertEquals(0, figures.threadLiveBytes(2));
    }

    private long[] bytes(int thread, int nodes) {
        long[] b = figures.perThread(nodes).bytes()[thread];
        return b == null ? new long[nodes] : b;
    }

    private long[] counts(int thread, int nodes) {
        long[] c = figures.perThread(nodes).counts()[thread];
        return c == null ? new long[nodes] : c;
    }

    private long heap(int thread) {
        return figures.perThread(1 << 10).heapBytes()[thread];
    }
}
