package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.pipeline.TemporaryAllocations;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.LocationTotals;
import dev.memflux.report.NodeFigures;
import dev.memflux.report.SummaryReport;
import dev.memflux.report.TreeReport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** memflux tree: the call tree's numbers are summary's, for the peak, leaks and temporaries. */
class TreeTest {
    @TempDir
    Path dir;

    /** The tree's line for {@code function} at {@code program:line}. */
    private static String treeLine(String tree, String function, Path program, int line) {
        return tree.lines().filter(l -> l.endsWith(" " + function + "  " + program + ":" + line)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + function + " at line " + line + " in\n" + tree));
    }

    /** Summary's row for {@code program:line}. */
    private static String summaryLine(String summary, Path program, int line) {
        String name = program.getFileName() + ":" + line + " ";
        return summary.lines().filter(l -> l.contains(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + line + " in\n" + summary));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void thePeaksTreeHoldsSummarysBytesAtTheBigLine(String python) throws Exception {
        Path program = Memflux.program("peak_then_smaller.py");
        Path file = TemporariesAndLeaksTest.capture(dir, python, program);
        int big = Programs.lineOf(program, "big");
        FileAnalysis analysis = FileAnalysis.of(file);
        NodeFigures peak = NodeFigures.peak(analysis.totals());
        TreeReport tree = new TreeReport(analysis, peak, 200);
        assertEquals(analysis.totals().peakBytes(), tree.root().bytes);
        LocationTotals.Row bigRow = new SummaryReport(analysis, SummaryReport.SortKey.OWN, 1).rows().get(0);
        assertEquals(big, bigRow.location.line());
        // Down the biggest branch to its leaf: the line that held the 100 MB, with summary's own bytes.
        TreeReport.Node at = tree.root();
        while (!at.children().isEmpty()) {
            at = at.children().get(0);
        }
        assertEquals(big, at.frame.line());
        assertEquals(bigRow.ownBytes, at.bytes);
        // The 100 bytearrays and the list's item array (over 512 bytes: malloc'd), allocated at the same line.
        assertEquals(101, at.count);

        Memflux.Result text = Memflux.run(dir, "tree", file.toString());
        assertEquals(0, text.exitCode(), text.toString());
        Memflux.Result summary = Memflux.run(dir, "summary", file.toString());
        assertEquals(0, summary.exitCode(), summary.toString());
        String leaf = treeLine(text.stdout(), bigRow.location.function(), program, big);
        assertTrue(leaf.contains("📄 95.37 MiB") && leaf.contains(" 101 allocations "), leaf);
        assertTrue(summaryLine(summary.stdout(), program, big).contains("95.37 MiB"), summary.stdout());
        assertTrue(text.stdout().contains("📂 " + dev.memflux.report.Units.bytes(analysis.totals().peakBytes())
                + " (100.00 %)"), text.stdout());

    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void leaksAndTemporariesTreesHoldSummarysNumbers(String python) throws Exception {
        Path program = TemporariesAndLeaksTest.PROGRAM;
        Path file = TemporariesAndLeaksTest.capture(dir, python, program);
        int kept = Programs.lineOf(program, "kept");
        int temp = Programs.lineOf(program, "temp");
        for (List<String> mode : List.of(List.of("--leaks", "keep", "4.77 MiB", "25"),
                List.of("--temporary-allocations", "churn", "38.15 MiB", "400"))) {
            int line = mode.get(1).equals("keep") ? kept : temp;
            Memflux.Result tree = Memflux.run(dir, "tree", mode.get(0), file.toString());
            Memflux.Result summary = Memflux.run(dir, "summary", mode.get(0), file.toString());
            assertEquals(0, tree.exitCode(), tree.toString());
            String leaf = treeLine(tree.stdout(), mode.get(1), program, line);
            assertTrue(leaf.contains("📄 " + mode.get(2) + " (") && leaf.contains(" " + mode.get(3) + " allocations "),
                    leaf);
            String row = summaryLine(summary.stdout(), program, line);
            assertTrue(row.contains(mode.get(2)) && row.trim().endsWith(" " + mode.get(3)), row);
        }
        // Two temporary sites (churn's and the held list's): -b 1 shows churn's and counts the other below.
        Memflux.Result one = Memflux.run(dir, "tree", "-b", "1", "--temporary-allocations", file.toString());
        assertEquals(0, one.exitCode(), one.toString());
        assertTrue(one.stdout().contains("The biggest 1 allocation sites are shown; 1 more hold 585.95 KiB in 2 "
                + "allocations"), one.stdout());
        int held = Programs.lineOf(program, "held");
        assertTrue(one.stdout().lines().noneMatch(l -> l.contains(":" + held)), one.stdout());
        TemporaryAllocations engine = new TemporaryAllocations(1);
        FileAnalysis analysis = FileAnalysis.of(file, engine);
        NodeFigures temporaries = NodeFigures.temporary(analysis.totals(), engine);
        TreeReport tree = new TreeReport(analysis, temporaries, 200);
        assertEquals(engine.bytes(), tree.root().bytes);
        assertEquals(engine.allocations(), tree.root().count);
    }
}
