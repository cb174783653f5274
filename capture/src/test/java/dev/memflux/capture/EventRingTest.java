package dev.memflux.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class EventRingTest {
    @Test
    void aSlotComesBackClearedWithItsGenerationBumped() {
        EventRing ring = new EventRing(2);
        long first = ring.claim();
        EventBatch batch = ring.get(first);
        int generation = batch.generation();
        batch.addAlloc(AllocatorKind.MALLOC.ordinal(), 16, 8, 0, 0);
        batch.endOfStream = true;
        ring.publish(first);
        ring.publish(ring.claim());

        long again = ring.claim(); // nothing gates this ring: the first slot is reused at once
        assertEquals(first + 2, again);
        assertSame(batch, ring.get(again));
        assertEquals(generation + 1, batch.generation());
        assertEquals(0, batch.count);
        assertFalse(batch.endOfStream);
    }

    @Test
    void aLeasedBatchIsLiveUntilItsLeaseEndsOrItsSlotIsReused() {
        EventRing ring = new EventRing(1);
        EventBatch batch = ring.get(ring.claim());
        assertTrue(batch.isLive(), "a batch never leased is live");
        batch.lease();
        assertTrue(batch.isLive());
        batch.endLease();
        assertFalse(batch.isLive(), "the onNext that delivered it returned");
        batch.lease();
        ring.claim();
        assertFalse(batch.isLive(), "its slot was reused while it was leased");
    }

    /**
     * A short program claims two of the ring's 64 slots: the batches' arrays (135 KB each)
     * are made as slots are first claimed, not 8.6 MB up front on the way to the program.
     */
    @Test
    void aSlotsArraysAreMadeWhenItIsFirstClaimed() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        new EventRing(EventRing.DEFAULT_SIZE); // classes loaded and initialised outside the measurement
        long before = threads.getThreadAllocatedBytes(thread);
        EventRing ring = new EventRing(EventRing.DEFAULT_SIZE);
        long made = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(made < 64 * 1024, "a new ring allocated " + made + " bytes");

        before = threads.getThreadAllocatedBytes(thread);
        long sequence = ring.claim();
        long claimed = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(claimed >= (long) EventBatch.CAPACITY * 33, "the first claim allocated " + claimed + " bytes");
        EventBatch batch = ring.get(sequence);
        batch.addAlloc(AllocatorKind.MALLOC.ordinal(), 0x1000, 64, 3, 0);
        assertEquals(1, batch.count);
        assertEquals(64, batch.allocSize(0));
    }
}
