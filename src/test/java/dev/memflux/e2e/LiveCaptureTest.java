package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code -o} with {@code --live-remote}: the capture file and the live feed come from one stream. */
class LiveCaptureTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aLiveRunWritesTheSameCaptureAsAPlainRun(String python) throws Exception {
        String program = Memflux.program("exact_count.py").toString();
        Memflux.Result plain = Memflux.run(dir, "run", "-q", "--python", python, "-o", "plain.bin", program, "2000");
        assertEquals(0, plain.exitCode(), plain::toString);
        LiveRuns.Server server = LiveRuns.startServer(dir, "--live-remote", "--python", python, "-o", "live.bin",
                program, "2000");
        Process viewer = LiveRuns.viewer(dir, server.port(), dir.resolve("view.txt"), "--interval", "0.2");
        try {
            assertTrue(server.process().waitFor(120, TimeUnit.SECONDS), server::err);
            assertEquals(0, server.process().exitValue(), server::err);
            assertTrue(server.err().contains("memflux: wrote live.bin"), server::err);
            assertTrue(viewer.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, viewer.exitValue());
        } finally {
            LiveRuns.stopAll(viewer, server.process());
        }
        String live = stats("live.bin");
        assertTrue(live.contains("\"total_num_allocations\": 2000"), live);
        assertEquals(withoutRunIdentity(stats("plain.bin")), withoutRunIdentity(live));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aStoppedViewerDoesNotHoldUpTheProgram(String python) throws Exception {
        Path program = Memflux.program("live_churn.py");
        int line = Programs.lineOf(program, "churn");
        LiveRuns.Server server = LiveRuns.startServer(dir, "--live-remote", "--python", python, "-o", "churn.bin",
                program.toString(), dir.toString(), "100000");
        Path out = dir.resolve("view.txt");
        Process viewer = LiveRuns.viewer(dir, server.port(), out, "--interval", "0.1");
        try {
            Await.until("the viewer prints", Duration.ofSeconds(60), () -> !LiveRuns.snapshots(out).isEmpty());
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(viewer.pid())).start().waitFor());
            Files.createFile(dir.resolve("go"));
            assertTrue(server.process().waitFor(180, TimeUnit.SECONDS), "memflux waits for a stopped viewer");
            assertEquals(0, server.process().exitValue(), server::err);
            assertTrue(Files.readString(dir.resolve("run.out")).startsWith("churn seconds "));
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(viewer.pid())).start().waitFor();
            LiveRuns.stopAll(viewer, server.process());
        }
        Map<String, Object> stats = MiniJson.object(MiniJson.parse(stats("churn.bin")));
        Map<String, Object> top = MiniJson.object(MiniJson.array(stats.get("top_allocations_by_count")).get(0));
        assertEquals("churn:" + program + ":" + line, top.get("location"));
        assertEquals(100000L, ((Number) top.get("count")).longValue());
        assertEquals(false, MiniJson.object(stats.get("metadata")).get("cut_short"));
    }

    private String stats(String file) throws Exception {
        Memflux.Result r = Memflux.run(dir, "stats", "--json", file);
        assertEquals(0, r.exitCode(), r::toString);
        return r.stdout();
    }

    /** What differs between any two runs of a program: when, and which process. */
    private static String withoutRunIdentity(String json) {
        return String.join("\n", json.lines().filter(l -> !List.of("\"start_time\"", "\"end_time\"", "\"pid\"",
                "\"peak_memory_time_ms\"").contains(l.strip().split(":")[0])).toList());
    }
}
