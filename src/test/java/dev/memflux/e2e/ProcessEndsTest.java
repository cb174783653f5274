package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.sinks.FileSource;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ways a process leaves besides returning from its script: a vfork child's _exit after
 * a failed spawn, exec, C exit(). None may lose a record or make the capture look killed.
 */
class ProcessEndsTest {
    @TempDir
    Path dir;

    private Memflux.Result run(String python, Path program) throws Exception {
        return Memflux.run(dir, "run", "-q", "--python", python, "-o", "out.bin", program.toString());
    }

    private static long allocationsAt(Aggregator a, String function, Path program, String site) throws Exception {
        return Programs.site(a, function, program.toString(), Programs.lineOf(program, site)).allocations();
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void failedSpawnsLeaveTheCaptureWhole(String python) throws Exception {
        Path program = Memflux.program("failed_spawns.py");
        Memflux.Result r = run(python, program);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("spawn_errors=10"), r.toString());
        FileAnalysis capture = FileAnalysis.of(dir.resolve("out.bin"));
        assertFalse(capture.cutShort(), capture.cutShortReason());
        assertTrue(capture.totals().ended());
        assertEquals(4, allocationsAt(capture.totals(), "<listcomp>", program, "before"));
        assertEquals(6, allocationsAt(capture.totals(), "<listcomp>", program, "after"));
        // The vfork children's execs are theirs, not the program's.
        assertEquals(0, execRecords(dir.resolve("out.bin")));
    }

    private static long execRecords(Path file) throws Exception {
        try (FileSource source = FileSource.open(file)) {
            return source.batches().map(b -> {
                long n = 0;
                for (int i = 0; i < b.count; i++) {
                    n += b.tag(i) == RecordTag.EXEC ? 1 : 0;
                }
                return n;
            }).reduce(0L, Long::sum).block();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void execKeepsEveryRecordAndSaysSo(String python) throws Exception {
        Path program = Memflux.program("exec_after_allocations.py");
        Memflux.Result r = Memflux.run(dir, "run", "--python", python, "-o", "out.bin", program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("the program exec'd /bin/true; tracking ended there"), r.toString());
        assertFalse(r.stderr().contains("killed or crashed"), r.toString());
        FileAnalysis capture = FileAnalysis.of(dir.resolve("out.bin"));
        assertFalse(capture.cutShort(), capture.cutShortReason());
        assertEquals("/bin/true", capture.totals().execedPath());
        Programs.Site made = Programs.site(capture.totals(), "make", program.toString(), Programs.lineOf(program, "make"));
        assertEquals(100_000, made.allocations());
        assertEquals(100_000L * 1001, made.bytes());
        assertEquals(3, allocationsAt(capture.totals(), "<listcomp>", program, "after-failed-exec"));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void cExitEndsTrackingNormally(String python) throws Exception {
        Path program = Memflux.program("c_exit.py");
        Memflux.Result r = Memflux.run(dir, "run", "--python", python, "-o", "out.bin", program.toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertFalse(r.stderr().contains("killed or crashed"), r.toString());
        FileAnalysis capture = FileAnalysis.of(dir.resolve("out.bin"));
        assertFalse(capture.cutShort(), capture.cutShortReason());
        assertTrue(capture.totals().ended());
        Programs.Site made = Programs.site(capture.totals(), "make", program.toString(), Programs.lineOf(program, "make"));
        assertEquals(100_000, made.allocations());
        assertEquals(100_000, made.frees());
    }
}
