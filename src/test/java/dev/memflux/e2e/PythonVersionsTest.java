package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CPython memflux supports, as pyenv installs them ($PYENV_ROOT or ~/.pyenv): the
 * profile-function source on each, and the frame walk where it applies (3.11, 3.12, 3.13).
 * A version missing from the machine is skipped.
 */
class PythonVersionsTest {
    @TempDir
    Path dir;

    static Stream<Arguments> versions() {
        return Stream.of("3.8", "3.9", "3.10", "3.11", "3.12", "3.13").flatMap(v -> StackSources.WALKING.contains(v)
                ? Stream.of(Arguments.of(v, "walk"), Arguments.of(v, "profile")) : Stream.of(Arguments.of(v, "profile")));
    }

    @ParameterizedTest(name = "CPython {0} {1}")
    @MethodSource("versions")
    void exactCountsAndLinesOnEveryInstalledVersion(String version, String source) throws Exception {
        Optional<Path> python = Pyenv.python(version);
        assumeTrue(python.isPresent(), "CPython " + version + " is not installed under pyenv");
        Path program = Memflux.program("small_stack.py");
        FileAnalysis analysis = FileAnalysis.of(
                StackSources.capture(dir, python.get().toString(), source, program));
        StackSources.assertSource(source, analysis);
        Aggregator a = analysis.totals();
        int leaf = Programs.lineOf(program, "leaf");
        assertEquals(new Programs.Site(36, 19, 36L * 12_345, 17L * 12_345),
                Programs.site(a, "leaf", program.toString(), leaf));
        List<String> expected = List.of("leaf:" + leaf, "middle:" + Programs.lineOf(program, "calls-leaf"),
                "<module>:" + Programs.lineOf(program, "calls-middle"));
        long fromMain = 0;
        for (int node = 1; node < a.stacks().nodeCount(); node++) {
            if (a.nodeAllocations(node) == 17 && a.nodeBytes(node) == 17L * 12_345) {
                assertEquals(expected, StackSources.stack(a.stacks(), node));
                fromMain++;
            }
        }
        assertEquals(1, fromMain);
    }

    @ParameterizedTest(name = "CPython {0} {1}")
    @MethodSource("versions")
    void theProgramsOwnProfilersOnEveryInstalledVersion(String version, String source) throws Exception {
        Optional<Path> python = Pyenv.python(version);
        assumeTrue(python.isPresent(), "CPython " + version + " is not installed under pyenv");
        Path program = Memflux.program("own_profilers.py");
        FileAnalysis analysis = FileAnalysis.of(
                StackSources.capture(dir, python.get().toString(), source, program));
        StackSources.assertSource(source, analysis);
        OwnProfilersTest.assertExactSites(analysis.totals(), program);
    }

    @ParameterizedTest(name = "CPython {0} {1}")
    @MethodSource("versions")
    void nonAsciiNamesAndGilFreeThreadsOnEveryInstalledVersion(String version, String source) throws Exception {
        Optional<Path> python = Pyenv.python(version);
        assumeTrue(python.isPresent(), "CPython " + version + " is not installed under pyenv");
        Aggregator names = FileAnalysis.of(StackSources.capture(dir, python.get().toString(), source,
                Memflux.program("unicode_names.py"))).totals();
        Path file = Memflux.program("unicode_names").resolve("😀").resolve("café.py");
        assertEquals(new Programs.Site(7, 0, 7L * 10_007, 7L * 10_007),
                Programs.site(names, "𠮷野家", file.toString(), Programs.lineOf(file, "alloc")));
        Path threads = Memflux.program("gil_free_threads.py");
        Aggregator a = FileAnalysis.of(
                StackSources.capture(dir, python.get().toString(), source, threads, "500")).totals();
        assertEquals(new Programs.Site(4000, 4000, 4000L * 7777, 0),
                Programs.site(a, "worker", threads.toString(), Programs.lineOf(threads, "worker")));
    }

    @ParameterizedTest(name = "CPython {0} {1}")
    @MethodSource("versions")
    void followForkOnEveryInstalledVersion(String version, String source) throws Exception {
        Optional<Path> python = Pyenv.python(version);
        assumeTrue(python.isPresent(), "CPython " + version + " is not installed under pyenv");
        Map<String, String> env = source.equals("profile") ? Map.of("MEMFLUX_STACK_SOURCE", "profile") : Map.of();
        Path forks = Memflux.program("follow_forks.py");
        Memflux.Result r = Memflux.runWith(dir, null, env, "run", "-q", "--follow-fork", "--python",
                python.get().toString(), "-o", "fork.bin", forks.toString());
        assertEquals(0, r.exitCode(), r.toString());
        FollowForkTest.assertParentChildAndGrandchild(dir, r, forks, source);
        Path pool = Memflux.program("fork_pool_tasks.py");
        r = Memflux.runWith(dir, null, env, "run", "-q", "--follow-fork", "--python", python.get().toString(), "-o",
                "pool.bin", pool.toString());
        assertEquals(0, r.exitCode(), r.toString());
        FollowForkTest.assertEachWorkerHoldsItsTasks(dir, r, pool);
    }
}
