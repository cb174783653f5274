package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A setup memflux cannot work with is said in one line before the program runs (or as python says it). */
class BadSetupTest {
    @TempDir
    Path dir;

    private static void exactlyOneLine(Memflux.Result r, String expected) {
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of(expected), r.stderr().lines().toList(), r.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aSyntaxErrorIsPrintedExactlyAsPythonPrintsIt(String python) throws Exception {
        Path program = Memflux.program("syntax_error.py");
        Memflux.Result plain = PlainPython.run(dir, python, program.toString());
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "x.bin", program.toString());
        assertEquals(1, plain.exitCode(), plain.toString());
        assertEquals(plain.toString(), r.toString());

        String command = "x = 1\nif x\n  pass";
        assertEquals(PlainPython.run(dir, python, "-c", command).toString(),
                Memflux.run(dir, "run", "-q", "--python", python, "-o", "y.bin", "-c", command).toString());
    }

    static Stream<Path> tooOldInterpreters() throws Exception {
        Path versions = Path.of(System.getProperty("user.home"), ".pyenv", "versions");
        Stream<Path> pyenv = !Files.isDirectory(versions) ? Stream.empty() : Files.list(versions)
                .filter(v -> v.getFileName().toString().matches("(2\\.7|3\\.[67])\\.\\d+"))
                .map(v -> v.resolve("bin").resolve(v.getFileName().toString().startsWith("2") ? "python2" : "python3"));
        return Stream.concat(pyenv, Stream.of(Path.of("/usr/bin/python2.7"), Path.of("/usr/bin/python2")))
                .filter(Files::isExecutable).sorted();
    }

    @Test
    void pythonTwoAndPythonsOlderThanThreeEightAreRefusedInOneLine() throws Exception {
        List<Path> old = tooOldInterpreters().toList();
        assumeTrue(!old.isEmpty(), "no Python 2.7, 3.6 or 3.7 on this machine");
        for (Path python : old) {
            String version = PlainPython.run(dir, python.toString(), "-c",
                    "import sys; sys.stdout.write('%d.%d.%d' % sys.version_info[:3])").stdout();
            Memflux.Result r = Memflux.run(dir, "run", "--python", python.toString(), "-o", "old.bin",
                    Memflux.program("writes_marker.py").toString(), dir.resolve("ran").toString());
            exactlyOneLine(r, "memflux: " + python + " is Python " + version + "; memflux needs CPython 3.8 or newer");
            assertFalse(Files.exists(dir.resolve("ran")), python + " ran the program");
            assertFalse(Files.exists(dir.resolve("old.bin")));
        }
    }

    @Test
    void anInterpreterThatIsNotPythonAtAllIsSaidSo() throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "--python", "/bin/true", "-o", "t.bin",
                Memflux.program("writes_marker.py").toString(), dir.resolve("ran").toString());
        exactlyOneLine(r, "memflux: /bin/true exited without starting the memflux agent: "
                + "is it a CPython 3.8+ interpreter?");
        assertFalse(Files.exists(dir.resolve("t.bin")));
    }

    @Test
    void anOutputThatIsADirectoryIsRefusedBeforeTheProgramRuns() throws Exception {
        Path out = Files.createDirectory(dir.resolve("out.bin"));
        Memflux.Result r = Memflux.run(dir, "run", "-f", "-o", out.toString(),
                Memflux.program("writes_marker.py").toString(), dir.resolve("ran").toString());
        exactlyOneLine(r, "memflux: cannot write " + out + ": it is a directory");
        assertFalse(Files.exists(dir.resolve("ran")), "the program ran");
    }

    @Test
    void anOutputWhereNoFileCanBeCreatedIsRefusedBeforeTheProgramRuns() throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "-o", "/proc/memflux-test.bin",
                Memflux.program("writes_marker.py").toString(), dir.resolve("ran").toString());
        exactlyOneLine(r, "memflux: cannot write /proc/memflux-test.bin: no file can be created in /proc");
        assertFalse(Files.exists(dir.resolve("ran")), "the program ran");
    }

    @Test
    void anOutputOnAReadOnlyFileSystemIsRefusedBeforeTheProgramRuns() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly.toString())
                .redirectErrorStream(true).start();
        assumeTrue(mount.waitFor() == 0, "cannot mount a read-only tmpfs here: " + new String(mount.getInputStream().readAllBytes()));
        try {
            Path out = readOnly.resolve("capture.bin");
            Memflux.Result r = Memflux.run(dir, "run", "-o", out.toString(),
                    Memflux.program("writes_marker.py").toString(), dir.resolve("ran").toString());
            exactlyOneLine(r, "memflux: cannot write " + out + ": Read-only file system");
            assertFalse(Files.exists(dir.resolve("ran")), "the program ran");
        } finally {
            new ProcessBuilder("umount", readOnly.toString()).start().waitFor();
        }
    }
}
