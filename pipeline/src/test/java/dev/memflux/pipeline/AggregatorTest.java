package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import org.junit.jupiter.api.Test;

class AggregatorTest {
    /** 100 held at node 1, freed; 30 held at node 2 and kept: peak 100, leaked 30. */
    private static Batches peakThenSmaller() {
        return new Batches()
                .frame("big", "p.py").frame("small", "p.py")
                .node(0, 1, 10).node(0, 2, 20)
                .time(5).malloc(0x1000, 60, 1).malloc(0x2000, 40, 1)
                .time(5).free(0x1000).free(0x2000)
                .malloc(0x3000, 30, 2);
    }

    @Test
    void peakIsTheHighWaterMarkAndWhenItHappened() {
        Aggregator a = new Aggregator();
        a.accept(peakThenSmaller().end().build());
        assertEquals(100, a.peakBytes());
        assertEquals(5, a.peakMillis());
        assertEquals(30, a.heapBytes());
        assertEquals(1, a.liveAllocations());
        assertEquals(3, a.allocations());
        assertEquals(2, a.frees());
        assertEquals(130, a.bytesAllocated());
        assertEquals(3, a.allocationsBy(AllocatorKind.MALLOC));
        assertTrue(a.ended());
    }

    @Test
    void onePassKnowsWhatWasLiveAtThePeak() {
        Aggregator a = new Aggregator();
        a.accept(peakThenSmaller().build());
        assertEquals(100, a.peakBytesByNode()[1]);
        assertEquals(0, a.peakBytesByNode()[2]);
        assertEquals(2, a.peakCountByNode()[1]);
        assertEquals(0, a.liveBytesByNode()[1]);
        assertEquals(30, a.liveBytesByNode()[2]);
        assertEquals(1, a.liveCountByNode()[2]);
    }

    @Test
    void thePeakSplitAcrossBatchesIsTheLastHighWaterMark() {
        Aggregator a = new Aggregator();
        // node 1 peaks at 100 first; node 2's 150 then makes a higher peak while node 1 holds 40.
        a.accept(new Batches().frame("f", "p.py").node(0, 1, 1).node(0, 2, 2)
                .malloc(0x1000, 60, 1).malloc(0x2000, 40, 1).build());
        a.accept(new Batches().free(0x1000).malloc(0x3000, 150, 2).free(0x3000).malloc(0x4000, 10, 2).build());
        assertEquals(190, a.peakBytes());
        assertEquals(40, a.peakBytesByNode()[1]);
        assertEquals(1, a.peakCountByNode()[1]);
        assertEquals(150, a.peakBytesByNode()[2]);
        assertEquals(10, a.nodeLiveBytes(2));
        assertEquals(150, a.nodePeakBytes(2));
    }

    @Test
    void anAllocationAtALiveAddressTakesItFromTheOldNode() {
        Aggregator a = new Aggregator();
        // Its free was never seen (freed before tracking stopped the agent's hooks, say).
        a.accept(new Batches().frame("f", "p.py").node(0, 1, 1).node(0, 2, 2)
                .malloc(0x1000, 60, 1).malloc(0x1000, 20, 2).build());
        assertEquals(0, a.liveBytesByNode()[1]);
        assertEquals(0, a.liveCountByNode()[1]);
        assertEquals(20, a.liveBytesByNode()[2]);
        assertEquals(60, a.peakBytesByNode()[1]);
    }

    @Test
    void mappingPiecesAtThePeakKeepTheirStack() {
        long mib = 1 << 20;
        Aggregator a = new Aggregator();
        a.accept(new Batches().frame("f", "p.py").node(0, 1, 7).node(0, 2, 8)
                .mmap(0x7000_0000L, 10 * mib, 1).munmap(0x7000_0000L + 3 * mib, 4 * mib)
                .mmap(0x1000_0000L, 5 * mib, 2).munmap(0x7000_0000L, 3 * mib).build());
        assertEquals(11 * mib, a.peakBytes());
        assertEquals(6 * mib, a.peakBytesByNode()[1]);
        assertEquals(2, a.peakCountByNode()[1]);
        assertEquals(5 * mib, a.peakBytesByNode()[2]);
        assertEquals(3 * mib, a.liveBytesByNode()[1]);
        assertEquals(1, a.liveCountByNode()[1]);
    }

