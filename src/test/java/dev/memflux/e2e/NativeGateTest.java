package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * diff and check --baseline on --native captures of native_grows.py: 100 and then 130
 * blocks of 100,000 bytes malloc'd by leaf.c's grab (inlined in leaf_alloc), never freed.
 * The rows are innermost frames of either kind, so the one that grew is the C function.
 */
class NativeGateTest {
    @TempDir
    Path dir;

    private void capture(String python, Path lib, String name, int count) throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "--native", "-q", "-f", "--python", python, "-o", name,
                Memflux.program("native_grows.py").toString(), lib.toString(), Integer.toString(count));
        assertEquals(0, r.exitCode(), r.toString());
    }

    private static long change(Map<String, Object> row, String figure) {
        return ((Number) MiniJson.object(row.get(figure)).get("change")).longValue();
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void diffAndBaselineNameTheNativeFunctionThatGrew(String python) throws Exception {
        Path lib = NativeLibrary.build(dir);
        capture(python, lib, "base.bin", 100);
        capture(python, lib, "grown.bin", 130);
        int line = NativeLibrary.line("malloc");
        String grab = "[native] grab (" + NativeLibrary.LEAF_C + ":" + line + ")";

        Memflux.Result json = Memflux.run(dir, "diff", "--json", "base.bin", "grown.bin");
        assertEquals(0, json.exitCode(), json.toString());
        Map<String, Object> first = MiniJson.object(MiniJson.array(MiniJson.object(MiniJson.parse(json.stdout()))
                .get("locations")).get(0));
        assertEquals("grab", first.get("function"), json.stdout());
        assertEquals(NativeLibrary.LEAF_C.toString(), first.get("file"));
        assertEquals((long) line, ((Number) first.get("line")).longValue());
        assertEquals(true, first.get("native"));
        // 30 more blocks of 100,000 bytes, live at the peak and at the end
        assertEquals(3_000_000L, change(first, "peak"), json.stdout());
        assertEquals(3_000_000L, change(first, "leaked"), json.stdout());
        assertEquals(3_000_000L, change(first, "allocated"), json.stdout());
        assertEquals(30L, change(first, "allocations"), json.stdout());

        Memflux.Result text = Memflux.run(dir, "diff", "base.bin", "grown.bin");
        assertEquals(0, text.exitCode(), text.toString());
        List<String> rows = text.stdout().lines().filter(l -> l.endsWith(grab)).toList();
        assertEquals(1, rows.size(), text.stdout());
        // peak, share, leaked, allocated, allocations; 3,000,000 bytes = 2.86 MiB
        List<String> columns = List.of(rows.get(0).trim().split(" +"));
        assertEquals(List.of("+2.86", "MiB"), columns.subList(0, 2), text.stdout());
        assertEquals(List.of("+2.86", "MiB", "+2.86", "MiB", "+30"), columns.subList(3, 8), text.stdout());

        // The baseline's top movers are the same rows: the failure names the C function.
        Memflux.Result check = Memflux.run(dir, "check", "--baseline", "base.bin", "--tolerance", "10%", "grown.bin");
        assertEquals(3, check.exitCode(), check.toString());
        List<String> lines = check.stdout().lines().toList();
        // 130 x 100,000 bytes = 12.40 MiB at grab, 100 x 100,000 = 9.54 MiB in the baseline
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FAIL peak at " + grab + " 12.40 MiB > ")
                && l.contains("(+30% vs baseline 9.54 MiB, tolerance 10%)")), check.stdout());
        String peak = lines.stream().filter(l -> l.startsWith("FAIL peak ") && !l.contains(" at ")).findFirst().orElse("");
        assertTrue(peak.endsWith(", top: " + grab + " 12.40 MiB"), check.stdout());
        Memflux.Result checkJson = Memflux.run(dir, "check", "--json", "--max-leaked", "12MiB", "grown.bin");
        assertEquals(3, checkJson.exitCode(), checkJson.toString());
        Map<String, Object> verdict = MiniJson.object(MiniJson.array(MiniJson.object(MiniJson.parse(checkJson.stdout()))
                .get("verdicts")).get(0));
        Map<String, Object> top = MiniJson.object(MiniJson.array(verdict.get("top")).get(0));
        assertEquals(13_000_000L, ((Number) top.get("value")).longValue(), checkJson.stdout());
        assertEquals(Map.of("function", "grab", "file", NativeLibrary.LEAF_C.toString(), "line", (long) line,
                "native", true), MiniJson.object(top.get("location")));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void anAggregatedSideKeepsBothSidesOnPythonRows(String python) throws Exception {
        // An aggregated capture has no per-site peak: compared with a full one, both sides use the Python line.
        Path lib = NativeLibrary.build(dir);
        Memflux.Result r = Memflux.run(dir, "run", "--native", "--aggregate", "-q", "-f", "--python", python, "-o",
                "base.bin", Memflux.program("native_grows.py").toString(), lib.toString(), "100");
        assertEquals(0, r.exitCode(), r.toString());
        capture(python, lib, "grown.bin", 130);
        Memflux.Result json = Memflux.run(dir, "diff", "--json", "base.bin", "grown.bin");
        assertEquals(0, json.exitCode(), json.toString());
        Map<String, Object> first = MiniJson.object(MiniJson.array(MiniJson.object(MiniJson.parse(json.stdout()))
                .get("locations")).get(0));
        assertEquals("<module>", first.get("function"), json.stdout());
        assertEquals((long) Programs.lineOf(Memflux.program("native_grows.py"), "call"),
                ((Number) first.get("line")).longValue(), json.stdout());
        assertEquals(3_000_000L, change(first, "peak"), json.stdout());
        assertFalse(json.stdout().contains("\"native\""), json.stdout());
    }
}
