package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TemporaryAllocationsTest {
    @Test
    void thresholdZeroCountsOnlyAFreeBeforeTheNextAllocation() {
        TemporaryAllocations temporary = new TemporaryAllocations(0);
        temporary.accept(new Batches()
                .malloc(0x1000, 10, 1).free(0x1000) // temporary
                .malloc(0x2000, 20, 2).malloc(0x3000, 30, 3).free(0x2000) // one allocation between: not
                .free(0x3000) // the latest: temporary
                .build());
        assertEquals(2, temporary.allocations());
        assertEquals(40, temporary.bytes());
        long[] bytes = temporary.bytesByNode(4);
        assertEquals(10, bytes[1]);
        assertEquals(0, bytes[2]);
        assertEquals(30, bytes[3]);
        assertEquals(1, temporary.countsByNode(4)[3]);
    }

    @Test
    void thresholdOneAllowsOneAllocationBetween() {
        TemporaryAllocations temporary = new TemporaryAllocations(1);
        temporary.accept(new Batches()
                .malloc(0x1000, 10, 1).malloc(0x2000, 20, 2).free(0x1000) // one between: temporary
                .malloc(0x3000, 30, 3).malloc(0x4000, 40, 3).free(0x2000) // two between: not
                .build());
        assertEquals(1, temporary.allocations());
        assertEquals(10, temporary.bytesByNode(4)[1]);
    }

    @Test
    void eachThreadCountsItsOwnAllocations() {
        TemporaryAllocations temporary = new TemporaryAllocations(0);
        temporary.accept(new Batches()
                .thread(1).malloc(0x1000, 10, 1)
                .thread(7).malloc(0x2000, 20, 2).malloc(0x3000, 30, 2) // another thread's allocations
                .thread(1).free(0x1000) // nothing allocated on thread 1 since: temporary
                .thread(7).free(0x2000) // not: 0x3000 came after it on this thread
                .build());
        assertEquals(1, temporary.allocations());
        assertEquals(10, temporary.bytes());
    }

    @Test
    void aWholeMunmapIsAFreeAndAPartialOneIsNot() {
        TemporaryAllocations temporary = new TemporaryAllocations(1);
        temporary.accept(new Batches()
                .mmap(0x10000, 40961, 1).munmap(0x10000, 45056) // whole, its length rounded to pages
                .mmap(0x40000, 40961, 2).munmap(0x40000, 8192) // part: the mapping lives on
                .build());
        assertEquals(1, temporary.allocations());
        assertEquals(40961, temporary.bytesByNode(3)[1]);
    }

    @Test
    void aFreeOfAnUnknownAddressOrTwiceCountsOnce() {
        TemporaryAllocations temporary = new TemporaryAllocations(3);
        temporary.accept(new Batches().free(0x9000).malloc(0x1000, 10, 1).free(0x1000).free(0x1000).build());
        assertEquals(1, temporary.allocations());
    }

    @Test
    void aNegativeThresholdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TemporaryAllocations(-1));
    }
}
