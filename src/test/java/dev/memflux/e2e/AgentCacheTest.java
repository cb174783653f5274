package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent runs as the user: nothing found at its predictable cache path is trusted. */
class AgentCacheTest {
    @TempDir
    Path dir;

    @Test
    void aTamperedBootstrapInTheCacheIsNotUsed() throws Exception {
        Path cache = dir.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        Memflux.Result first = Memflux.runWith(dir, null, env, "run", "-q", "-o", "1.bin", "-c", "x = 1");
        assertEquals(0, first.exitCode(), first.toString());
        List<Path> bootstraps;
        try (Stream<Path> files = Files.walk(cache)) {
            bootstraps = files.filter(p -> p.getFileName().toString().equals("memflux_bootstrap.py")).toList();
        }
        assertEquals(1, bootstraps.size(), bootstraps.toString());
        Files.writeString(bootstraps.get(0), "print('TAMPERED')\n");

        Path marker = dir.resolve("ran");
        Memflux.Result r = Memflux.runWith(dir, null, env, "run", "-q", "-o", "2.bin",
                Memflux.program("writes_marker.py").toString(), marker.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.stdout().contains("TAMPERED"), r.toString());
        assertTrue(Files.exists(marker), "the program did not run");
        assertTrue(Files.size(dir.resolve("2.bin")) > 0);
    }

    @Test
    void filesPlantedBeforeTheFirstRunAreNotUsed() throws Exception {
        // Where this jar's agent goes, learned from a run in another cache: the path is
        // predictable, which is the point.
        Path learn = dir.resolve("learn");
        Memflux.Result first = Memflux.runWith(dir, null, Map.of("XDG_CACHE_HOME", learn.toString()), "run", "-q",
                "-o", "0.bin", "-c", "x = 1");
        assertEquals(0, first.exitCode(), first.toString());
        Path keyDir;
        try (Stream<Path> files = Files.list(learn.resolve("memflux"))) {
            keyDir = files.findFirst().orElseThrow();
        }
        Path cache = dir.resolve("planted");
        Path planted = Files.createDirectories(cache.resolve("memflux").resolve(keyDir.getFileName()));
        Files.writeString(planted.resolve("memflux_bootstrap.py"), "print('TAMPERED')\n");
        Files.write(planted.resolve("libmemflux-agent.so"), new byte[] {0x7f, 'E', 'L', 'F', 0});

        Path marker = dir.resolve("ran");
        Memflux.Result r = Memflux.runWith(dir, null, Map.of("XDG_CACHE_HOME", cache.toString()), "run", "-q",
                "-o", "p.bin", Memflux.program("writes_marker.py").toString(), marker.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.stdout().contains("TAMPERED"), r.toString());
        assertTrue(Files.exists(marker), "the program did not run");
    }

    @Test
    void aCacheDirectoryOfAnotherUserIsRefused() throws Exception {
        Path cache = dir.resolve("their-cache");
        Path memfluxCache = Files.createDirectories(cache.resolve("memflux"));
        Files.setPosixFilePermissions(memfluxCache, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(memfluxCache, "unix:uid", 65534);
        Path marker = dir.resolve("ran");
        Memflux.Result r = Memflux.runWith(dir, null, Map.of("XDG_CACHE_HOME", cache.toString()), "run", "-q",
                "-o", "o.bin", Memflux.program("writes_marker.py").toString(), marker.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("memflux: the agent cache " + memfluxCache + " is owned by another user: memflux will "
                + "not run code from it (remove it, or set XDG_CACHE_HOME elsewhere)"), r.stderr().lines().toList());
        assertFalse(Files.exists(marker), "the program ran");
    }

    @Test
    void aCacheDirectoryOthersCanWriteIsRefused() throws Exception {
        Path cache = dir.resolve("shared-cache");
        Path memfluxCache = Files.createDirectories(cache.resolve("memflux"));
        Files.setPosixFilePermissions(memfluxCache, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path marker = dir.resolve("ran");
        Memflux.Result r = Memflux.runWith(dir, null, Map.of("XDG_CACHE_HOME", cache.toString()), "run", "-q",
                "-o", "w.bin", Memflux.program("writes_marker.py").toString(), marker.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("memflux: the agent cache " + memfluxCache + " is writable by other users: memflux will "
                + "not run code from it (remove it, or set XDG_CACHE_HOME elsewhere)"), r.stderr().lines().toList());
        assertFalse(Files.exists(marker), "the program ran");
    }

    @Test
    void aCachePathWithASpaceIsNotPutInLdPreload() throws Exception {
        // ld.so splits LD_PRELOAD at spaces: the agent would not load and the program would run
        // unprofiled. The next candidate (HOME's .cache, then the temp directory) is used instead.
        Path cache = Files.createDirectory(dir.resolve("my cache"));
        Memflux.Result r = Memflux.runWith(dir, null, Map.of("XDG_CACHE_HOME", cache.toString()), "run", "-q",
                "-f", "-o", "s.bin", Memflux.program("exact_count.py").toString(), "321");
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.stderr().contains("ld.so"), r.stderr());
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(List.of(), files.toList());
        }
        Memflux.Result stats = Memflux.run(dir, "stats", "--json", "s.bin");
        assertEquals(0, stats.exitCode(), stats.toString());
        Map<String, Object> json = MiniJson.object(MiniJson.parse(stats.stdout()));
        assertTrue((Long) json.get("total_num_allocations") >= 321, stats.stdout());
    }

    @Test
    void withNoHomeAtAllNothingIsWrittenInTheCurrentDirectory() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        // A uid with no passwd entry: the JVM's user.home is "?" and HOME is unset.
        ProcessBuilder builder = Memflux.process(work, Memflux.command(List.of(), List.of("-Duser.home=?"), "run", "-q",
                "-o", "h.bin", "-c", "x = bytearray(1000)"))
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().remove("HOME");
        builder.environment().remove("XDG_CACHE_HOME");
        Process p = builder.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "memflux did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
        try (Stream<Path> files = Files.list(work)) {
            assertEquals(List.of("h.bin"), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void theSocketDirectoryOfAKilledRunIsRemovedByTheNext() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path stale = Files.createTempDirectory(tmp, "memflux-" + gone.pid() + "-");
        Files.createFile(stale.resolve("agent.sock"));
        Path live = Files.createTempDirectory(tmp, "memflux-" + ProcessHandle.current().pid() + "-");
        try {
            Memflux.Result r = Memflux.run(dir, "run", "-q", "-o", "s.bin", "-c", "x = 1");
            assertEquals(0, r.exitCode(), r.toString());
            assertFalse(Files.exists(stale), "the dead run's directory is still there: " + stale);
            assertTrue(Files.exists(live), "a running memflux's directory was removed: " + live);
        } finally {
            Files.deleteIfExists(stale.resolve("agent.sock"));
            Files.deleteIfExists(stale);
            Files.deleteIfExists(live);
        }
    }
}
