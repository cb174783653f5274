package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Python waits for non-daemon threads and executor jobs after the script's last line: so does tracking. */
class TrackingAfterMainTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void threadsAndExecutorJobsThatRunAfterTheLastLineAreRecorded(String python) throws Exception {
        Path program = Memflux.program("after_main.py");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", "late.bin", program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        FileAnalysis capture = FileAnalysis.of(dir.resolve("late.bin"));
        assertFalse(capture.cutShort());
        Programs.Site thread = Programs.site(capture.totals(), "late_thread", program.toString(),
                Programs.lineOf(program, "thread-late"));
        assertEquals(1, thread.allocations());
        assertEquals(300_008, thread.liveAtEnd());
        Programs.Site job = Programs.site(capture.totals(), "late_job", program.toString(),
                Programs.lineOf(program, "job-late"));
        assertEquals(1, job.allocations());
        assertEquals(500_010, job.liveAtEnd());
    }
}
