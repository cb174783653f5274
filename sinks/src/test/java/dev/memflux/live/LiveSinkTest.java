package dev.memflux.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.EventBatch;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.Aggregator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The live sink publishes from the run's aggregator: at its start, then at most once an
 * interval (an hour here, so only the other triggers fire), on the collector's tick after
 * changes, and at the end.
 */
class LiveSinkTest {
    private static final long HOUR = 3_600_000_000_000L;
    private final Aggregator aggregator = new Aggregator();

    @Test
    void publishesAtStartOnTicksAfterChangesAndAtTheEnd() throws Exception {
        try (LiveServer server = LiveServer.bind(0)) {
            LiveFeed feed = LiveFeed.connect(server.port());
            LiveSink sink = new LiveSink(aggregator, new CaptureHeader(77, 1, System.currentTimeMillis(), 0, "3.11",
                    "python3 a.py", "test"), server, HOUR);
            assertEquals(1, server.published(), "a snapshot at the start");

            EventBatch first = new EventBatch();
            first.addFrame("make", "a.py", 1);
            first.addNode(0, 1, 3);
            first.addThread(1, 1001);
            first.addAlloc(AllocatorKind.MALLOC.ordinal(), 0x1000, 300, 1, 0);
            first.addThread(2, 1002);
            first.addAlloc(AllocatorKind.MALLOC.ordinal(), 0x2000, 500, 1, 0);
            deliver(sink, first);
            assertEquals(2, server.published(), "the first batch, an interval after the start");

            EventBatch second = new EventBatch();
            second.addFree(0x1000);
            deliver(sink, second);
            assertEquals(2, server.published(), "nothing within the interval");

            EventBatch tick = new EventBatch();
            tick.tick = true;
            deliver(sink, tick);
            assertEquals(3, server.published(), "the tick after changes");
            deliver(sink, tick);
            assertEquals(3, server.published(), "no change since the last tick");

            LiveSnapshot s = newest(feed, 3);
            assertEquals(500, s.heapBytes());
            assertEquals(800, s.peakBytes());
            assertEquals(List.of(new LiveSnapshot.Row("make", "a.py", 3, 500, 500, 1)), s.views().get(0).rows());
            assertEquals(List.of(), s.views().get(1).rows(), "thread 1 freed what it made");
            assertEquals(1001, s.views().get(1).tid());
            assertEquals(500, s.views().get(2).heapBytes());
            assertFalse(s.ended());

            sink.finish(new Trailer(System.currentTimeMillis(), false, 2, 1, 800, 800, 0, 500, 1, 6));
            assertTrue(newest(feed, 4).ended());
            feed.close();
        }
    }

    private void deliver(LiveSink sink, EventBatch batch) {
        aggregator.accept(batch);
        sink.accept(batch);
    }

    /** Reads frames until the {@code number}th snapshot's (frames may skip stale ones). */
    private static LiveSnapshot newest(LiveFeed feed, long number) throws Exception {
        LiveFrame frame;
        do {
            frame = feed.next();
        } while (frame.program().history().length < number);
        return frame.program();
    }
}
