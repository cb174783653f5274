package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StackFiguresTest {
    @Test
    void thePeakIsWhatWasLiveWhenTheHeapFirstReachedItsMaximum() {
        StackFigures s = new StackFigures(4);
        s.change(1, 60, 1);
        s.peakReached();
        s.change(2, 40, 1);
        s.peakReached(); // heap 100: the peak
        s.change(1, -60, -1);
        s.change(3, 50, 1); // heap 90: below the peak, not copied
        assertEquals(60, s.peakBytes(1));
        assertEquals(1, s.peakCount(1));
        assertEquals(40, s.peakBytes(2));
        assertEquals(0, s.peakBytes(3));
        assertEquals(0, s.liveBytes(1));
        assertEquals(50, s.liveBytes(3));
    }

    @Test
    void nodesBeyondTheInitialSizeGrowTheTables() {
        StackFigures s = new StackFigures(1);
        s.change(100_000, 7, 1);
        s.peakReached();
        assertEquals(7, s.peakBytes(100_000));
        assertEquals(0, s.peakBytes(100_001));
    }

    /** Against a replay: the composition at the first event that reached the maximum heap. */
    @Test
    void onePassAgreesWithReplayingToThePeakOnRandomStreams() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int nodes = 1 + random.nextInt(50);
            List<long[]> events = new ArrayList<>(); // {node, bytes, count}
            List<long[]> live = new ArrayList<>();
            for (int e = 0; e < 500; e++) {
                if (!live.isEmpty() && random.nextInt(3) == 0) {
                    long[] a = live.remove(random.nextInt(live.size()));
                    events.add(new long[] {a[0], -a[1], -1});
                } else {
                    long[] a = {random.nextInt(nodes), 1 + random.nextInt(1000)};
                    live.add(a);
                    events.add(new long[] {a[0], a[1], 1});
                }
            }
            StackFigures onePass = new StackFigures(1);
            long heap = 0;
            long peak = 0;
            int peakIndex = -1;
            for (int e = 0; e < events.size(); e++) {
                long[] ev = events.get(e);
                onePass.change((int) ev[0], ev[1], (int) ev[2]);
                heap += ev[1];
                if (heap > peak) {
                    peak = heap;
                    peakIndex = e;
                    onePass.peakReached();
                }
            }
            long[] bytes = new long[nodes];
            long[] counts = new long[nodes];
            for (int e = 0; e <= peakIndex; e++) {
                long[] ev = events.get(e);
                bytes[(int) ev[0]] += ev[1];
                counts[(int) ev[0]] += ev[2];
            }
            for (int n = 0; n < nodes; n++) {
                assertEquals(bytes[n], onePass.peakBytes(n), "round " + round + " node " + n);
                assertEquals(counts[n], onePass.peakCount(n), "round " + round + " node " + n);
            }
        }
    }
}
