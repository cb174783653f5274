package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A child forked without exec runs undisturbed and stays out of the parent's capture. */
class ForkTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aForkedChildIsNeitherTrackedNorDisturbed(String python) throws Exception {
        Path program = Memflux.program("forks.py");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "fork.bin", program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("child_status=3"), r.stdout());
        FileAnalysis capture = FileAnalysis.of(dir.resolve("fork.bin"));
        assertFalse(capture.cutShort());
        Aggregator a = capture.totals();
        assertEquals(5, Programs.site(a, "<listcomp>", program.toString(), Programs.lineOf(program, "parent")).allocations());
        assertEquals(0, Programs.site(a, "<listcomp>", program.toString(), Programs.lineOf(program, "child")).allocations());
    }
}
