package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive, unpacked into an empty directory, runs run, stats and check
 * with nothing on PATH but java, python3 and the few tools its script uses: no Maven, no
 * source tree, no build.
 */
class DistArchiveTest {
    @TempDir
    Path dir;

    @Test
    void unpackedArchiveRunsStatsAndChecksWithOnlyAJre() throws Exception {
        Path archive;
        try (Stream<Path> files = Files.list(Memflux.JAR.getParent())) {
            archive = files.filter(p -> p.getFileName().toString().matches("memflux-.*-dist\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no memflux-*-dist.tar.gz beside " + Memflux.JAR));
        }
        Path unpacked = Files.createDirectory(dir.resolve("opt"));
        assertEquals(0, new ProcessBuilder("tar", "xzf", archive.toString(), "-C", unpacked.toString()).inheritIO()
                .start().waitFor());
        Path memflux;
        try (Stream<Path> tops = Files.list(unpacked)) {
            memflux = tops.findFirst().orElseThrow().resolve("bin/memflux");
        }
        assertTrue(Files.isExecutable(memflux), memflux.toString());
        // a PATH with java, python3 and the script's tools, nothing else (mvn, gcc, the tree stay out)
        Path tools = Files.createDirectory(dir.resolve("tools"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Files.createSymbolicLink(tools.resolve("java"), java);
        Files.createSymbolicLink(tools.resolve("python3"), Path.of("/usr/bin/python3"));
        for (String tool : List.of("bash", "dirname", "readlink", "grep", "mkdir", "mv", "rm")) {
            Files.createSymbolicLink(tools.resolve(tool), Path.of(which(tool)));
        }
        Path work = Files.createDirectory(dir.resolve("work"));
        Map<String, String> env = Map.of("PATH", tools.toString(), "XDG_CACHE_HOME", dir.resolve("cache").toString());

        List<String> run = run(memflux, work, env, "run", "-q", "-o", "a.bin", "-c", "b = bytearray(3_000_000)");
        assertEquals("0", run.get(0), run.toString());
        List<String> stats = run(memflux, work, env, "stats", "a.bin");
        assertEquals("0", stats.get(0), stats.toString());
        assertTrue(stats.get(1).contains("Total allocations:"), stats.toString());
        List<String> over = run(memflux, work, env, "check", "--max-leaked", "2MiB", "a.bin");
        assertEquals("3", over.get(0), over.toString());
        assertTrue(over.get(1).startsWith("FAIL leaked 2.86 MiB > 2.00 MiB, top: <module> (<string>:1)"), over.toString());
        List<String> under = run(memflux, work, env, "check", "--max-leaked", "3MiB", "a.bin");
        assertEquals("0", under.get(0), under.toString());
        assertTrue(Files.isDirectory(dir.resolve("cache/memflux")), "the agent is extracted into the user's cache");

        // The first run made a class-data archive of what a run loads; the next runs load from it.
        try (Stream<Path> made = Files.list(dir.resolve("cache/memflux/cds"))) {
            assertEquals(1, made.filter(p -> p.toString().endsWith(".jsa")).count(), "no class-data archive made");
        }
        Path classes = dir.resolve("classes.log");
        Map<String, String> logged = new java.util.HashMap<>(env);
        logged.put("MEMFLUX_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        List<String> again = run(memflux, work, logged, "run", "-q", "-f", "-o", "a.bin", "-c", "b = 1");
        assertEquals("0", again.get(0), again.toString());
        assertTrue(Files.readAllLines(classes).stream()
                .anyMatch(l -> l.contains(" dev.memflux.cli.RunSession source: shared objects file")),
                "the run's classes did not come from the class-data archive");
    }

    /** exit code, stdout, stderr of the unpacked memflux run with exactly {@code env}. */
    private static List<String> run(Path memflux, Path work, Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(memflux.toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).directory(work.toFile());
        b.environment().clear();
        b.environment().putAll(env);
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = b.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("memflux did not finish in 120 s: " + command);
        }
        return List.of(Integer.toString(p.exitValue()), Files.readString(out), Files.readString(err));
    }

    private static String which(String tool) {
        for (String d : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return Path.of(d, tool).toString();
            }
        }
        throw new AssertionError("no " + tool + " on PATH");
    }
}
