package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each thread's live bytes per node, with frees charged to the thread that allocated. */
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
