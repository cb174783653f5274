package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stream lock belongs to the thread that opened the stream until another thread
 * records (capture/src/main/c/lock.c): that thread's events, made while the others start
 * and record at the same time (the GIL released), and the ticker's flushes in between,
 * all reach the file whole.
 */
class StreamLockTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void theOwnerAndFourOtherThreadsLoseNoAllocation(String python) throws Exception {
        Path program = Memflux.program("owner_and_others.py");
        FileAnalysis analysis = FileAnalysis.of(StackSources.capture(dir, python, "walk", program, "20000"));
        Aggregator a = analysis.totals();
        String file = program.toString();
        assertEquals(new Programs.Site(20_000, 20_000, 20_000L * 7001, 0),
                Programs.site(a, "main_thread_allocates", file, Programs.lineOf(program, "main-mallocs")));
        assertEquals(new Programs.Site(80_000, 80_000, 80_000L * 9001, 0),
                Programs.site(a, "worker", file, Programs.lineOf(program, "worker-mallocs")));
    }
}
