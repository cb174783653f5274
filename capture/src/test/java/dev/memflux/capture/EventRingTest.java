package dev.memflux.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
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
}
