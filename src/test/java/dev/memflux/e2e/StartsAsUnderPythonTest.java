package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The program finds the process as plain python3 would have started it: signals, argv, modules. */
class StartsAsUnderPythonTest {
    /** The JVM's spawn leaves glibc's internal signals 32 and 33 ignored; no shell does. */
    private static final long GLIBC_INTERNAL = 0x3L << 31;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void signalMaskAndIgnoredSignalsAreThoseOfPlainPython(String python) throws Exception {
        Path program = Memflux.program("signal_state.py");
        Memflux.Result plain = PlainPython.run(dir, python, program.toString());
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "s.bin", program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        // memflux ran as `java -jar` from this test's JVM: the best it knows is an empty
        // mask and the standard signals ignored when it started (none here).
        assertEquals("SigBlk:\t0000000000000000", line(r.stdout(), "SigBlk:"), r.stdout());
        assertEquals(ignored(plain.stdout()) & ~GLIBC_INTERNAL, ignored(r.stdout()), r.stdout() + "\nplain:\n" + plain);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aSignalIgnoredWhenMemfluxStartedStaysIgnoredInTheProgram(String python) throws Exception {
        Path program = Memflux.program("signal_state.py");
        Memflux.Result plain = PlainPython.run(dir, "nohup", python, program.toString());
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "s.bin", program.toString());
        Memflux.Result underNohup = Memflux.runWrapped(dir, java.util.List.of("nohup"), "run", "-q",
                "--python", python, "-f", "-o", "s.bin", program.toString());
        assertEquals(0, underNohup.exitCode(), underNohup.toString());
        long sighup = 1;
        assertEquals(sighup, ignored(plain.stdout()) & sighup, plain.toString());
        assertEquals(ignored(plain.stdout()) & ~GLIBC_INTERNAL, ignored(underNohup.stdout()), underNohup.toString());
        assertEquals(0, ignored(r.stdout()) & sighup, r.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void argvOrigArgvAndModulesAreThoseOfPlainPythonForAFile(String python) throws Exception {
        Path program = Memflux.program("mfx_startup_state.py");
        Memflux.Result plain = PlainPython.run(dir, python, program.toString(), "a", "-x");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "f.bin", program.toString(),
                "a", "-x");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(plain.stdout(), r.stdout());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void argvOrigArgvAndModulesAreThoseOfPlainPythonForAModule(String python) throws Exception {
        Path programs = Memflux.PROGRAMS;
        Memflux.Result plain = PlainPython.run(programs, python, "-m", "mfx_startup_state", "b");
        Memflux.Result r = Memflux.run(programs, "run", "-q", "--python", python, "-o",
                dir.resolve("m.bin").toString(), "-m", "mfx_startup_state", "b");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(plain.stdout(), r.stdout());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void argvOrigArgvAndModulesAreThoseOfPlainPythonForACommand(String python) throws Exception {
        String command = "import sys\nprint(sys.argv)\nprint(sys.orig_argv)\nprint(sorted(sys.modules))";
        Memflux.Result plain = PlainPython.run(dir, python, "-c", command, "c");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "c.bin", "-c", command, "c");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(plain.stdout(), r.stdout());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void anAutoreloaderReExecsItselfUntrackedAndExitsNormally(String python) throws Exception {
        Path program = Memflux.program("autoreload.py");
        Memflux.Result r = Memflux.runWith(dir, null, Map.of(), "run", "-q", "--python", python, "-o", "r.bin",
                program.toString(), "one", "--two");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("reloaded argv=['one', '--two']", r.stdout().strip());
        assertEquals("", r.stderr());
        // The exec ends tracking as the program's end would: every record before it is kept.
        assertFalse(FileAnalysis.of(dir.resolve("r.bin")).cutShort());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void theCaptureNamesTheInterpreterAsTheUserDid(String python) throws Exception {
        Path program = Memflux.program("exact_count.py");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "n.bin", program.toString(), "3");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(python + " " + program + " 3", FileAnalysis.of(dir.resolve("n.bin")).header().commandLine());
        assertFalse(r.stdout().contains("memflux"), r.stdout());
    }

    private static long ignored(String status) {
        return Long.parseUnsignedLong(line(status, "SigIgn:").substring("SigIgn:".length()).strip(), 16);
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in:\n" + text));
    }
}
