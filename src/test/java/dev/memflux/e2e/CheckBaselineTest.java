package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * check --baseline and diff on grows.py, whose load_table holds COUNT x 500,001 bytes at
 * the peak ("site: load"): COUNT 100 is the baseline, 130 grew 30%, 103 grew 3%.
 */
class CheckBaselineTest {
    @TempDir
    Path dir;

    private void capture(String python, String name, int count) throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", name,
                Memflux.program("grows.py").toString(), Integer.toString(count));
        assertEquals(0, r.exitCode(), r.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void growthBeyondTheToleranceFailsAndNoiseDoesNot(String python) throws Exception {
        capture(python, "base.bin", 100);
        capture(python, "grown.bin", 130);
        capture(python, "noise.bin", 103);
        String load = "grows.py:" + Programs.lineOf(Memflux.program("grows.py"), "load");

        Memflux.Result grown = Memflux.run(dir, "check", "--baseline", "base.bin", "--tolerance", "10%", "grown.bin");
        assertEquals(3, grown.exitCode(), grown.toString());
        List<String> lines = grown.stdout().lines().toList();
        String peak = lines.stream().filter(l -> l.startsWith("FAIL peak ") && !l.contains(" at ")).findFirst().orElse("");
        // 130 x 500,001 bytes = 61.99 MiB; 100 x 500,001 = 47.68 MiB, +10% = 52.45 MiB
        assertTrue(peak.startsWith("FAIL peak 61.99 MiB > 52.45 MiB (+30% vs baseline 47.68 MiB, tolerance 10%), top: ")
                && peak.endsWith(load + ") 61.99 MiB"), grown.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FAIL peak at ") && l.contains(load)), grown.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("PASS leaked ")), grown.toString());

        Memflux.Result noise = Memflux.run(dir, "check", "--baseline", "base.bin", "--tolerance", "10%", "noise.bin");
        assertEquals(0, noise.exitCode(), noise.toString());
        assertTrue(noise.stdout().startsWith("PASS peak 49.12 MiB <= 52.45 MiB (+3% vs baseline 47.68 MiB, tolerance 10%)"),
                noise.toString());

        // +2MB (2,097,152 bytes) absorbs 3 x 500,001 bytes but not 30 x 500,001
        assertEquals(0, Memflux.run(dir, "check", "--baseline", "base.bin", "--tolerance", "+2MB", "noise.bin").exitCode());
        assertEquals(3, Memflux.run(dir, "check", "--baseline", "base.bin", "--tolerance", "+2MB", "grown.bin").exitCode());
        // a fixed limit says how far it moved from the baseline
        Memflux.Result fixed = Memflux.run(dir, "check", "--baseline", "base.bin", "--tolerance", "50%", "--max-peak",
                "60MiB", "grown.bin");
        assertEquals(3, fixed.exitCode(), fixed.toString());
        assertTrue(fixed.stdout().startsWith("FAIL peak 61.99 MiB > 60.00 MiB"), fixed.toString());
        assertTrue(fixed.stdout().lines().findFirst().orElse("").contains("> 60.00 MiB (+30% vs baseline), top: "),
                fixed.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void diffShowsEachLocationsChangeLargestFirst(String python) throws Exception {
        capture(python, "base.bin", 100);
        capture(python, "grown.bin", 130);
        Memflux.Result r = Memflux.run(dir, "diff", "--json", "base.bin", "grown.bin");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> json = MiniJson.object(MiniJson.parse(r.stdout()));
        Map<String, Object> peak = MiniJson.object(MiniJson.object(json.get("totals")).get("peak"));
        long change = ((Number) peak.get("change")).longValue();
        assertTrue(change >= 15_000_030 && change < 15_000_030 + 65_536, r.stdout());
        Map<String, Object> first = MiniJson.object(MiniJson.array(json.get("locations")).get(0));
        assertEquals(Memflux.program("grows.py").toString(), first.get("file"));
        assertEquals((long) Programs.lineOf(Memflux.program("grows.py"), "load"), ((Number) first.get("line")).longValue());
        long at = ((Number) MiniJson.object(first.get("allocated")).get("change")).longValue();
        assertTrue(at >= 15_000_030 && at < 15_000_030 + 65_536, r.stdout());
        long count = ((Number) MiniJson.object(first.get("allocations")).get("change")).longValue();
        assertTrue(count >= 30 && count < 40, r.stdout());

        Memflux.Result text = Memflux.run(dir, "diff", "-n", "1", "base.bin", "grown.bin");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.stdout().contains("+14.31 MiB"), text.toString());
        assertTrue(text.stdout().contains("grows.py:" + Programs.lineOf(Memflux.program("grows.py"), "load")),
                text.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aForkFamilyIsCheckedFileByFileOrSummed(String python) throws Exception {
        Memflux.Result run = Memflux.run(dir, "run", "-q", "--follow-fork", "--python", python, "-o", "fork.bin",
                Memflux.program("follow_forks.py").toString());
        assertEquals(0, run.exitCode(), run.toString());
        // leaked: parent 3,000,017 (2.86 MiB), child 5,000,011 (4.77 MiB), grandchild 7,000,003 (6.68 MiB)
        Memflux.Result each = Memflux.run(dir, "check", "--max-leaked", "4MiB", "fork.bin");
        assertEquals(3, each.exitCode(), each.toString());
        List<String> lines = each.stdout().lines().filter(l -> l.startsWith("PASS") || l.startsWith("FAIL")).toList();
        assertEquals(3, lines.size(), each.toString());
        assertTrue(lines.get(0).startsWith("PASS [fork.bin] leaked 2.86 MiB"), each.toString());
        assertTrue(lines.get(1).matches("FAIL \\[fork\\.bin\\.\\d+] leaked 4\\.77 MiB > 4\\.00 MiB.*"), each.toString());
        assertTrue(lines.get(2).matches("FAIL \\[fork\\.bin\\.\\d+] leaked 6\\.68 MiB > 4\\.00 MiB.*"), each.toString());
        // summed: 15,000,031 bytes = 14.31 MiB
        Memflux.Result sum = Memflux.run(dir, "check", "--family", "sum", "--max-leaked", "14MiB", "fork.bin");
        assertEquals(3, sum.exitCode(), sum.toString());
        assertTrue(sum.stdout().startsWith("FAIL [fork.bin + 2 children] leaked 14.31 MiB > 14.00 MiB"), sum.toString());
        assertEquals(0, Memflux.run(dir, "check", "--family", "sum", "--max-leaked", "14.4MiB", "fork.bin").exitCode());
        assertEquals(0, Memflux.run(dir, "check", "--family", "none", "--max-leaked", "4MiB", "fork.bin").exitCode());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void badInputIsOneLineAndItsOwnExitCode(String python) throws Exception {
        Memflux.Result killed = Memflux.run(dir, "run", "-q", "--python", python, "-o", "killed.bin",
                Memflux.program("killed.py").toString());
        assertEquals(137, killed.exitCode(), killed.toString());
        Memflux.Result strict = Memflux.run(dir, "check", "--strict", "--max-peak", "1GB", "killed.bin");
        assertEquals(1, strict.exitCode(), strict.toString());
        assertEquals(1, strict.stderr().lines().count(), strict.toString());
        assertTrue(strict.stderr().startsWith("memflux: killed.bin was cut short ("), strict.toString());
        Memflux.Result lenient = Memflux.run(dir, "check", "--max-peak", "1GB", "killed.bin");
        assertEquals(0, lenient.exitCode(), lenient.toString());
        assertTrue(lenient.stderr().startsWith("memflux: warning: killed.bin was cut short"), lenient.toString());

        for (List<String> args : List.of(List.of("check", "--max-peak", "1GB", "missing.bin"),
                List.of("check", "--max-peak", "1GB", "--baseline", "missing.bin", "killed.bin"),
                List.of("diff", "killed.bin", "missing.bin"))) {
            Memflux.Result r = Memflux.run(dir, args.toArray(String[]::new));
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().endsWith("memflux: no such file: missing.bin\n"), r.toString());
        }
        for (List<String> args : List.of(List.of("check", "--max-peak", "12XB", "killed.bin"),
                List.of("check", "killed.bin"),
                List.of("check", "--where", "thread:x", "--max-peak", "1", "killed.bin"),
                List.of("check", "--baseline", "killed.bin", "--tolerance", "10", "killed.bin"),
                List.of("check", "--format", "xml", "--max-peak", "1", "killed.bin"))) {
            Memflux.Result r = Memflux.run(dir, args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.stderr().startsWith("memflux: "), r.toString());
            assertTrue(r.stderr().lines().noneMatch(l -> l.contains("Exception") || l.startsWith("\tat ")), r.toString());
        }
    }
}
