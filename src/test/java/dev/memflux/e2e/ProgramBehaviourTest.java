package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.report.FileAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Under memflux a program behaves as under plain python3: argv, streams, exit codes, children. */
class ProgramBehaviourTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void argvStdinAndExitCodePassThrough(String python) throws Exception {
        Path program = Memflux.program("argv_exit.py");
        Memflux.Result r = Memflux.runWithInput(dir, "from stdin\n", "run", "-q", "--python", python, "-o", "a.bin",
                program.toString(), "3", "--flag", "-x");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("argv=['" + program + "', '3', '--flag', '-x']"), r.stdout());
        assertTrue(r.stdout().contains("path0=" + program.getParent()), r.stdout());
        assertTrue(r.stdout().contains("name=__main__"), r.stdout());
        assertTrue(r.stdout().contains("main_is_me=True"), r.stdout());
        assertTrue(r.stdout().contains("stdin=from stdin"), r.stdout());
        assertEquals("", r.stderr(), "-q prints nothing of memflux's own");
        assertTrue(Files.size(dir.resolve("a.bin")) > 0);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void anUncaughtExceptionPrintsItsTracebackAndExitsOne(String python) throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "e.bin",
                Memflux.program("raises.py").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().startsWith("Traceback (most recent call last):"), r.stderr());
        assertTrue(r.stderr().contains("ValueError: boom from raises.py"), r.stderr());
        assertFalse(r.stderr().contains("memflux_bootstrap"), "memflux's frames leak into the traceback:\n" + r.stderr());
        assertFalse(FileAnalysis.of(dir.resolve("e.bin")).cutShort());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void moduleRunsLikePythonDashM(String python) throws Exception {
        Path program = Memflux.program("mfx_module_prog.py");
        Memflux.Result r = Memflux.run(program.getParent(), "run", "-q", "--python", python, "-o",
                dir.resolve("m.bin").toString(), "-m", "mfx_module_prog", "A", "--opt");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("argv=['" + program + "', 'A', '--opt']"), r.stdout());
        assertTrue(r.stdout().contains("name=__main__"), r.stdout());
        Programs.Site site = Programs.site(FileAnalysis.of(dir.resolve("m.bin")).totals(), "<module>",
                program.toString(), Programs.lineOf(program, "module"));
        assertEquals(1, site.allocations());
        assertEquals(20001, site.bytes());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void commandRunsLikePythonDashC(String python) throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "c.bin", "-c",
                "import sys\nx = bytearray(50000)\nprint(sys.argv)", "one", "-v");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("['-c', 'one', '-v']", r.stdout().strip());
        Programs.Site site = Programs.site(FileAnalysis.of(dir.resolve("c.bin")).totals(), "<module>",
                "<string>", 2);
        assertEquals(1, site.allocations());
        assertEquals(50001, site.bytes());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void childrenStartedWithExecAreNotTrackedNorDisturbed(String python) throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "k.bin",
                Memflux.program("children_env.py").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("leaked=[]"), r.stdout());
        assertTrue(r.stdout().contains("child_rc=5"), r.stdout());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void killedProgramLeavesReadableFile(String python) throws Exception {
        Path program = Memflux.program("killed.py");
        Memflux.Result r = Memflux.run(dir, "run", "--python", python, "-o", "killed.bin", program.toString());
        assertEquals(128 + 9, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("ended before tracking stopped"), r.stderr());
        FileAnalysis a = FileAnalysis.of(dir.resolve("killed.bin"));
        assertTrue(a.cutShort());
        Programs.Site site = Programs.site(a.totals(), "<listcomp>", program.toString(), Programs.lineOf(program, "before-kill"));
        assertEquals(50, site.allocations());
        assertEquals(50L * 100_001, site.liveAtEnd());

        Memflux.Result stats = Memflux.run(dir, "stats", "killed.bin");
        assertEquals(0, stats.exitCode(), stats.toString());
        assertTrue(stats.stdout().contains("cut short"), stats.stdout());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void theDefaultOutputIsNamedAfterTheScriptAndMemfluxSaysWhereItWent(String python) throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "--python", python, Memflux.program("exact_count.py").toString(), "10");
        assertEquals(0, r.exitCode(), r.toString());
        try (var files = Files.list(dir)) {
            Path out = files.filter(p -> p.getFileName().toString().matches("memflux-exact_count\\.\\d+\\.bin"))
                    .findFirst().orElseThrow(() -> new AssertionError("no memflux-exact_count.<pid>.bin in " + dir));
            assertTrue(r.stderr().contains("memflux stats " + out.getFileName()), r.stderr());
        }
    }
}
