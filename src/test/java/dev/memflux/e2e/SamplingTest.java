package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --sample-rate: sampled_sites.py allocates 200 MB it keeps at one line and 400 MB it frees
 * at once at another. At one sample per 64 KiB the capture keeps about 2,800 and 6,000
 * allocations of them, so the estimates' standard errors are under 2%: 10% is more than
 * five of them, and a scaling error (a missing or doubled weight) is far outside it.
 */
class SamplingTest {
    private static final long HELD_BYTES = 20_000L * 10_001;
    private static final long CHURN_BYTES = 400_000L * 1_001;
    private static final long CHURN_COUNT = 400_000;

    @TempDir
    Path dir;

    private final Path program = Memflux.program("sampled_sites.py");

    private Path capture(String python, String... flags) throws Exception {
        Path out = dir.resolve("sampled.bin");
        String[] command = new String[flags.length + 8];
        System.arraycopy(new String[] {"run", "-q", "-f", "--python", python, "-o", out.toString()}, 0, command, 0, 7);
        System.arraycopy(flags, 0, command, 7, flags.length);
        command[command.length - 1] = program.toString();
        Memflux.Result r = Memflux.run(dir, command);
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    private static void assertNear(long exact, long estimate, String what) {
        assertTrue(Math.abs(estimate - exact) <= exact / 10, what + ": estimated " + estimate + ", exactly " + exact);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void estimatesAreWithinTenPercentOfTheExactFigures(String python) throws Exception {
        Aggregator a = FileAnalysis.of(capture(python, "--sample-rate=64KiB")).totals();
        assertEquals(65_536, a.sampleMeanBytes());
        String file = program.toString();
        Programs.Site held = Programs.site(a, "hold", file, Programs.lineOf(program, "held"));
        Programs.Site churned = Programs.site(a, "churn", file, Programs.lineOf(program, "churn"));
        assertNear(HELD_BYTES, held.bytes(), "bytes allocated at the held line");
        assertNear(20_000, held.allocations(), "allocations at the held line");
        assertNear(HELD_BYTES, held.liveAtEnd(), "bytes still allocated at the held line");
        assertNear(CHURN_BYTES, churned.bytes(), "bytes allocated at the churn line");
        assertNear(CHURN_COUNT, churned.allocations(), "allocations at the churn line");
        // Their frees were sampled with them: the estimate of what is left is (close to) none.
        assertTrue(churned.liveAtEnd() < CHURN_BYTES / 1000, churned.toString());
        assertNear(CHURN_COUNT, churned.frees(), "frees at the churn line");
        assertNear(HELD_BYTES, Programs.bytesAt(a, a.peakBytesByNode(), "hold", file, Programs.lineOf(program, "held")),
                "bytes held at the peak");
        // The sample is small: the capture keeps a few thousand allocations, not 420,000.
        assertTrue(a.records() < 60_000, "records: " + a.records());
    }

    @Test
    void reportsSayTheirFiguresAreEstimates() throws Exception {
        Path file = capture(Interpreters.all().findFirst().orElseThrow(), "--sample-rate=64KiB");
        Memflux.Result stats = Memflux.run(dir, "stats", file.toString());
        assertEquals(0, stats.exitCode(), stats.toString());
        assertTrue(stats.stdout().contains("Estimates: sampled, one allocation kept per 64.00 KiB"), stats.stdout());
        Memflux.Result summary = Memflux.run(dir, "summary", file.toString());
        assertTrue(summary.stdout().contains("the figures are estimates"), summary.stdout());
        Memflux.Result json = Memflux.run(dir, "stats", "--json", file.toString());
        Map<String, Object> metadata = MiniJson.object(MiniJson.object(MiniJson.parse(json.stdout())).get("metadata"));
        assertEquals(true, metadata.get("estimated"));
        assertEquals(65_536L, metadata.get("sample_rate"));
    }

    @Test
    void anAggregatedSampledCaptureKeepsItsEstimates() throws Exception {
        Path file = capture(Interpreters.all().findFirst().orElseThrow(), "--sample-rate=64KiB", "--aggregate");
        Aggregator a = FileAnalysis.of(file).totals();
        assertEquals(65_536, a.sampleMeanBytes());
        Programs.Site held = Programs.site(a, "hold", program.toString(), Programs.lineOf(program, "held"));
        assertNear(HELD_BYTES, held.liveAtEnd(), "bytes still allocated at the held line");
        Memflux.Result stats = Memflux.run(dir, "stats", file.toString());
        assertTrue(stats.stdout().contains("Estimates: sampled"), stats.stdout());
    }

    @Test
    void anExactCaptureSaysNothingOfEstimates() throws Exception {
        Path file = capture(Interpreters.all().findFirst().orElseThrow());
        Memflux.Result stats = Memflux.run(dir, "stats", file.toString());
        assertTrue(!stats.stdout().contains("Estimates"), stats.stdout());
        Aggregator a = FileAnalysis.of(file).totals();
        Programs.Site churned = Programs.site(a, "churn", program.toString(), Programs.lineOf(program, "churn"));
        assertEquals(CHURN_COUNT, churned.allocations());
        assertEquals(0, a.sampleMeanBytes());
    }

    @Test
    void aBadRateIsOneLineAndAUsageError() throws Exception {
        for (String bad : new String[] {"--sample-rate=abc", "--sample-rate=0", "--sample-rate=2GiB"}) {
            Memflux.Result r = Memflux.run(dir, "run", bad, "-c", "pass");
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.stderr().startsWith("memflux: --sample-rate"), r.stderr());
            assertTrue(!r.stderr().contains("Exception"), r.stderr());
        }
    }
}
