package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Allocations made by C code while the GIL is released (ctypes calls) are charged to the
 * Python function that made the call, with every frame between it and the thread's
 * first, even when no allocation in those functions ever held the GIL.
 */
class GilFreeStacksTest {
    @TempDir
    Path dir;

    private Aggregator capture(String python, String source, Path program, String... args) throws Exception {
        FileAnalysis analysis = FileAnalysis.of(StackSources.capture(dir, python, source, program, args));
        StackSources.assertSource(source, analysis);
        return analysis.totals();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void eightThreadsOfCtypesMallocLandAtTheWorkersLine(String python, String source) throws Exception {
        Path program = Memflux.program("gil_free_threads.py");
        Aggregator a = capture(python, source, program, "2500");
        assertEquals(new Programs.Site(20_000, 20_000, 20_000L * 7777, 0),
                Programs.site(a, "worker", program.toString(), Programs.lineOf(program, "worker")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void aChainCalledOnlyThroughCtypesKeepsEveryFrame(String python, String source) throws Exception {
        Path program = Memflux.program("gil_free_chain.py");
        Aggregator a = capture(python, source, program);
        List<String> expected = List.of(
                "leaf:" + Programs.lineOf(program, "leaf"),
                "middle:" + Programs.lineOf(program, "calls-leaf"),
                "outer:" + Programs.lineOf(program, "calls-middle"),
                "<module>:" + Programs.lineOf(program, "calls-outer"));
        long matching = 0;
        for (int node = 1; node < a.stacks().nodeCount(); node++) {
            if (a.nodeAllocations(node) > 0 && a.nodeBytes(node) == a.nodeAllocations(node) * 4099L) {
                assertEquals(expected, StackSources.stack(a.stacks(), node));
                matching += a.nodeAllocations(node);
            }
        }
        assertEquals(11, matching);
        assertEquals(new Programs.Site(11, 11, 11L * 4099, 0),
                Programs.site(a, "leaf", program.toString(), Programs.lineOf(program, "leaf")));
    }
}
