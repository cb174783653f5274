package dev.memflux.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The feed's server never waits for a viewer, and gives each the newest snapshot. */
class LiveServerTest {
    private static LiveSnapshot snapshot(long number, int rows, boolean ended) {
        return snapshot(4242, number, rows, ended);
    }

    private static LiveSnapshot snapshot(long pid, long number, int rows, boolean ended) {
        List<LiveSnapshot.Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(new LiveSnapshot.Row("function_with_a_long_name_" + i, "/some/where/program.py", i + 1,
                    1000L * i, 10L * i, i));
        }
        return new LiveSnapshot(pid, "python3 program.py", number, 100 * number, 200 * number, new long[] {number},
                ended, List.of(new LiveSnapshot.View(0, 0, 100 * number, list)));
    }

    @Test
    void aViewerThatNeverReadsDoesNotHoldUpPublishing() throws Exception {
        try (LiveServer server = LiveServer.bind(0);
             Socket stopped = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            server.awaitViewer();
            // 200 snapshots of about 1.5 MB: far more than the loopback socket's buffers hold.
            CountDownLatch published = new CountDownLatch(1);
            Thread publisher = new Thread(() -> {
                for (int i = 1; i <= 200; i++) {
                    server.publish(snapshot(i, 20_000, false));
                }
                published.countDown();
            });
            publisher.start();
            if (!published.await(120, TimeUnit.SECONDS)) {
                fail("publishing waited for a viewer that does not read");
            }
            DataInputStream in = open(stopped);
            long frames = 0;
            LiveSnapshot s;
            do {
                s = frame(in);
                frames++;
            } while (s.durationMillis() < 200);
            assertEquals(200, s.durationMillis(), "the newest snapshot comes last");
            assertTrue(frames < 200, "the stale snapshots were skipped, but " + frames + " frames came");
        }
    }

    @Test
    void aViewerThatComesLaterGetsTheNewestAtOnceAndTheLastBeforeTheEnd() throws Exception {
        try (LiveServer server = LiveServer.bind(0)) {
            for (int i = 1; i <= 5; i++) {
                server.publish(snapshot(i, 3, false));
            }
            try (Socket late = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                DataInputStream in = open(late);
                LiveSnapshot first = frame(in);
                assertEquals(5, first.durationMillis());
                assertEquals(3, first.views().get(0).rows().size());
                assertEquals(snapshot(5, 3, false).views().get(0).rows(), first.views().get(0).rows());
                assertArrayEquals(new long[] {5}, first.history());
                server.publish(snapshot(6, 3, true));
                LiveSnapshot last = frame(in);
                assertTrue(last.ended());
                assertEquals(6, last.durationMillis());
                Thread closing = new Thread(() -> {
                    try {
                        server.close(60_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                closing.start();
                assertEquals(-1, in.read(), "the feed ends when the server closes, after the last snapshot");
                late.close();
                closing.join();
            }
        }
    }

    @Test
    void theFeedReaderTellsAnEndFromALoss() throws Exception {
        LiveServer server = LiveServer.bind(0);
        LiveFeed feed = LiveFeed.connect(server.port());
        server.publish(snapshot(1, 1, false));
        LiveFrame last = feed.next();
        assertFalse(last.ended());
        server.close(0);
        assertNull(feed.next(), "a feed cut before the program's end reads as its end of stream");
        feed.close();
    }

    @Test
    void aFrameHoldsTheNewestSnapshotOfEveryProcessTheProgramFirst() throws Exception {
        try (LiveServer server = LiveServer.bind(0)) {
            LiveFeed feed = LiveFeed.connect(server.port());
            server.publish(snapshot(100, 1, 1, false));
            assertEquals(List.of(100L), pids(feed.next()));
            server.publish(snapshot(200, 2, 1, false));
            server.publish(snapshot(100, 3, 1, true));
            LiveFrame frame = feed.next();
            while (frame.program().durationMillis() != 3) {
                frame = feed.next();
            }
            assertEquals(List.of(100L, 200L), pids(frame));
            assertFalse(frame.ended(), "a child still runs");
            server.publish(snapshot(200, 4, 1, true));
            frame = feed.next();
            assertTrue(frame.ended());
            assertEquals(4, frame.processes().get(1).durationMillis());
            feed.close();
        }
    }

    private static List<Long> pids(LiveFrame frame) {
        return frame.processes().stream().map(LiveSnapshot::pid).toList();
    }

    private static DataInputStream open(Socket socket) throws Exception {
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        byte[] magic = new byte[LiveServer.MAGIC.length];
        in.readFully(magic);
        assertArrayEquals(LiveServer.MAGIC, magic);
        return in;
    }

    /** The program's snapshot in the next frame (these tests publish for one process). */
    private static LiveSnapshot frame(DataInputStream in) throws Exception {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(frame));
        assertEquals(1, data.readInt());
        return LiveSnapshot.read(data);
    }
}
