package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --follow-fork} with {@code --live-remote}: one feed shows the program and each
 * forked child, each with its own table (follow_forks.py: a known buffer per process).
 */
class LiveForkTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void oneFeedShowsEveryProcessWithItsOwnBuffer(String python) throws Exception {
        Path program = Memflux.program("follow_forks.py");
        LiveRuns.Server server = LiveRuns.startServer(dir, "--live-remote", "--follow-fork", "--python", python,
                "-o", "forks.bin", program.toString());
        Path out = dir.resolve("view.txt");
        Process viewer = LiveRuns.viewer(dir, server.port(), out, "--interval", "0.2", "--sort", "own", "-n", "3");
        try {
            assertTrue(server.process().waitFor(120, TimeUnit.SECONDS), server::err);
            assertEquals(0, server.process().exitValue(), server::err);
            assertTrue(viewer.waitFor(60, TimeUnit.SECONDS), "the viewer did not end with the processes");
            assertEquals(0, viewer.exitValue());
        } finally {
            LiveRuns.stopAll(viewer, server.process());
        }
        // The last print: one snapshot per process, the program's first, each ended, each
        // with its own buffer first and none of the others'.
        List<LiveRuns.Snapshot> all = LiveRuns.snapshots(out);
        assertTrue(all.size() >= 3, () -> "fewer than 3 snapshots: " + all);
        List<LiveRuns.Snapshot> last = all.subList(all.size() - 3, all.size());
        Map<String, Long> sites = Map.of("parent", 3_000_017L, "child", 5_000_011L, "grandchild", 7_000_003L);
        Set<String> seen = new HashSet<>();
        for (LiveRuns.Snapshot s : last) {
            assertTrue(s.ended(), s.header());
            String[] cells = s.first().trim().split("\\s+");
            String site = siteAt(program, cells[6]);
            assertEquals(LiveRuns.bytes(sites.get(site)), cells[2], () -> s.header() + "\n" + String.join("\n", s.rows()));
            for (String other : sites.keySet()) {
                if (!other.equals(site)) {
                    assertEquals(null, s.row("<module>", program + ":" + Programs.lineOf(program, other)),
                            other + "'s buffer in " + site + "'s table");
                }
            }
            seen.add(site);
        }
        assertEquals(sites.keySet(), seen);
        assertEquals("parent", siteAt(program, last.get(0).first().trim().split("\\s+")[6]), "the program comes first");
        assertTrue(server.err().contains("forked child"), server::err);
    }

    /** Which of follow_forks.py's sites is at {@code place} (file:line). */
    private static String siteAt(Path program, String place) throws Exception {
        for (String site : List.of("parent", "child", "grandchild")) {
            if (place.equals(program + ":" + Programs.lineOf(program, site))) {
                return site;
            }
        }
        throw new AssertionError("no site at " + place);
    }
}
