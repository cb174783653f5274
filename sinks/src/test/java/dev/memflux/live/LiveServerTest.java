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
        List<LiveSnapshot.Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(new LiveSnapshot.Row("function_with_a_long_name_" + i, "/some/where/program.py", i + 1,
                    1000L * i, 10L * i, i));
        }
        return new LiveSnapshot(4242, "python3 program.py", number, 100 * number, 200 * number, new long[] {number},
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
                assertEquals(-1, in.read(), "the feed ends after the program's last snapshot");
            }
        }
    }

    @Test
    void theFeedReaderTellsAnEndFromALoss() throws Exception {
        LiveServer server = LiveServer.bind(0);
        LiveFeed feed = LiveFeed.connect(server.port());
        server.publish(snapshot(1, 1, false));
        assertFalse(feed.next().ended());
        server.close(0);
        assertNull(feed.next(), "a feed cut before the program's end reads as its end of stream");
        feed.close();
    }

    private static DataInputStream open(Socket socket) throws Exception {
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        byte[] magic = new byte[LiveServer.MAGIC.length];
        in.readFully(magic);
        assertArrayEquals(LiveServer.MAGIC, magic);
        return in;
    }

    private static LiveSnapshot frame(DataInputStream in) throws Exception {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return LiveSnapshot.read(new DataInputStream(new java.io.ByteArrayInputStream(frame)));
    }
}
