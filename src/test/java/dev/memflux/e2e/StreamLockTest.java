package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.pipeline.Aggregator;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stream lock belongs to the thread that opened the stream until another thread
 * records (capture/src/main/c/lock.c): that thread's events, made while four others start
 * and record at the same time (in C, the GIL released), and the ticker's flushes in
 * between, all reach the file whole.
 */
class StreamLockTest {
    private static final Path CHURN_C = Path.of("resources/native/churn.c").toAbsolutePath();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void theOwnerAndFourOtherThreadsLoseNoAllocation(String python) throws Exception {
        Path lib = dir.resolve("libchurn.so");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-fPIC", "-shared", "-o", lib.toString(), CHURN_C.toString())
                .inheritIO().start();
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc failed");
        Path program = Memflux.program("owner_and_others.py");
        Aggregator a = StackSources.analysis(dir, python, "walk", program, lib.toString(), "50000").totals();
        String file = program.toString();
        assertEquals(new Programs.Site(200_000, 200_000, 200_000L * 7001, 0),
                Programs.site(a, "main_thread_churns", file, Programs.lineOf(program, "main-churns")));
        assertEquals(new Programs.Site(200_000, 200_000, 200_000L * 9001, 0),
                Programs.site(a, "worker", file, Programs.lineOf(program, "worker-churns")));
    }
}
