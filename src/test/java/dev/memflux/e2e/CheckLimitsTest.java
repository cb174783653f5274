package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * memflux check on peak_then_smaller.py: the heap peaks at 100 x 1,000,001 bytes held by
 * hold_big ("site: big"), and 30 x 1,000,001 bytes held by hold_small ("site: small") are
 * still allocated at the end. Exit codes: 0 all hold, 3 a limit exceeded.
 */
class CheckLimitsTest {
    @TempDir
    Path dir;

    private Path capture(String python) throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "p.bin",
                Memflux.program("peak_then_smaller.py").toString());
        assertEquals(0, r.exitCode(), r.toString());
        return dir.resolve("p.bin");
    }

    /** The figure as check --json reports it, with a limit no capture reaches. */
    private long figure(String figure, String... scope) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("check", "--json", "--max-" + figure, "1000G"));
        args.addAll(List.of(scope));
        args.add("p.bin");
        Memflux.Result r = Memflux.run(dir, args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> verdict = MiniJson.object(MiniJson.array(MiniJson.object(MiniJson.parse(r.stdout()))
                .get("verdicts")).get(0));
        assertEquals(figure, verdict.get("figure"));
        return ((Number) verdict.get("value")).longValue();
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void eachLimitPassesAtTheKnownFigureAndFailsBelowIt(String python) throws Exception {
        capture(python);
        Path program = Memflux.program("peak_then_smaller.py");
        String big = "peak_then_smaller.py:" + Programs.lineOf(program, "big");
        String small = "peak_then_smaller.py:" + Programs.lineOf(program, "small");
        Map<String, long[]> known = Map.of(
                "peak", new long[] {100_000_100, 100_000_100 + (2 << 20)},
                "leaked", new long[] {30_000_030, 30_000_030 + (2 << 20)},
                "allocated", new long[] {130_000_130, 130_000_130 + (4 << 20)},
                "allocations", new long[] {130, 130 + 20_000});
        Map<String, String> top = Map.of("peak", big, "leaked", small, "allocated", big, "allocations", "");
        for (String figure : List.of("peak", "leaked", "allocated", "allocations")) {
            long value = figure(figure);
            assertTrue(value >= known.get(figure)[0] && value <= known.get(figure)[1], figure + " " + value);
            Memflux.Result holds = Memflux.run(dir, "check", "--max-" + figure, Long.toString(value), "p.bin");
            assertEquals(0, holds.exitCode(), holds.toString());
            assertTrue(holds.stdout().startsWith("PASS " + figure + " "), holds.toString());
            Memflux.Result exceeded = Memflux.run(dir, "check", "--max-" + figure, Long.toString(value - 1), "p.bin");
            assertEquals(3, exceeded.exitCode(), exceeded.toString());
            String line = exceeded.stdout().lines().findFirst().orElse("");
            assertTrue(line.startsWith("FAIL " + figure + " ") && line.contains(", top: ") && line.contains(top.get(figure)),
                    exceeded.toString());
            assertTrue(exceeded.stdout().contains("top contributors to " + figure), exceeded.toString());
        }
        // sizes are 1024-based: 95MB is 99,614,720 bytes, below the 100,000,100 held
        Memflux.Result mb = Memflux.run(dir, "check", "--max-peak", "95MB", "p.bin");
        assertEquals(3, mb.exitCode(), mb.toString());
        assertTrue(mb.stdout().startsWith("FAIL peak 95.37 MiB > 95.00 MiB"), mb.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void scopedLimitsCountOnlyTheirPartOfTheProgram(String python) throws Exception {
        capture(python);
        long smallLeaked = figure("leaked", "--where", "function:hold_small");
        assertTrue(smallLeaked >= 30_000_030 && smallLeaked < 30_000_030 + (1 << 20), Long.toString(smallLeaked));
        assertEquals(0, figure("leaked", "--where", "function:hold_big"));
        long bigPeak = figure("peak", "--where", "function:hold_*g");
        assertTrue(bigPeak >= 100_000_100 && bigPeak < 100_000_100 + (1 << 20), Long.toString(bigPeak));
        // hold_small allocates after the peak: it held nothing then
        assertEquals(0, figure("peak", "--where", "function:hold_small"));

        Memflux.Result over = Memflux.run(dir, "check", "--where", "function:hold_small", "--max-leaked", "28MiB", "p.bin");
        assertEquals(3, over.exitCode(), over.toString());
        assertTrue(over.stdout().startsWith("FAIL leaked of function:hold_small 28.61 MiB > 28.00 MiB"), over.toString());
        Memflux.Result under = Memflux.run(dir, "check", "--where", "function:hold_small", "--max-leaked", "29MiB",
                "p.bin");
        assertEquals(0, under.exitCode(), under.toString());
        Memflux.Result file = Memflux.run(dir, "check", "--where", "file:programs/peak_*.py", "--max-peak", "95MiB",
                "p.bin");
        assertEquals(3, file.exitCode(), file.toString());
        Memflux.Result otherFile = Memflux.run(dir, "check", "--where", "file:etl/*.py", "--max-peak", "1", "p.bin");
        assertEquals(0, otherFile.exitCode(), otherFile.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aLimitsFileIsReadAndFlagsOverrideIt(String python) throws Exception {
        capture(python);
        Files.writeString(dir.resolve("limits.toml"), """
                # the whole program
                peak = "200MiB"
                allocations = "1M"
                [where."function:hold_small"]
                leaked = "28MiB"   # below its 30,000,030 bytes
                """);
        Memflux.Result file = Memflux.run(dir, "check", "--limits", "limits.toml", "p.bin");
        assertEquals(3, file.exitCode(), file.toString());
        List<String> lines = file.stdout().lines().toList();
        assertTrue(lines.get(0).startsWith("PASS peak 95.37 MiB <= 200.00 MiB"), file.toString());
        assertTrue(lines.get(1).startsWith("PASS allocations "), file.toString());
        assertTrue(lines.get(2).startsWith("FAIL leaked of function:hold_small 28.61 MiB > 28.00 MiB"), file.toString());
        Memflux.Result overridden = Memflux.run(dir, "check", "--limits", "limits.toml", "--where",
                "function:hold_small", "--max-leaked", "29MiB", "--max-peak", "90MiB", "p.bin");
        // --where scopes every flag: hold_small held nothing at the peak
        assertEquals(0, overridden.exitCode(), overridden.toString());
        assertTrue(overridden.stdout().contains("PASS leaked of function:hold_small 28.61 MiB <= 29.00 MiB"),
                overridden.toString());
        assertTrue(overridden.stdout().contains("PASS peak of function:hold_small 0 B <= 90.00 MiB"),
                overridden.toString());
        Files.writeString(dir.resolve("bad.toml"), "peek = \"1MB\"\n");
        Memflux.Result bad = Memflux.run(dir, "check", "--limits", "bad.toml", "p.bin");
        assertEquals(1, bad.exitCode(), bad.toString());
        assertEquals(1, bad.stderr().lines().count(), bad.toString());
        assertTrue(bad.stderr().startsWith("memflux: bad.toml: unknown key 'peek'"), bad.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void junitAndGithubOutputNameTheFigureAndTheTopLocation(String python) throws Exception {
        capture(python);
        Memflux.Result r = Memflux.run(dir, "check", "--max-peak", "95MiB", "--max-leaked", "40MiB", "--junit",
                "memory.xml", "--format", "github", "p.bin");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("wrote the JUnit report to memory.xml"), r.toString());
        int big = Programs.lineOf(Memflux.program("peak_then_smaller.py"), "big");
        List<String> lines = r.stdout().lines().toList();
        assertEquals(2, lines.size(), r.toString());
        assertTrue(lines.get(0).matches("::error file=[^,]*peak_then_smaller\\.py,line=" + big
                + ",title=memflux peak::FAIL peak 95\\.37 MiB > 95\\.00 MiB.*"), r.toString());
        assertTrue(lines.get(1).startsWith("::notice "), r.toString());

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("memory.xml").toFile());
        Element suites = xml.getDocumentElement();
        assertEquals("testsuites", suites.getTagName());
        Element suite = (Element) suites.getElementsByTagName("testsuite").item(0);
        assertEquals("2", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        NodeList cases = suite.getElementsByTagName("testcase");
        assertEquals(2, cases.getLength());
        Element peak = (Element) cases.item(0);
        assertEquals("peak <= 95.00 MiB", peak.getAttribute("name"));
        Element failure = (Element) peak.getElementsByTagName("failure").item(0);
        assertTrue(failure.getAttribute("message").contains("peak_then_smaller.py:" + big), failure.getAttribute("message"));
        assertEquals(0, ((Element) cases.item(1)).getElementsByTagName("failure").getLength());

        Memflux.Result again = Memflux.run(dir, "check", "--max-peak", "95MiB", "--junit", "memory.xml", "p.bin");
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("memory.xml already exists (use -f"), again.toString());
        assertEquals(3, Memflux.run(dir, "check", "--max-peak", "95MiB", "--junit", "memory.xml", "-f", "p.bin").exitCode());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void threadScopesCountWhatEachThreadAllocated(String python) throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "p.bin",
                Memflux.program("thread_holds.py").toString());
        assertEquals(0, r.exitCode(), r.toString());
        long workerPeak = figure("peak", "--where", "thread:2");
        assertTrue(workerPeak >= 8_000_008 && workerPeak < 8_000_008 + (1 << 20), Long.toString(workerPeak));
        long workerLeak = figure("leaked", "--where", "thread:2");
        assertTrue(workerLeak >= 2_000_002 && workerLeak < 2_000_002 + (1 << 20), Long.toString(workerLeak));
        long mainLeak = figure("leaked", "--where", "thread:1");
        assertTrue(mainLeak >= 1_000_001 && mainLeak < 1_000_001 + (1 << 20), Long.toString(mainLeak));
        assertEquals(0, figure("allocations", "--where", "thread:3"));
        Memflux.Result over = Memflux.run(dir, "check", "--where", "thread:2", "--max-peak", "7MiB", "p.bin");
        assertEquals(3, over.exitCode(), over.toString());
        assertTrue(over.stdout().startsWith("FAIL peak of thread:2 7.6"), over.toString());
        // its top contributor: the worker's line, with what it held at the thread's own peak (8 x 1,000,001 bytes)
        Path program = Memflux.program("thread_holds.py");
        String worker = program + ":" + Programs.lineOf(program, "worker") + ") ";
        assertTrue(over.stdout().lines().findFirst().orElse("").endsWith(worker + "7.63 MiB"), over.toString());
        Memflux.Result leaked = Memflux.run(dir, "check", "--where", "thread:1", "--max-leaked", "500k", "p.bin");
        assertEquals(3, leaked.exitCode(), leaked.toString());
        assertTrue(leaked.stdout().lines().findFirst().orElse("").endsWith(", top: <module> (" + program + ":"
                + Programs.lineOf(program, "main") + ") 976.56 KiB"), leaked.toString());
        assertEquals(0, Memflux.run(dir, "check", "--where", "thread:2", "--max-peak", "8MiB", "p.bin").exitCode());
    }
}
