package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.report.FileAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's compact records (docs/FORMAT.md: ALLOC_NEXT, ALLOC_REUSE, ALLOC16, FREE_RECENT, ...) decode to
 * exactly the events a program made, and make the file smaller where addresses follow no pattern.
 */
class CompactRecordsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void shuffledFreesAreExactAndCheap(String python) throws Exception {
        Path program = Memflux.program("random_frees.py");
        Path out = dir.resolve("random.bin");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", out.toString(), program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        FileAnalysis analysis = FileAnalysis.of(out);
        Programs.Site site = Programs.site(analysis.totals(), "churn", program.toString(),
                Programs.lineOf(program, "keep"));
        assertEquals(new Programs.Site(60_000, 60_000, 67_950_000, 0), site);

        long events = analysis.totals().allocations() + analysis.totals().frees();
        double bytesPerEvent = (double) Files.size(out) / events;
        assertTrue(events >= 120_000, "events " + events);
        assertTrue(bytesPerEvent <= 2.2, bytesPerEvent + " bytes per event over " + events + " events");
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void churnInAWorkingSetIsExactAndCheap(String python) throws Exception {
        Path program = Memflux.program("working_set_churn.py");
        Path out = dir.resolve("churn.bin");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", out.toString(), program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        FileAnalysis analysis = FileAnalysis.of(out);
        Programs.Site site = Programs.site(analysis.totals(), "churn", program.toString(),
                Programs.lineOf(program, "keep"));
        assertEquals(new Programs.Site(40_000, 40_000, 65_300_000, 0), site);

        long events = analysis.totals().allocations() + analysis.totals().frees();
        double bytesPerEvent = (double) Files.size(out) / events;
        assertTrue(events >= 80_000, "events " + events);
        assertTrue(bytesPerEvent <= 3.4, bytesPerEvent + " bytes per event over " + events + " events");
    }
}