    /** Each batch sets a new peak: 64 blocks at 4 nodes, a mapping split and unmapped, all freed. */
    private static EventBatch growing(int k) {
        Batches b = new Batches();
        for (int i = 0; i < 64; i++) {
            b.malloc(0x10_0000L + 0x1_0000L * i, 100L * (k + 1), 1 + i % 4);
        }
        b.mmap(0x7000_0000L, 4096L * (k + 3), 5).munmap(0x7000_0000L + 4096, 4096);
        for (int i = 0; i < 64; i++) {
            b.free(0x10_0000L + 0x1_0000L * i);
        }
        return b.munmap(0x7000_0000L, 4096L * (k + 3)).build();
    }

    @Test
    void aggregatingAndTrackingThePeakAllocateNothingPerEvent() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Batches nodes = new Batches().frame("f", "p.py");
        for (int node = 1; node <= 5; node++) {
            nodes.node(0, 1, node);
        }
        Aggregator a = new Aggregator();
        a.accept(nodes.build());
        a.accept(growing(0)); // the first of each kind of event loads and links what it needs
        EventBatch[] batches = new EventBatch[50];
        for (int k = 1; k < batches.length; k++) {
            batches[k] = growing(k);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int k = 1; k < batches.length; k++) {
            a.accept(batches[k]);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, allocated, "bytes allocated over 49 batches of " + batches[1].count + " events");
        // The last batch's peak: right after its mmap, before the split.
        assertEquals(64 * 100L * 50 + 4096L * 52, a.peakBytes());
        assertEquals(16 * 100L * 50, a.peakBytesByNode()[1]);
        assertEquals(4096L * 52, a.peakBytesByNode()[5]);
        assertEquals(1, a.peakCountByNode()[5]);
        assertEquals(0, a.liveCountByNode()[5]);
    }

    @Test
    void anAbandonedAggregatorForgetsThePerNodeFigures() {
        Aggregator a = new Aggregator();
        a.accept(peakThenSmaller().build());
        a.abandon();
        a.accept(new Batches().malloc(0x5000, 8, 2).end().build());
        assertFalse(a.available());
        assertEquals(0, a.liveBytesByNode()[2]);
        assertEquals(0, a.peakBytesByNode()[1]);
        assertTrue(a.ended());
    }

    @Test
    void onlyAnExecThatDidNotFailEndsTheStream() {
        Aggregator failed = new Aggregator();
        failed.accept(new Batches().exec("/nonexistent", 0).exec("/nonexistent", 2).malloc(0x1000, 8, 0).build());
        assertNull(failed.execedPath());
        Aggregator execed = new Aggregator();
        execed.accept(new Batches().exec("/nonexistent", 0).exec("/nonexistent", 2).exec("/bin/true", 0)
                .malloc(0x1000, 8, 0).build());
        assertEquals("/bin/true", execed.execedPath());
        Aggregator stoppedAfter = new Aggregator();
        stoppedAfter.accept(new Batches().exec("/bin/true", 0).end().build());
        assertNull(stoppedAfter.execedPath());
    }

    @Test
    void freesOfAddressesAllocatedBeforeTrackingAreIgnored() {
        Aggregator a = new Aggregator();
        a.accept(new Batches().free(0x9999).malloc(0x1000, 8, 0).build());
        assertEquals(8, a.heapBytes());
        assertEquals(1, a.unmatchedFrees());
        assertEquals(0, a.frees());
        assertFalse(a.ended());
    }

    @Test
    void aPartialMunmapLeavesTheRestMapped() {
        Aggregator a = new Aggregator();
        a.accept(new Batches().mmap(0x10000, 3 * 4096, 0).munmap(0x10000, 4096).build());
        assertEquals(2 * 4096, a.heapBytes());
        a.accept(new Batches().munmap(0x11000, 2 * 4096).build());
        assertEquals(0, a.heapBytes());
        assertEquals(3 * 4096, a.peakBytes());
    }

    @Test
    void unmappingTheMiddleLeavesTwoPiecesThatKeepTheirStack() {
        long mib = 1 << 20;
        Aggregator a = new Aggregator();
        a.accept(new Batches().frame("f", "p.py").node(0, 1, 7)
                .mmap(0x7000_0000L, 10 * mib, 1).munmap(0x7000_0000L + 3 * mib, 4 * mib).build());
        assertEquals(6 * mib, a.heapBytes());
        assertEquals(6 * mib, a.liveBytesByNode()[1]);
        assertEquals(2, a.liveAllocations());
        assertEquals(0, a.frees());
        a.accept(new Batches().munmap(0x7000_0000L, 3 * mib).build());
        assertEquals(3 * mib, a.heapBytes());
        assertEquals(1, a.frees());
        a.accept(new Batches().munmap(0x7000_0000L + 7 * mib, 3 * mib).build());
        assertEquals(0, a.heapBytes());
        assertEquals(0, a.liveAllocations());
        assertEquals(2, a.frees());
        assertEquals(2, a.nodeFrees(1));
        assertEquals(10 * mib, a.peakBytes());
        assertEquals(0, a.unmatchedFrees());
    }

    @Test
    void oneMunmapAcrossSeveralMappingsReleasesOnlyTheTrackedBytes() {
        Aggregator a = new Aggregator();
        a.accept(new Batches().mmap(0x10000, 0x2000, 0).mmap(0x14000, 0x2000, 0).mmap(0x20000, 0x1000, 0)
                .munmap(0x11000, 0x4000).build());
        assertEquals(0x1000 + 0x1000 + 0x1000, a.heapBytes());
        assertEquals(3, a.liveAllocations());
        a.accept(new Batches().munmap(0x30000, 0x1000).build());
        assertEquals(1, a.unmatchedFrees());
        assertEquals(0x3000, a.heapBytes());
    }

    @Test
    void aMappingPlacedOverLiveMappingsReplacesWhatItCovers() {
        Aggregator a = new Aggregator();
        // mremap(MREMAP_FIXED) and mmap(MAP_FIXED) unmap whatever the new range covers.
        a.accept(new Batches().mmap(0x10000, 0x4000, 0).mmap(0x12000, 0x4000, 0).build());
        assertEquals(0x6000, a.heapBytes());
        assertEquals(0x6000, a.peakBytes());
        assertEquals(2, a.liveAllocations());
    }

    @Test
    void aRemapIsAnUnmapThenAMapSoThePeakIsTheLargerSize() {
        Aggregator a = new Aggregator();
        a.accept(new Batches().mmap(0x10000, 0x4000, 0)
                .munmap(0x10000, 0x4000).mmap(0x40000, 0xC000, 0)
                .munmap(0x40000, 0xC000).mmap(0x40000, 0x2000, 0).build());
        assertEquals(0xC000, a.peakBytes());
        assertEquals(0x2000, a.heapBytes());
        assertEquals(3, a.allocationsBy(AllocatorKind.MMAP));
    }

    @Test
    void perNodeTotalsCountEveryAllocation() {
        Aggregator a = new Aggregator();
        a.accept(peakThenSmaller().build());
        assertEquals(2, a.nodeAllocations(1));
        assertEquals(100, a.nodeBytes(1));
        assertEquals(1, a.nodeAllocations(2));
        assertEquals("big", a.stacks().function(a.stacks().frame(1)));
        assertEquals(20, a.stacks().line(2));
    }

    @Test
    void sizeHistogramBucketsByPowerOfTwo() {
        Aggregator a = new Aggregator();
        a.accept(new Batches().malloc(0x10, 1, 0).malloc(0x20, 1000, 0).malloc(0x30, 1023, 0).malloc(0x40, 1024, 0).build());
        long[] h = a.sizeHistogram();
        assertEquals(1, h[1]);   // [1, 2)
        assertEquals(2, h[10]);  // [512, 1024)
        assertEquals(1, h[11]);  // [1024, 2048)
    }

    /**
     * A sampled capture: a kept 1,000-byte allocation at one per 1,000 bytes was kept with
     * probability 1 - 1/e = 0.632, so it stands for 1.58 allocations of 1,582 bytes (rounded:
     * 2 and 1,582); its free takes back exactly that; a mapping is never sampled.
     */
    @Test
    void aSampledCaptureCountsEachKeptAllocationAsItsEstimate() {
        Aggregator a = new Aggregator();
        a.accept(new Batches().frame("f", "p.py").node(0, 1, 10).sampling(1000)
                .malloc(0x1000, 1000, 1).mmap(0x100000, 4096, 1).build());
        assertEquals(1000, a.sampleMeanBytes());
        assertEquals(1582 + 4096, a.heapBytes());
        assertEquals(1582 + 4096, a.peakBytes());
        assertEquals(3, a.allocations());
        assertEquals(3, a.liveAllocations());
        assertEquals(1582, a.bytesBy(AllocatorKind.MALLOC));
        assertEquals(2, a.allocationsBy(AllocatorKind.MALLOC));
        assertEquals(1582 + 4096, a.nodeBytes(1));
        a.accept(new Batches().free(0x1000).build());
        assertEquals(4096, a.heapBytes());
        assertEquals(2, a.frees());
        assertEquals(1, a.liveAllocations());
        assertEquals(2, a.nodeFrees(1));
    }
    /**
     * The run's file-only aggregator: the same trailer figures as a full one over mallocs,
     * frees, a reallocated live address, mappings split and unmapped, and a sampled capture;
     * no per-node, per-allocator or size figures.
     */
    @Test
    void totalsOnlyStatesTheSameTotalsAndNoPerNodeFigures() {
        java.util.List<java.util.function.Supplier<java.util.List<EventBatch>>> streams = java.util.List.of(
                () -> java.util.List.of(peakThenSmaller().end().build()),
                () -> java.util.List.of(new Batches().frame("f", "p.py").node(0, 1, 1).node(0, 2, 2)
                        .malloc(0x1000, 60, 1).malloc(0x1000, 20, 2).free(0x9000).build()),
                () -> java.util.List.of(growing(3), growing(4)),
                () -> java.util.List.of(new Batches().frame("f", "p.py").node(0, 1, 10).sampling(1000)
                        .malloc(0x1000, 1000, 1).mmap(0x100000, 4096, 1).malloc(0x2000, 10, 1).free(0x1000).build(),
                        new Batches().malloc(0x3000, 500, 1).free(0x2000).build()));
        for (var stream : streams) {
            Aggregator full = new Aggregator();
            Aggregator totals = Aggregator.totalsOnly();
            Batches nodes = new Batches().frame("f", "p.py");
            for (int node = 1; node <= 5; node++) {
                nodes.node(0, 1, node);
            }
            full.accept(nodes.build());
            totals.accept(nodes.build());
            stream.get().forEach(full);
            stream.get().forEach(totals);
            assertEquals(RunPipeline.trailerOf(full, 1), RunPipeline.trailerOf(totals, 1));
            assertEquals(full.frees(), totals.frees());
            assertEquals(full.unmatchedFrees(), totals.unmatchedFrees());
            assertTrue(full.detailed());
            assertFalse(totals.detailed());
            assertEquals(0, java.util.Arrays.stream(totals.peakBytesByNode()).sum());
            assertEquals(0, java.util.Arrays.stream(totals.liveCountByNode()).sum());
            assertEquals(0, java.util.Arrays.stream(totals.sizeHistogram()).sum());
            assertEquals(0, totals.allocationsBy(AllocatorKind.MALLOC));
        }
    }
}
