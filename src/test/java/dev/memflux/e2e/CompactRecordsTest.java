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
        assertExactAndSmall(python, "random_frees.py", new Programs.Site(60_000, 60_000, 67_950_000, 0), 120_000, 2.2);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void churnInAWorkingSetIsExactAndCheap(String python) throws Exception {
        assertExactAndSmall(python, "working_set_churn.py", new Programs.Site(40_000, 40_000, 65_300_000, 0), 80_000, 3.4);
    }

    /** The program's "keep" site in function churn has exactly {@code expected}; the file at most so many bytes an event. */
    private void assertExactAndSmall(String python, String name, Programs.Site expected, long minEvents,
            double maxBytesPerEvent) throws Exception {
        Path program = Memflux.program(name);
        Path out = dir.resolve(name + ".bin");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", out.toString(), program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        FileAnalysis analysis = FileAnalysis.of(out);
        Programs.Site site = Programs.site(analysis.totals(), "churn", program.toString(),
                Programs.lineOf(program, "keep"));
        assertEquals(expected, site);

        long events = analysis.totals().allocations() + analysis.totals().frees();
        double bytesPerEvent = (double) Files.size(out) / events;
        assertTrue(events >= minEvents, "events " + events);
        assertTrue(bytesPerEvent <= maxBytesPerEvent, bytesPerEvent + " bytes per event over " + events + " events");
    }
}
