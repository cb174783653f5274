package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.RecordTag;
import dev.memflux.report.FileAnalysis;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --follow-fork: every forked child (grandchildren too) into its own complete capture,
 * under both stack sources (the profile function's shadow stack is inherited by the child).
 */
class FollowForkTest {
    @TempDir
    Path dir;

    /** memflux run -q --follow-fork, the program ending with 0. */
    private Memflux.Result run(String python, String source, String out, Path program) throws Exception {
        return follow(python, source, List.of("-q"), out, program);
    }

    /** memflux run --follow-fork FLAGS, the program ending with 0. */
    private Memflux.Result follow(String python, String source, List<String> flags, String out, Path program)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--follow-fork"));
        args.addAll(flags);
        args.addAll(List.of("--python", python, "-o", out, program.toString()));
        Memflux.Result r = Memflux.runWith(dir, null, source.equals("profile")
                ? Map.of("MEMFLUX_STACK_SOURCE", "profile") : Map.of(), args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    /** follow_forks.py into fork.bin, with the default stack source and {@code flags}. */
    private Memflux.Result followForks(String python, String... flags) throws Exception {
        return follow(python, "walk", List.of(flags), "fork.bin", Memflux.program("follow_forks.py"));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.StackSources#bothOnDefaultPythons")
    void parentChildAndGrandchildEachGetTheirOwnCapture(String python, String source) throws Exception {
        Path program = Memflux.program("follow_forks.py");
        Memflux.Result r = run(python, source, "fork.bin", program);
        assertParentChildAndGrandchild(dir, r, program, source);
    }

    /** follow_forks.py's three captures, with their numbers; shared with PythonVersionsTest. */
    static void assertParentChildAndGrandchild(Path dir, Memflux.Result r, Path program, String source) throws Exception {
        long child = number(r.stdout(), "child=(\\d+) status=4");
        long grandchild = number(r.stdout(), "grandchild=(\\d+) status=5");
        assertEquals(List.of("fork.bin", "fork.bin." + child, "fork.bin." + grandchild).stream().sorted().toList(),
                captures(dir, "fork.bin"), r.toString());
        expectOnly(dir.resolve("fork.bin"), program, "parent", 3_000_017);
        expectOnly(dir.resolve("fork.bin." + child), program, "child", 5_000_011);
        expectOnly(dir.resolve("fork.bin." + grandchild), program, "grandchild", 7_000_003);
        FileAnalysis childCapture = FileAnalysis.of(dir.resolve("fork.bin." + child));
        assertEquals(child, childCapture.header().pid());
        StackSources.assertSource(source, childCapture);
        assertEquals(child, FileAnalysis.of(dir.resolve("fork.bin." + grandchild)).header().ppid());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.StackSources#bothOnDefaultPythons")
    void eachLongLivedPoolWorkerGetsACaptureWithExactlyItsTasks(String python, String source) throws Exception {
        Path program = Memflux.program("fork_pool_tasks.py");
        Memflux.Result r = run(python, source, "pool.bin", program);
        assertEachWorkerHoldsItsTasks(dir, r, program);
    }

    /** fork_pool_tasks.py's four captures, with their numbers; shared with PythonVersionsTest. */
    static void assertEachWorkerHoldsItsTasks(Path dir, Memflux.Result r, Path program) throws Exception {
        assertTrue(r.stdout().contains("total tasks=60 bytes=6001830"), r.stdout());
        Matcher worker = Pattern.compile("worker=(\\d+) tasks=(\\d+) bytes=(\\d+)").matcher(r.stdout());
        List<String> expected = new ArrayList<>(List.of("pool.bin"));
        int line = Programs.lineOf(program, "task");
        while (worker.find()) {
            String name = "pool.bin." + worker.group(1);
            expected.add(name);
            FileAnalysis capture = FileAnalysis.of(dir.resolve(name));
            assertFalse(capture.cutShort(), name);
            Programs.Site site = Programs.site(capture.totals(), "task", program.toString(), line);
            assertEquals(new Programs.Site(20, 20, Long.parseLong(worker.group(3)), 0), site, name);
            assertEquals("20", worker.group(2));
        }
        assertEquals(expected.stream().sorted().toList(), captures(dir, "pool.bin"), r.toString());
        assertEquals(4, expected.size(), "three workers: " + r);
        Programs.Site inParent = Programs.site(FileAnalysis.of(dir.resolve("pool.bin")).totals(), "task",
                program.toString(), line);
        assertEquals(0, inParent.allocations(), "the parent runs no task");
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.StackSources#bothOnDefaultPythons")
    void eachPreForkedWorkerGetsTheRequestsItServed(String python, String source) throws Exception {
        Path program = Memflux.program("prefork_server.py");
        Memflux.Result r = run(python, source, "server.bin", program);
        Matcher worker = Pattern.compile("worker=(\\d) pid=(\\d+) answers=4").matcher(r.stdout());
        List<String> expected = new ArrayList<>(List.of("server.bin"));
        int line = Programs.lineOf(program, "request");
        while (worker.find()) {
            int w = Integer.parseInt(worker.group(1));
            String name = "server.bin." + worker.group(2);
            expected.add(name);
            FileAnalysis capture = FileAnalysis.of(dir.resolve(name));
            assertFalse(capture.cutShort(), name);
            assertEquals(new Programs.Site(4, 4, 4L * (200_001 + 1000 * w) + 6, 0),
                    Programs.site(capture.totals(), "serve", program.toString(), line), name);
        }
        assertEquals(4, expected.size(), r.toString());
        assertEquals(expected.stream().sorted().toList(), captures(dir, "server.bin"), r.toString());
        assertEquals(0, Programs.site(FileAnalysis.of(dir.resolve("server.bin")).totals(), "serve",
                program.toString(), line).allocations());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aChildThatOutlivesTheProgramIsFollowedToItsEnd(String python) throws Exception {
        Path program = Memflux.program("orphan_child.py");
        Memflux.Result r = follow(python, "walk", List.of(), "orphan.bin", program);
        long orphan = number(r.stdout(), "orphan=(\\d+)");
        Path file = dir.resolve("orphan.bin." + orphan);
        // Named at the end, after the program's own capture.
        assertTrue(r.stderr().indexOf("memflux: wrote " + file.getFileName() + " (forked child " + orphan)
                > r.stderr().indexOf("memflux: wrote orphan.bin ("), r.stderr());
        FileAnalysis capture = FileAnalysis.of(file);
        assertFalse(capture.cutShort());
        assertEquals(new Programs.Site(1, 0, 4_000_037, 4_000_037), Programs.site(capture.totals(), "<module>",
                program.toString(), Programs.lineOf(program, "orphan")));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aChildStillRunningAtTheBoundIsNamedAndKeepsWhatCame(String python) throws Exception {
        Path program = Memflux.program("orphan_child.py");
        Path fifo = dir.resolve("release");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
        Memflux.Result r = Memflux.runWithJvm(dir, List.of("-Dmemflux.forkWaitSeconds=1"), null, Map.of(), "run",
                "--follow-fork", "--python", python, "-o", "orphan.bin", program.toString(), "stay", fifo.toString());
        long orphan = number(r.stdout(), "orphan=(\\d+)");
        ProcessHandle child = ProcessHandle.of(orphan).orElseThrow(() -> new AssertionError("child gone: " + r));
        try (OutputStream release = Files.newOutputStream(fifo)) {
            release.write("go\n".getBytes(StandardCharsets.UTF_8));
        }
        child.onExit().get(30, TimeUnit.SECONDS);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("memflux: gave up waiting for forked children still running 1 s after the "
                + "program ended; their captures hold what came until then: [orphan.bin." + orphan + "]"), r.stderr());
        assertTrue(Files.exists(dir.resolve("orphan.bin." + orphan)), captures(dir, "orphan") + " " + r);
        FileAnalysis capture = FileAnalysis.of(dir.resolve("orphan.bin." + orphan));
        assertTrue(capture.cutShort());
        assertEquals(1, Programs.site(capture.totals(), "<module>", program.toString(),
                Programs.lineOf(program, "orphan")).allocations());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.StackSources#bothOnDefaultPythons")
    void aChildThatExecsIsFollowedUpToItsExecOnly(String python, String source) throws Exception {
        Path program = Memflux.program("fork_exec.py");
        Memflux.Result r = follow(python, source, List.of(), "exec.bin", program);
        long child = number(r.stdout(), "child=(\\d+) status=6");
        assertEquals(List.of("exec.bin", "exec.bin." + child), captures(dir, "exec.bin"), r.toString());
        assertTrue(r.stderr().contains("(forked child " + child + ", ") && r.stderr().contains("; it exec'd "),
                r.stderr());
        for (String name : List.of("exec.bin", "exec.bin." + child)) {
            FileAnalysis capture = FileAnalysis.of(dir.resolve(name));
            assertFalse(capture.cutShort(), name);
            boolean isChild = !name.equals("exec.bin");
            for (String site : List.of("parent", "child")) {
                assertEquals(site.equals("child") == isChild ? 1 : 0, Programs.site(capture.totals(), "<module>",
                        program.toString(), Programs.lineOf(program, site)).allocations(), name + " at " + site);
            }
            assertEquals(isChild ? sys(python) : null, capture.totals().execedPath(), name);
            assertTrue(capture.totals().bytesAllocated() < 9_000_001, name + ": nothing of the exec'd program");
        }
    }

    /** The interpreter's sys.executable, which the child execs. */
    private static String sys(String python) throws Exception {
        return output(python, "import sys; print(sys.executable)");
    }

    private static String output(String python, String code) throws Exception {
        Process p = new ProcessBuilder(python, "-c", code).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void everyFileIsNamedAtTheEndUnlessQuiet(String python) throws Exception {
        Memflux.Result loud = followForks(python);
        for (String name : captures(dir, "fork.bin")) {
            assertTrue(loud.stderr().contains("memflux: wrote " + name + " ("), loud.stderr());
        }
        Memflux.Result quiet = followForks(python, "-q", "-f");
        assertEquals("", quiet.stderr());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void withNativeStacksAGrandchildsStackReachesIntoFramesTheParentMet(String python) throws Exception {
        Path program = Memflux.program("follow_forks.py");
        Memflux.Result r = followForks(python, "-q", "--native");
        long grandchild = number(r.stdout(), "grandchild=(\\d+) status=5");
        expectOnly(dir.resolve("fork.bin." + grandchild), program, "grandchild", 7_000_003);
        Memflux.Result stats = Memflux.run(dir, "stats", "--json", "-n", "1", "fork.bin." + grandchild);
        assertEquals(0, stats.exitCode(), stats.toString());
        Map<String, Object> top = MiniJson.object(MiniJson.array(
                MiniJson.object(MiniJson.parse(stats.stdout())).get("top_allocations_by_size")).get(0));
        assertEquals("<module>:" + program + ":" + Programs.lineOf(program, "grandchild"), top.get("location"));
        List<String> natives = MiniJson.array(top.get("stack")).stream().map(MiniJson::object)
                .filter(f -> Boolean.TRUE.equals(f.get("native"))).map(f -> (String) f.get("function")).toList();
        // The outermost frames were interned by the parent before either fork: the replayed
        // dictionary names them in the grandchild's file.
        assertTrue(natives.contains("Py_BytesMain") && natives.contains("PyByteArray_Resize"), natives.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void withPythonAllocatorsTracedEveryChildTracesThemToo(String python) throws Exception {
        long object = Long.parseLong(output(python, "print(bytearray.__basicsize__)"));
        Memflux.Result r = followForks(python, "-q", "--trace-python-allocators");
        Path program = Memflux.program("follow_forks.py");
        long child = number(r.stdout(), "child=(\\d+) status=4");
        long grandchild = number(r.stdout(), "grandchild=(\\d+) status=5");
        Map<String, String> sites = Map.of("fork.bin", "parent", "fork.bin." + child, "child",
                "fork.bin." + grandchild, "grandchild");
        Map<String, Long> sizes = Map.of("parent", 3_000_017L, "child", 5_000_011L, "grandchild", 7_000_003L);
        for (var file : sites.entrySet()) {
            // Each buffer now comes with its bytearray object, a pymalloc block of its own.
            expectOnly(dir.resolve(file.getKey()), program, file.getValue(), 2, sizes.get(file.getValue()) + object);
            FileAnalysis capture = FileAnalysis.of(dir.resolve(file.getKey()));
            assertTrue(capture.header().has(RecordTag.FLAG_PYTHON_ALLOCATORS), file.getKey());
            assertTrue(capture.totals().allocationsBy(AllocatorKind.PYMALLOC_MALLOC) > 0, file.getKey());
        }
    }

    static void expectOnly(Path file, Path program, String site, long size) throws Exception {
        expectOnly(file, program, site, 1, size);
    }

    /** follow_forks.py's sites: {@code site} made {@code allocations} holding {@code bytes} at the end, no other any. */
    static void expectOnly(Path file, Path program, String site, long allocations, long bytes) throws Exception {
        FileAnalysis capture = FileAnalysis.of(file);
        assertFalse(capture.cutShort(), file.toString());
        for (String other : new String[] {"parent", "child", "grandchild"}) {
            Programs.Site s = Programs.site(capture.totals(), "<module>", program.toString(),
                    Programs.lineOf(program, other));
            assertEquals(other.equals(site) ? allocations : 0, s.allocations(), file + " at site " + other);
            assertEquals(other.equals(site) ? bytes : 0, s.liveAtEnd(), file + " at site " + other);
        }
    }

    static List<String> captures(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
        }
    }

    static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), text);
        return Long.parseLong(m.group(1));
    }
}
