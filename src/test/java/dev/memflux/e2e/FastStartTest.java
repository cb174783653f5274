package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.report.FileAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A usual {@code memflux run} line starts the program without picocli (80-100 ms of class
 * loading and reflection that the class-data archive cannot hold), and captures as before.
 * The JVM's class-load log is the witness: it names every class that was loaded.
 */
class FastStartTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void plainRunLineStartsTheProgramWithoutPicocli(String python) throws Exception {
        Path program = Memflux.program("exact_count.py");
        Path out = dir.resolve("fast.bin");
        Path classes = dir.resolve("classes.log");
        Memflux.Result r = Memflux.runWithJvm(dir, List.of("-Xlog:class+load=info:file=" + classes), null, Map.of(),
                "run", "-q", "-f", "--python", python, "-o", out.toString(), program.toString(), "321");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> loaded = Files.readAllLines(classes);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" dev.memflux.cli.RunSession ")), "no class log?");
        assertFalse(loaded.stream().anyMatch(l -> l.contains(" picocli.CommandLine ")),
                "picocli's CommandLine was loaded for a plain run line");
        Programs.Site site = Programs.site(FileAnalysis.of(out).totals(), "make", program.toString(),
                Programs.lineOf(program, "make"));
        assertEquals(new Programs.Site(321, 321, 321L * 10001, 0), site);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void usageErrorOnAFastLineIsPicocliSAndNothingRuns(String python) throws Exception {
        Path marker = dir.resolve("ran");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "--no-compress", "--compress-on-exit",
                "-c", "open(" + pythonString(marker.toString()) + ", 'w')");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("memflux: --compress-on-exit and --no-compress contradict each other\n"
                + "Try 'memflux run --help' for more information.\n", r.stderr());
        assertFalse(Files.exists(marker), "the program ran");
    }

    private static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
