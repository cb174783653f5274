package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.pipeline.TemporaryAllocations;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.LocationTotals;
import dev.memflux.report.NodeFigures;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** --temporary-allocations and --leaks on a program whose allocations' lifetimes are known (temporaries_and_leaks.py). */
class TemporariesAndLeaksTest {
    static final Path PROGRAM = Memflux.program("temporaries_and_leaks.py");

    @TempDir
    Path dir;

    /** Runs the program under memflux into {@code dir}; the capture's path. */
    static Path capture(Path dir, String python, Path program) throws Exception {
        Path out = dir.resolve(program.getFileName() + ".bin");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", out.toString(), program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    /** The own figures of the row at {@code site} of {@code figures}, as {bytes, count}; zeros when it has none. */
    static long[] own(FileAnalysis analysis, NodeFigures figures, Path program, String site) throws Exception {
        int line = Programs.lineOf(program, site);
        LocationTotals rows = LocationTotals.of(analysis.totals().stacks(), figures.bytes(), figures.counts());
        return rows.sorted(Comparator.comparingLong(r -> -r.ownBytes), Integer.MAX_VALUE).stream()
                .filter(r -> r.location.line() == line && r.location.file().equals(program.toString()))
                .map(r -> new long[] {r.ownBytes, r.ownCount}).findFirst().orElse(new long[2]);
    }

    private static NodeFigures temporaries(Path file, int threshold) throws Exception {
        TemporaryAllocations engine = new TemporaryAllocations(threshold);
        FileAnalysis analysis = FileAnalysis.of(file, engine);
        return NodeFigures.temporary(analysis.totals(), engine);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void temporaryAllocationsAreCountedAtTheirLinesForEachThreshold(String python) throws Exception {
        Path file = capture(dir, python, PROGRAM);
        FileAnalysis analysis = FileAnalysis.of(file);
        for (int threshold : new int[] {0, 1, 5}) {
            NodeFigures figures = temporaries(file, threshold);
            String at = "threshold " + threshold;
            assertEquals(400L * 100_004, own(analysis, figures, PROGRAM, "temp")[0], at);
            assertEquals(400, own(analysis, figures, PROGRAM, "temp")[1], at);
            // The ten held together are freed last-first: N + 1 of them had at most N allocations after them.
            assertEquals((threshold + 1) * 300_004L, own(analysis, figures, PROGRAM, "held")[0], at);
            assertEquals(threshold + 1, own(analysis, figures, PROGRAM, "held")[1], at);
            assertEquals(0, own(analysis, figures, PROGRAM, "kept")[1], at);
        }

        Memflux.Result text = Memflux.run(dir, "summary", "--temporary-allocations", "-s", "own", file.toString());
        assertEquals(0, text.exitCode(), text.toString());
        int temp = Programs.lineOf(PROGRAM, "temp");
        int held = Programs.lineOf(PROGRAM, "held");
        assertTrue(text.stdout().lines().anyMatch(l -> l.contains("temporaries_and_leaks.py:" + temp)
                && l.contains("38.15 MiB") && l.trim().endsWith(" 400")), text.stdout());
        assertTrue(text.stdout().lines().anyMatch(l -> l.contains("temporaries_and_leaks.py:" + held)
                && l.contains("585.95 KiB") && l.trim().endsWith(" 2")), text.stdout());
        assertTrue(text.stdout().startsWith("Temporary allocations (freed with at most 1 other allocation"),
                text.stdout());
        Memflux.Result zero = Memflux.run(dir, "summary", "--temporary-allocation-threshold", "0", file.toString());
        assertTrue(zero.stdout().lines().anyMatch(l -> l.contains("temporaries_and_leaks.py:" + held)
                && l.contains("292.97 KiB") && l.trim().endsWith(" 1")), zero.stdout());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void leaksAreWhatStayedAllocatedAtTheirLines(String python) throws Exception {
        Path file = capture(dir, python, PROGRAM);
        FileAnalysis analysis = FileAnalysis.of(file);
        NodeFigures leaks = NodeFigures.leaks(analysis.totals());
        assertEquals(5_000_100L, own(analysis, leaks, PROGRAM, "kept")[0]);
        assertEquals(25, own(analysis, leaks, PROGRAM, "kept")[1]);
        assertEquals(0, own(analysis, leaks, PROGRAM, "temp")[1]);
        assertEquals(0, own(analysis, leaks, PROGRAM, "held")[1]);
        assertEquals(analysis.totals().heapBytes(), leaks.totalBytes());

        Memflux.Result text = Memflux.run(dir, "summary", "--leaks", file.toString());
        assertEquals(0, text.exitCode(), text.toString());
        int kept = Programs.lineOf(PROGRAM, "kept");
        assertTrue(text.stdout().lines().anyMatch(l -> l.contains("temporaries_and_leaks.py:" + kept)
                && l.contains("4.77 MiB") && l.trim().endsWith(" 25")), text.stdout());
        int temp = Programs.lineOf(PROGRAM, "temp");
        assertTrue(text.stdout().lines().noneMatch(l -> l.contains("temporaries_and_leaks.py:" + temp + " ")),
                text.stdout());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void twoThreadsChurningAtOnceLoseNoTemporary(String python) throws Exception {
        Path program = Memflux.program("threaded_temporaries.py");
        Path file = capture(dir, python, program);
        NodeFigures figures = temporaries(file, 0);
        long[] churn = own(FileAnalysis.of(file), figures, program, "churn");
        assertEquals(600, churn[1]);
        assertEquals(600L * 150_004, churn[0]);
    }
}
