package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * check --per-test with --baseline and --where on test_growing_suite.py (figures in its
 * header), run with 100 rows as the baseline and with 130 rows and one test added: by
 * itself under every interpreter, and by real pytest where /usr/bin/python3 has it.
 */
class PerTestBaselineTest {
    private static final String GROWS = "test_growing_suite.py::test_grows";
    private static final String STEADY = "test_growing_suite.py::test_steady";
    private static final String ADDED = "test_growing_suite.py::test_added";

    @TempDir
    Path dir;

    /** The suite run by itself, or by {@code runner} (e.g. {@code -m pytest ...}) when given. */
    private void capture(String python, String name, Map<String, String> env, String... runner) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-q", "-f", "--python", python, "-o", name));
        args.addAll(runner.length == 0 ? List.of("test_growing_suite.py") : List.of(runner));
        Memflux.Result r = Memflux.runWith(dir, null, env, args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
    }

    /** Each verdict of a --json report by its subject (test) and figure, e.g. {@code GROWS + " peak"}. */
    private static Map<String, Map<String, Object>> verdicts(Memflux.Result r) {
        Map<String, Map<String, Object>> by = new HashMap<>();
        for (Object o : MiniJson.array(MiniJson.object(MiniJson.parse(r.stdout())).get("verdicts"))) {
            Map<String, Object> v = MiniJson.object(o);
            by.put(v.get("subject") + " " + v.get("figure") + (v.containsKey("tolerance") ? " vs baseline" : ""), v);
        }
        return by;
    }

    private static long number(Map<String, Object> verdict, String field) {
        return ((Number) verdict.get(field)).longValue();
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void eachTestIsHeldAgainstItselfInTheBaselineAndAnAddedOneIsNew(String python) throws Exception {
        Files.copy(Memflux.program("test_growing_suite.py"), dir.resolve("test_growing_suite.py"));
        capture(python, "base.bin", Map.of());
        capture(python, "grown.bin", Map.of("SUITE_ROWS", "130", "SUITE_ADDED", "1"));
        expectVerdicts();
    }

    @Test
    void pytestRunsAreGatedTheSame() throws Exception {
        String python = Interpreters.debianPytest();
        Files.copy(Memflux.program("test_growing_suite.py"), dir.resolve("test_growing_suite.py"));
        String[] pytest = {"-m", "pytest", "-q", "-p", "no:cacheprovider", "test_growing_suite.py"};
        capture(python, "base.bin", Map.of(), pytest);
        capture(python, "grown.bin", Map.of("SUITE_ROWS", "130", "SUITE_ADDED", "1"), pytest);
        expectVerdicts();
    }

    private void expectVerdicts() throws Exception {
        Memflux.Result r = Memflux.run(dir, "check", "--per-test", "--max-peak", "50MB", "--baseline", "base.bin",
                "--tolerance", "10%", "--junit", "tests.xml", "grown.bin");
        assertEquals(3, r.exitCode(), r.toString());
        List<String> lines = r.stdout().lines().toList();
        // test_grows: 12,000,101 bytes (11.44 MiB) and a little more, then 15,000,131: +25%
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FAIL [" + GROWS + "] peak 14.31 MiB > 12.59 MiB (+25% "
                + "vs baseline 11.4") && l.contains(" MiB, tolerance 10%)")), r.stdout());
        assertTrue(lines.contains("PASS [" + GROWS + "] peak 14.31 MiB <= 50.00 MiB (+25% vs baseline), top: test_grows ("
                + dir.toRealPath().resolve("test_growing_suite.py") + ":" + defLine("test_grows") + ") 14.31 MiB"),
                r.stdout());
        // test_steady: 2,000,020 bytes and a little more in both runs
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("PASS [" + STEADY + "] peak 1.91 MiB <= 2.10 MiB (+0% "
                + "vs baseline 1.91 MiB, tolerance 10%)")), r.stdout());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("NEW [" + ADDED + "] peak 976.")
                && l.contains(" (not in the baseline)")), r.stdout());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("FAIL")).count(), r.stdout());

        JUnitReport junit = JUnitReport.read(dir.resolve("tests.xml"));
        assertEquals("3", junit.tests());
        assertEquals("1", junit.failures());
        Map<String, String> failures = junit.cases();
        assertEquals(List.of(ADDED, GROWS, STEADY), failures.keySet().stream().sorted().toList());
        assertTrue(failures.get(GROWS).startsWith("FAIL [" + GROWS + "] peak 14.31 MiB > 12.59 MiB (+25%"),
                failures.toString());
        assertEquals("", failures.get(STEADY));
        assertEquals("", failures.get(ADDED));

        // Scoped to build_rows: test_grows grew 30% there, test_steady holds nothing there.
        Memflux.Result scoped = Memflux.run(dir, "check", "--per-test", "--where", "function:build_rows", "--max-peak",
                "50MB", "--baseline", "base.bin", "--json", "grown.bin");
        assertEquals(3, scoped.exitCode(), scoped.toString());
        Map<String, Map<String, Object>> v = verdicts(scoped);
        Map<String, Object> grows = v.get(GROWS + " peak vs baseline");
        long now = number(grows, "value");
        long was = number(grows, "baseline");
        assertTrue(now >= 13_000_130 && now < 13_000_130 + 4096, scoped.stdout());
        assertTrue(was >= 10_000_100 && was < 10_000_100 + 4096, scoped.stdout());
        assertEquals(false, grows.get("passed"));
        assertEquals(0L, number(v.get(STEADY + " peak vs baseline"), "value"), scoped.stdout());
        assertEquals(true, v.get(STEADY + " peak vs baseline").get("passed"));
        assertEquals(true, v.get(ADDED + " peak vs baseline").get("new"), scoped.stdout());
        assertEquals(true, v.get(ADDED + " peak vs baseline").get("passed"));
    }

    private int defLine(String test) throws Exception {
        return Files.readAllLines(dir.resolve("test_growing_suite.py")).indexOf("def " + test + "():") + 1;
    }
}
