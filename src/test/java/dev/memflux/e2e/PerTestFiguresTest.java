package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * check --per-test on test_memory_suite.py (figures known by construction, in its header),
 * run by a tiny runner (suite_runner.py) under every interpreter, and by real pytest
 * (Debian's python3-pytest) where /usr/bin/python3 has it.
 */
class PerTestFiguresTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void eachTestFunctionGetsItsOwnFiguresAndLimits(String python) throws Exception {
        Files.copy(Memflux.program("test_memory_suite.py"), dir.resolve("test_memory_suite.py"));
        Files.copy(Memflux.program("suite_runner.py"), dir.resolve("suite_runner.py"));
        Memflux.Result run = Memflux.run(dir, "run", "-q", "--python", python, "-o", "suite.bin", "suite_runner.py");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("passed 4"), run.toString());
        expectKnownFigures();
    }

    @Test
    void pytestRunsGetTheSameFigures() throws Exception {
        String python = Interpreters.debianPytest();
        Files.copy(Memflux.program("test_memory_suite.py"), dir.resolve("test_memory_suite.py"));
        Memflux.Result run = Memflux.run(dir, "run", "-q", "--python", python, "-o", "suite.bin", "-m",
                "pytest", "-q", "-p", "no:cacheprovider", "test_memory_suite.py");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.stdout().contains("4 passed"), run.toString());
        expectKnownFigures();
    }

    private void expectKnownFigures() throws Exception {
        Memflux.Result r = Memflux.run(dir, "check", "--per-test", "--max-peak", "5MB", "--junit", "tests.xml", "--json",
                "suite.bin");
        assertEquals(3, r.exitCode(), r.toString());
        Map<String, Map<String, Object>> peaks = new HashMap<>();
        for (Object o : MiniJson.array(MiniJson.object(MiniJson.parse(r.stdout())).get("verdicts"))) {
            Map<String, Object> v = MiniJson.object(o);
            peaks.put((String) v.get("subject"), v);
        }
        assertEquals(4, peaks.size(), r.stdout());
        long ten = value(peaks.get("test_memory_suite.py::test_holds_ten"));
        long three = value(peaks.get("test_memory_suite.py::test_leaks_three"));
        long churn = value(peaks.get("test_memory_suite.py::test_small_churn"));
        assertTrue(ten >= 10_000_010 && ten < 10_000_010 + (1 << 20), r.stdout());
        assertTrue(three >= 6_000_003 && three < 6_000_003 + (1 << 20), r.stdout());
        assertTrue(churn >= 10_001 && churn < (1 << 20), r.stdout());
        assertEquals(1_001, value(peaks.get("test_memory_suite.py::test_clears_kept")), r.stdout());

        Memflux.Result table = Memflux.run(dir, "check", "--per-test", "suite.bin");
        assertEquals(0, table.exitCode(), table.toString());
        Map<String, String[]> rows = new HashMap<>();
        for (String line : table.stdout().lines().toList()) {
            String[] cells = line.trim().split("\\s{2,}");
            if (cells.length == 5 && cells[4].contains("::")) {
                rows.put(cells[4], cells);
            }
        }
        // peak, allocated, allocations, left live at its end (test_clears_kept frees it later)
        String[] leaks = rows.get("test_memory_suite.py::test_leaks_three");
        assertEquals(List.of("5.72 MiB", "5.72 MiB", "3", "5.72 MiB"), List.of(leaks).subList(0, 4), table.stdout());
        String[] holds = rows.get("test_memory_suite.py::test_holds_ten");
        assertEquals(List.of("9.54 MiB", "9.54 MiB", "10"), List.of(holds).subList(0, 3), table.stdout());
        String[] churns = rows.get("test_memory_suite.py::test_small_churn");
        assertEquals(List.of("976.66 KiB", "100"), List.of(churns).subList(1, 3), table.stdout());

        JUnitReport junit = JUnitReport.read(dir.resolve("tests.xml"));
        assertEquals("4", junit.tests());
        assertEquals("2", junit.failures());
        Map<String, Boolean> failed = new HashMap<>();
        junit.cases().forEach((name, message) -> failed.put(name, !message.isEmpty()));
        assertEquals(Map.of("test_memory_suite.py::test_holds_ten", true, "test_memory_suite.py::test_leaks_three", true,
                "test_memory_suite.py::test_small_churn", false, "test_memory_suite.py::test_clears_kept", false), failed);

        // a default for every test, raised for one by pattern in the limits file
        Files.writeString(dir.resolve("limits.toml"), """
                [tests]
                peak = "5MiB"
                leaked = "1MiB"
                [tests."test_holds_*"]
                peak = "10MiB"
                """);
        Memflux.Result limited = Memflux.run(dir, "check", "--per-test", "--limits", "limits.toml", "suite.bin");
        int defLine = Files.readAllLines(dir.resolve("test_memory_suite.py")).indexOf("def test_holds_ten():") + 1;
        assertEquals(3, limited.exitCode(), limited.toString());
        List<String> verdicts = limited.stdout().lines().filter(l -> l.startsWith("PASS") || l.startsWith("FAIL")).toList();
        assertTrue(verdicts.contains("PASS [test_memory_suite.py::test_holds_ten] peak 9.54 MiB <= 10.00 MiB, top: "
                + "test_holds_ten (" + dir.toRealPath().resolve("test_memory_suite.py") + ":" + defLine + ") 9.54 MiB"),
                limited.stdout());
        assertTrue(verdicts.stream().anyMatch(l -> l.startsWith("FAIL [test_memory_suite.py::test_leaks_three] leaked "
                + "5.72 MiB > 1.00 MiB")), limited.stdout());
        assertEquals(2, verdicts.stream().filter(l -> l.startsWith("FAIL")).count(), limited.stdout());
    }

    private static long value(Map<String, Object> verdict) {
        return ((Number) verdict.get("value")).longValue();
    }
}
