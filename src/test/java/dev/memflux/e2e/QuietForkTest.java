package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CPython 3.12+ warns on stderr when a multi-threaded process forks; the agent's ticker
 * thread must not make a single-threaded program multi-threaded in CPython's eyes, nor
 * hide the warning from a program that has threads of its own.
 */
class QuietForkTest {
    @TempDir
    Path dir;
    private String python;
    private Path program;

    static Stream<Arguments> versionsAndModes() {
        return Stream.of("3.12", "3.13").flatMap(v -> Stream.of(Arguments.of(v, false), Arguments.of(v, true)));
    }

    @ParameterizedTest(name = "CPython {0}, follow fork {1}")
    @MethodSource("versionsAndModes")
    void forkingPrintsExactlyWhatPlainPythonPrints(String version, boolean followFork) throws Exception {
        Memflux.Result plain = runPlain(version, "forks_quietly.py");
        assertEquals(new Memflux.Result(0, "children=1,2\n", ""), plain);

        assertEquals(plain, run("q.bin", followFork));

        // Stopping and restarting the ticker around each fork loses none of the parent's records.
        Aggregator a = FileAnalysis.of(dir.resolve("q.bin")).totals();
        String file = program.toString();
        assertEquals(40, Programs.site(a, "<module>", file, Programs.lineOf(program, "before")).allocations());
        // The 3,000 bytearray objects may take a new pymalloc arena (1 MiB) at that line (3.12 does).
        Programs.Site between = Programs.site(a, "<module>", file, Programs.lineOf(program, "between"));
        long arenas = between.allocations() - 3_000;
        assertTrue(arenas == 0 || arenas == 1, between.toString());
        assertEquals(new Programs.Site(3_000 + arenas, 0, 3_000L * 5_001 + (arenas << 20), 3_000L * 5_001 + (arenas << 20)),
                between);
        assertEquals(40, Programs.site(a, "<module>", file, Programs.lineOf(program, "after")).allocations());
        assertEquals(0, Programs.site(a, "child", file, Programs.lineOf(program, "child")).allocations());
    }

    @ParameterizedTest(name = "CPython {0}, follow fork {1}")
    @MethodSource("versionsAndModes")
    void aProgramWithItsOwnThreadGetsPythonsWarningUnchanged(String version, boolean followFork) throws Exception {
        Memflux.Result plain = runPlain(version, "forks_with_thread.py");
        assertTrue(plain.stderr().contains("DeprecationWarning"), plain.toString());

        // The warning names the forking process: plain python's pid is not memflux's program's.
        assertEquals(withoutPids(plain), withoutPids(run("t.bin", followFork)));
        Aggregator a = FileAnalysis.of(dir.resolve("t.bin")).totals();
        assertEquals(new Programs.Site(30, 0, 30L * 40_001, 30L * 40_001),
                Programs.site(a, "<module>", program.toString(), Programs.lineOf(program, "after")));
    }

    /** Picks the CPython (or skips) and the program the test's memflux run uses, and runs them plainly. */
    private Memflux.Result runPlain(String version, String programName) throws Exception {
        python = Pyenv.pythonOrSkip(version).toString();
        program = Memflux.program(programName);
        return PlainPython.run(dir, python, program.toString());
    }

    /** memflux run -q into {@code out}, with --follow-fork or without. */
    private Memflux.Result run(String out, boolean followFork) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-q", "--python", python, "-o", out));
        if (followFork) {
            args.add("--follow-fork");
        }
        args.add(program.toString());
        return Memflux.run(dir, args.toArray(String[]::new));
    }

    private static Memflux.Result withoutPids(Memflux.Result r) {
        return new Memflux.Result(r.exitCode(), r.stdout(), r.stderr().replaceAll("pid=\\d+", "pid=N"));
    }
}
