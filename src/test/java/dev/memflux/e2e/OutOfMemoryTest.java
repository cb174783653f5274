package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** memflux run in a heap too small for the live set: the file is still whole, the exit code the program's. */
class OutOfMemoryTest {
    private static final int LIVE = 1_000_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aLiveSetThatOutgrowsTheHeapStillLeavesAWholeCapture(String python) throws Exception {
        Path program = Memflux.program("many_live.py");
        Path out = dir.resolve("many.bin");
        Memflux.Result r = Memflux.runWithJvm(dir, List.of("-Xmx24m"), null, Map.of(), "run", "--python", python,
                "-o", out.toString(), program.toString(), Integer.toString(LIVE));
        assertEquals(7, r.exitCode(), r.toString());
        List<String> said = r.stderr().lines().toList();
        assertTrue(said.get(0).matches("memflux: out of memory while analysing \\([0-9,]+ live allocations\\); the "
                + "capture file is complete, its totals will be computed by the report commands"), r.toString());
        assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), r.toString());

        FileAnalysis analysis = FileAnalysis.of(out);
        assertFalse(analysis.cutShort(), analysis.cutShortReason());
        assertTrue(analysis.trailer().totalsUnavailable());
        SiteKinds keep = SiteKinds.of(out, analysis.totals(), program, Programs.lineOf(program, "keep"));
        int malloc = AllocatorKind.MALLOC.ordinal();
        assertEquals(LIVE, keep.allocations()[malloc], keep.toString());
        assertEquals(LIVE * 521L, keep.bytes()[malloc], keep.toString());
        assertTrue(keep.liveAtEnd() >= LIVE * 521L, keep.toString());
        assertTrue(analysis.totals().liveAllocations() >= LIVE);

        Memflux.Result stats = Memflux.run(dir, "stats", "--json", out.toString());
        assertEquals(0, stats.exitCode(), stats.toString());
        Map<String, Object> json = MiniJson.object(MiniJson.parse(stats.stdout()));
        assertEquals(analysis.totals().allocations(), json.get("total_num_allocations"));
        assertEquals(analysis.totals().heapBytes(), json.get("leaked_memory"));
        assertFalse((Boolean) MiniJson.object(json.get("metadata")).get("cut_short"));
    }
}
