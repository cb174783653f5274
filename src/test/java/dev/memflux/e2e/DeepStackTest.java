package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.report.FileAnalysis;
import dev.memflux.report.LocationTotals;
import dev.memflux.report.SummaryReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Stacks are kept whole however deep: no frame of a 20,000-deep recursion is lost. */
class DeepStackTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void twentyThousandDeepRecursionGivesMainTheWholePeak(String python, String source) throws Exception {
        Path program = Memflux.program("deep_recursion.py");
        Path file = StackSources.capture(dir, python, source, program);
        FileAnalysis analysis = FileAnalysis.of(file);
        StackSources.assertSource(source, analysis);

        LocationTotals.Row main = new SummaryReport(analysis, SummaryReport.SortKey.TOTAL, 100).rows().stream()
                .filter(r -> r.location.function().equals("main")).findFirst().orElseThrow();
        // The 64 MiB at the bottom is all but a pymalloc arena or two of the peak (the cut
        // stack of old gave main 2.7%).
        double share = 100.0 * main.totalBytes / analysis.totals().peakBytes();
        assertTrue(share >= 99.0, String.format(Locale.ROOT, "main holds %.1f%% of the peak", share));

        Memflux.Result stats = Memflux.run(dir, "stats", "--json", "-n", "1", file.toString());
        assertEquals(0, stats.exitCode(), stats.toString());
        Map<String, Object> top = MiniJson.object(MiniJson.array(
                MiniJson.object(MiniJson.parse(stats.stdout())).get("top_allocations_by_size")).get(0));
        assertEquals((long) (64 << 20) + 1, top.get("size"));
        List<Object> stack = MiniJson.array(top.get("stack"));
        assertEquals(20_001 + 2, stack.size());
        assertEquals(List.of("down:" + Programs.lineOf(program, "bottom"), "down:" + Programs.lineOf(program, "recurse")),
                List.of(frame(stack.get(0)), frame(stack.get(1))));
        assertEquals(List.of("main:" + Programs.lineOf(program, "calls-down"),
                "<module>:" + Programs.lineOf(program, "calls-main")),
                List.of(frame(stack.get(stack.size() - 2)), frame(stack.get(stack.size() - 1))));
    }

    private static String frame(Object o) {
        Map<String, Object> f = MiniJson.object(o);
        return f.get("function") + ":" + f.get("line");
    }
}
