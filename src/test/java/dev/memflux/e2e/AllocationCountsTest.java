package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.report.FileAnalysis;
import dev.memflux.report.LocationTotals;
import dev.memflux.report.SummaryReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Programs whose allocations are known by construction, checked against the reports. */
class AllocationCountsTest {
    @TempDir
    Path dir;

    private Path capture(String python, String program, String... args) throws Exception {
        Path out = dir.resolve(program + ".bin");
        String[] command = new String[6 + args.length];
        System.arraycopy(new String[] {"run", "-q", "--python", python, "-o", out.toString()}, 0, command, 0, 6);
        System.arraycopy(args, 0, command, 6, args.length);
        Memflux.Result r = Memflux.run(dir, command);
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void exactlyNAllocationsOfAKnownSizeAtAKnownLine(String python) throws Exception {
        Path program = Memflux.program("exact_count.py");
        Path file = capture(python, "exact", program.toString(), "1234");
        int line = Programs.lineOf(program, "make");
        Programs.Site site = Programs.site(FileAnalysis.of(file).totals(), "make", program.toString(), line);
        assertEquals(new Programs.Site(1234, 1234, 1234L * 10001, 0), site);

        // The same numbers as a script reading stats --json would see them.
        Memflux.Result stats = Memflux.run(dir, "stats", "--json", "-n", "3", file.toString());
        assertEquals(0, stats.exitCode(), stats.toString());
        Map<String, Object> json = MiniJson.object(MiniJson.parse(stats.stdout()));
        Map<String, Object> top = MiniJson.object(MiniJson.array(json.get("top_allocations_by_count")).get(0));
        assertEquals("make:" + program + ":" + line, top.get("location"));
        assertEquals(1234L, top.get("count"));
        assertEquals((long) line, top.get("line"));
        Map<String, Object> bySize = MiniJson.object(MiniJson.array(json.get("top_allocations_by_size")).get(0));
        assertEquals(1234L * 10001, bySize.get("size"));
        assertTrue((Long) json.get("total_num_allocations") >= 1234);
        assertTrue((Long) MiniJson.object(json.get("allocator_type_distribution")).get("MALLOC") >= 1234);
        Map<String, Object> metadata = MiniJson.object(json.get("metadata"));
        assertTrue(((String) metadata.get("command_line")).contains("exact_count.py 1234"), metadata.toString());
        assertFalse((Boolean) metadata.get("cut_short"));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void fourThreadsLoseNoAllocation(String python) throws Exception {
        Path program = Memflux.program("four_threads.py");
        Path file = capture(python, "threads", program.toString(), "2500");
        Programs.Site site = Programs.site(FileAnalysis.of(file).totals(), "worker", program.toString(),
                Programs.lineOf(program, "worker"));
        assertEquals(new Programs.Site(4 * 2500, 4 * 2500, 4L * 2500 * 10001, 0), site);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void peakIsAttributedToTheLineThatHeldItAndTheRestIsLeaked(String python) throws Exception {
        Path program = Memflux.program("peak_then_smaller.py");
        Path file = capture(python, "peak", program.toString());
        FileAnalysis analysis = FileAnalysis.of(file);
        long big = 100L * 1_000_001;
        long small = 30L * 1_000_001;
        long peak = analysis.totals().peakBytes();
        // The peak is the 100 MB plus the interpreter's own baseline, which is small.
        assertTrue(peak >= big && peak <= big * 1.01, "peak " + peak);
        int bigLine = Programs.lineOf(program, "big");
        int smallLine = Programs.lineOf(program, "small");

        SummaryReport summary = new SummaryReport(analysis, SummaryReport.SortKey.OWN, 5);
        LocationTotals.Row first = summary.rows().get(0);
        assertEquals(bigLine, first.location.line());
        assertEquals(program.toString(), first.location.file());
        // The 100 bytearrays, plus the list's own item array (CPython over-allocates it as it
        // grows: 108 slots of 8 bytes on 3.11), which is allocated at the same line.
        assertTrue(first.ownBytes >= big && first.ownBytes <= big + 1024, "own bytes " + first.ownBytes);

        Programs.Site kept = Programs.site(analysis.totals(), "<listcomp>", program.toString(), smallLine);
        assertEquals(small, kept.liveAtEnd());
        long leaked = analysis.totals().heapBytes();
        assertTrue(leaked >= small && leaked <= small + big / 100, "leaked " + leaked);

        Memflux.Result text = Memflux.run(dir, "summary", "-n", "3", file.toString());
        assertEquals(0, text.exitCode(), text.toString());
        List<String> lines = text.stdout().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("peak_then_smaller.py:" + bigLine) && l.contains("95.37 MiB")),
                text.stdout());
    }
}
