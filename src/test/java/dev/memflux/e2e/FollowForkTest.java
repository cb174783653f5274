package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.report.FileAnalysis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** --follow-fork: every forked child (grandchildren too) into its own complete capture. */
class FollowForkTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.StackSources#walking")
    void parentChildAndGrandchildEachGetTheirOwnCapture(String python) throws Exception {
        Path program = Memflux.program("follow_forks.py");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--follow-fork", "--python", python, "-o", "fork.bin",
                program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        long child = number(r.stdout(), "child=(\\d+) status=4");
        long grandchild = number(r.stdout(), "grandchild=(\\d+) status=5");
        assertEquals(List.of("fork.bin", "fork.bin." + child, "fork.bin." + grandchild).stream().sorted().toList(),
                captures(), r.toString());

        expectOnly(dir.resolve("fork.bin"), program, "parent", 3_000_017);
        expectOnly(dir.resolve("fork.bin." + child), program, "child", 5_000_011);
        expectOnly(dir.resolve("fork.bin." + grandchild), program, "grandchild", 7_000_003);
        assertEquals(child, FileAnalysis.of(dir.resolve("fork.bin." + child)).header().pid());
        assertEquals(child, FileAnalysis.of(dir.resolve("fork.bin." + grandchild)).header().ppid());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.StackSources#walking")
    void eachPoolWorkerGetsACaptureWithItsTasks(String python) throws Exception {
        Path program = Memflux.program("fork_pool.py");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--follow-fork", "--python", python, "-o", "pool.bin",
                program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("results=" + (6 * 1_000_002 + 15)), r.stdout());
        List<String> files = captures();
        assertEquals(3, files.size(), files.toString());
        int line = Programs.lineOf(program, "task");
        long tasks = 0;
        long bytes = 0;
        for (String name : files) {
            FileAnalysis capture = FileAnalysis.of(dir.resolve(name));
            assertFalse(capture.cutShort(), name);
            Programs.Site site = Programs.site(capture.totals(), "task", program.toString(), line);
            if (name.equals("pool.bin")) {
                assertEquals(0, site.allocations(), "the parent runs no task");
            }
            tasks += site.allocations();
            bytes += site.bytes();
        }
        assertEquals(6, tasks);
        assertEquals(6 * 1_000_003L, bytes);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void withTheProfileFunctionChildrenAreLeftUntrackedAndSaidSo(String python) throws Exception {
        Path program = Memflux.program("follow_forks.py");
        Memflux.Result r = Memflux.runWith(dir, null, Map.of("MEMFLUX_STACK_SOURCE", "profile"), "run", "-q",
                "--follow-fork", "--python", python, "-o", "fork.bin", program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("status=4") && r.stdout().contains("status=5"), r.toString());
        assertTrue(r.stderr().contains("--follow-fork needs the frame-walk stack source"), r.toString());
        assertEquals(List.of("fork.bin"), captures(), r.toString());
        expectOnly(dir.resolve("fork.bin"), program, "parent", 3_000_017);
    }

    private void expectOnly(Path file, Path program, String site, long size) throws Exception {
        FileAnalysis capture = FileAnalysis.of(file);
        assertFalse(capture.cutShort(), file.toString());
        for (String other : new String[] {"parent", "child", "grandchild"}) {
            Programs.Site s = Programs.site(capture.totals(), "<module>", program.toString(),
                    Programs.lineOf(program, other));
            assertEquals(other.equals(site) ? 1 : 0, s.allocations(), file + " at site " + other);
            assertEquals(other.equals(site) ? size : 0, s.liveAtEnd(), file + " at site " + other);
        }
    }

    private List<String> captures() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("fork.bin") || n.startsWith("pool.bin"))
                    .sorted().toList();
        }
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), text);
        return Long.parseLong(m.group(1));
    }
}
