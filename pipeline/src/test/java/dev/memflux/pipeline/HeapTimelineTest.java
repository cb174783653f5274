package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.EventBatch;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HeapTimelineTest {
    @Test
    void aPeakInsideABatchIsAPointAtItsTimeAndRssKeepsItsOwnTimes() {
        Aggregator a = new Aggregator();
        HeapTimeline timeline = new HeapTimeline(a, 16);
        EventBatch batch = new Batches()
                .frame("f", "p.py").node(0, 1, 3)
                .time(10).malloc(0x1000, 100, 1)
                .time(10).malloc(0x2000, 50, 1).free(0x1000).free(0x2000)
                .time(10).memory(5000)
                .build();
        a.accept(batch);
        timeline.accept(batch);
        assertArrayEquals(new long[] {0, 20, 30}, timeline.millis());
        assertArrayEquals(new long[] {0, 150, 0}, timeline.heapBytes());
        assertArrayEquals(new long[] {-1, -1, 5000}, timeline.rssBytes());
    }

    @Test
    void aLongCaptureStaysWithinItsPointsAndKeepsThePeak() {
        Aggregator a = new Aggregator();
        HeapTimeline timeline = new HeapTimeline(a, 8);
        Batches setup = new Batches().frame("f", "p.py").node(0, 1, 3);
        a.accept(setup.build());
        timeline.accept(setup.build());
        for (int i = 1; i <= 1000; i++) {
            // One allocation of i bytes held for a batch; i = 617 is the largest held.
            long size = i == 617 ? 5000 : i;
            EventBatch batch = new Batches().time(3).malloc(0x1000, size, 1).time(1).free(0x1000).memory(i).build();
            a.accept(batch);
            timeline.accept(batch);
        }
        assertTrue(timeline.size() <= 8, "points " + timeline.size());
        assertEquals(5000, Arrays.stream(timeline.heapBytes()).max().orElseThrow());
        assertEquals(1000, Arrays.stream(timeline.rssBytes()).max().orElseThrow());
        long[] millis = timeline.millis();
        assertEquals(0, millis[0]);
        for (int i = 1; i < millis.length; i++) {
            assertTrue(millis[i] > millis[i - 1], Arrays.toString(millis));
        }
        assertTrue(timeline.spanMillis() * 8 >= 4000, "span " + timeline.spanMillis());
    }
}
