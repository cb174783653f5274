package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code run --live-remote} and {@code memflux live PORT --print} in separate processes, on
 * live_steps.py, whose heap grows by known steps at a known line when the test says so.
 */
class LiveRemoteTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void viewersSeeTheHeapGrowAtItsLineAndANewViewerSeesTheStateAtOnce(String python) throws Exception {
        String grow = LiveRuns.place("grow");
        String hold = LiveRuns.place("hold");
        LiveRuns.Server server = LiveRuns.startServer(dir, "--live-remote", "--python", python,
                LiveRuns.STEPS.toString(), dir.toString());
        Process first = null;
        Process second = null;
        Process third = null;
        try {
            Path out1 = dir.resolve("first.txt");
            first = LiveRuns.viewer(dir, server.port(), out1, "--interval", "0.2", "--sort", "own", "-n", "5");
            awaitTop(out1, "grow", grow, LiveRuns.STEP_BYTES);
            Files.createFile(dir.resolve("go1"));
            awaitTop(out1, "grow", grow, 2 * LiveRuns.STEP_BYTES);

            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            // An hour between snapshots: all this viewer can print in the test's time is the
            // one it is given on connecting.
            Path out2 = dir.resolve("second.txt");
            second = LiveRuns.viewer(dir, server.port(), out2, "--interval", "3600", "--sort", "own", "-n", "5");
            Await.until("the new viewer prints its first snapshot", Duration.ofSeconds(60),
                    () -> !LiveRuns.snapshots(out2).isEmpty());
            LiveRuns.Snapshot now = LiveRuns.snapshots(out2).get(0);
            assertTop(now, "grow", grow, 2 * LiveRuns.STEP_BYTES);
            assertTrue(now.header().contains("all 2 threads merged"), now.header());

            Path out3 = dir.resolve("third.txt");
            third = LiveRuns.viewer(dir, server.port(), out3, "--interval", "3600", "--sort", "own", "--thread", "2");
            Await.until("the thread-2 viewer prints", Duration.ofSeconds(60), () -> !LiveRuns.snapshots(out3).isEmpty());
            LiveRuns.Snapshot worker = LiveRuns.snapshots(out3).get(0);
            assertTrue(worker.header().contains("thread 2 of 2"), worker.header());
            assertTop(worker, "hold", hold, 2 * 3145729L);
            assertNull(worker.row("grow", grow), "thread 1's allocations in thread 2's table");

            Files.createFile(dir.resolve("go2"));
            Files.createFile(dir.resolve("go3"));
            Files.createFile(dir.resolve("stop"));
            assertTrue(server.process().waitFor(120, TimeUnit.SECONDS), server::err);
            assertEquals(0, server.process().exitValue(), server::err);
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the viewer did not end with the program");
            assertEquals(0, second.exitValue());
            LiveRuns.Snapshot last = LiveRuns.last(out2);
            assertTrue(last.ended(), last.header());
            // At its peak the program held its three steps and the worker's bytes at once.
            long held = 3 * LiveRuns.STEP_BYTES + 2 * 3145729L + 300 * 1001L;
            assertTrue(LiveRuns.peak(last) >= held, () -> last.header() + "\nexpected a peak of " + held + " at least");
        } finally {
            LiveRuns.stopAll(first, second, third, server.process());
        }
    }

    private static void awaitTop(Path out, String function, String place, long ownBytes) throws Exception {
        Await.until(function + " at the top with " + ownBytes + " bytes", Duration.ofSeconds(60), () -> {
            LiveRuns.Snapshot s = LiveRuns.last(out);
            return s != null && isTop(s, function, place, ownBytes);
        });
    }

    private static void assertTop(LiveRuns.Snapshot s, String function, String place, long ownBytes) {
        assertTrue(isTop(s, function, place, ownBytes), () -> "expected " + function + " at " + place + " with "
                + ownBytes + " own bytes first in:\n" + s.header() + "\n" + String.join("\n", s.rows()));
    }

    /** The first row is {@code function} at {@code place} with exactly {@code ownBytes} live there. */
    private static boolean isTop(LiveRuns.Snapshot s, String function, String place, long ownBytes) {
        String[] cells = s.first().trim().split("\\s+");
        return cells.length == 7 && cells[2].equals(LiveRuns.bytes(ownBytes)) && cells[5].equals(function)
                && cells[6].equals(place);
    }
}
