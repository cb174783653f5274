package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A program that sets its own profile function (sys.setprofile, cProfile) keeps exact
 * stacks under memflux, and its function keeps being called (the program checks that
 * itself, and what sys.getprofile() returns, and exits non-zero otherwise).
 */
class OwnProfilersTest {
    @TempDir
    Path dir;

    static void assertExactSites(Aggregator a, Path program) throws Exception {
        String file = program.toString();
        assertEquals(new Programs.Site(5, 0, 5L * 30_011, 5L * 30_011),
                Programs.site(a, "traced", file, Programs.lineOf(program, "traced")), "sys.setprofile");
        assertEquals(new Programs.Site(7, 0, 7L * 30_013, 7L * 30_013),
                Programs.site(a, "profiled", file, Programs.lineOf(program, "profiled")), "cProfile.Profile");
        assertEquals(new Programs.Site(4, 0, 4L * 30_015, 4L * 30_015),
                Programs.site(a, "ran", file, Programs.lineOf(program, "ran")), "cProfile.run");
        assertEquals(new Programs.Site(3, 0, 3L * 30_017, 3L * 30_017),
                Programs.site(a, "after", file, Programs.lineOf(program, "after")), "after removing them");
        assertEquals(new Programs.Site(6, 0, 6L * 30_019, 6L * 30_019),
                Programs.site(a, "threaded", file, Programs.lineOf(program, "threaded")), "threading.setprofile");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void setprofileAndCProfileKeepExactStacksAndStillRun(String python, String source) throws Exception {
        Path program = Memflux.program("own_profilers.py");
        FileAnalysis analysis = FileAnalysis.of(StackSources.capture(dir, python, source, program));
        StackSources.assertSource(source, analysis);
        assertExactSites(analysis.totals(), program);
    }
}
