package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StackTable;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both stack sources give the same stacks and counts: the frame walk (the default on
 * CPython 3.11, 3.12 and 3.13) and the profile function (any other CPython, or
 * MEMFLUX_STACK_SOURCE=profile), on each interpreter of {@link StackSources#both()}.
 */
class StackSourceTest {
    @TempDir
    Path dir;

    private FileAnalysis capture(String python, String source, Path program, String... args) throws Exception {
        FileAnalysis analysis = FileAnalysis.of(StackSources.capture(dir, python, source, program, args));
        StackSources.assertSource(source, analysis);
        return analysis;
    }

    /** CPython 3.12 runs a comprehension inside its function's frame (PEP 709). */
    private static boolean comprehensionsHaveFrames(FileAnalysis analysis) {
        String[] version = analysis.header().pythonVersion().split("[. ]");
        return Integer.parseInt(version[0]) == 3 && Integer.parseInt(version[1]) < 12;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void theWholeStackWithTheLineEachCallerIsAt(String python, String source) throws Exception {
        Path program = Memflux.program("nested_stack.py");
        FileAnalysis analysis = capture(python, source, program);
        Aggregator a = analysis.totals();
        StackTable stacks = a.stacks();
        List<String> expected = new ArrayList<>(List.of(
                "leaf:" + Programs.lineOf(program, "leaf"),
                "<listcomp>:" + Programs.lineOf(program, "calls-leaf"),
                "middle:" + Programs.lineOf(program, "calls-leaf"),
                "outer:" + Programs.lineOf(program, "calls-middle"),
                "<module>:" + Programs.lineOf(program, "calls-outer")));
        if (!comprehensionsHaveFrames(analysis)) {
            expected.remove(1);
        }
        long matching = 0;
        for (int node = 1; node < stacks.nodeCount(); node++) {
            if (a.nodeAllocations(node) == 0 || a.nodeBytes(node) != a.nodeAllocations(node) * 30_001L) {
                continue;
            }
            assertEquals(expected, StackSources.stack(stacks, node));
            matching += a.nodeAllocations(node);
        }
        assertEquals(7, matching);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void generatorAndCoroutineFramesWhereTheyRun(String python, String source) throws Exception {
        Path program = Memflux.program("generators_coroutines.py");
        Aggregator a = capture(python, source, program).totals();
        String file = program.toString();
        assertEquals(new Programs.Site(5, 0, 5L * 40_009, 5L * 40_009),
                Programs.site(a, "produce", file, Programs.lineOf(program, "produce")));
        assertEquals(new Programs.Site(6, 0, 6L * 50_021, 6L * 50_021),
                Programs.site(a, "fetch", file, Programs.lineOf(program, "fetch")));
        List<String> generator = List.of("produce:" + Programs.lineOf(program, "produce"),
                "delegate:" + Programs.lineOf(program, "delegates"),
                "<module>:" + Programs.lineOf(program, "consumes"));
        List<String> coroutine = List.of("fetch:" + Programs.lineOf(program, "fetch"),
                "handle:" + Programs.lineOf(program, "awaits"), "main:" + Programs.lineOf(program, "calls-handle"));
        String bottom = "<module>:" + Programs.lineOf(program, "runs-main");
        long generated = 0;
        long fetched = 0;
        for (int node = 1; node < a.stacks().nodeCount(); node++) {
            List<String> stack = StackSources.stack(a.stacks(), node);
            if (a.nodeBytes(node) == a.nodeAllocations(node) * 40_009L && a.nodeAllocations(node) > 0) {
                assertEquals(generator, stack);
                generated += a.nodeAllocations(node);
            } else if (a.nodeBytes(node) == a.nodeAllocations(node) * 50_021L && a.nodeAllocations(node) > 0) {
                // Between main and the module: asyncio's event loop, whose lines vary by version.
                assertEquals(coroutine, stack.subList(0, 3), stack.toString());
                assertEquals(bottom, stack.get(stack.size() - 1), stack.toString());
                fetched += a.nodeAllocations(node);
            }
        }
        assertEquals(5, generated);
        assertEquals(6, fetched);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void dashMLeavesTheInterpretersRunpyOut(String python, String source) throws Exception {
        Path program = Memflux.program("mfx_module_prog.py");
        Path out = dir.resolve(source + ".bin");
        Memflux.Result r = Memflux.runWith(program.getParent(), null, source.equals("profile")
                ? Map.of("MEMFLUX_STACK_SOURCE", "profile") : Map.of(),
                "run", "-q", "--python", python, "-o", out.toString(), "-m", "mfx_module_prog");
        assertEquals(0, r.exitCode(), r.toString());
        FileAnalysis analysis = FileAnalysis.of(out);
        StackSources.assertSource(source, analysis);
        Aggregator a = analysis.totals();
        int line = Programs.lineOf(program, "module");
        assertEquals(new Programs.Site(1, 0, 20_001, 20_001), Programs.site(a, "<module>", program.toString(), line));
        long found = 0;
        for (int node = 1; node < a.stacks().nodeCount(); node++) {
            if (a.nodeAllocations(node) == 1 && a.nodeBytes(node) == 20_001) {
                assertEquals(List.of("<module>:" + line), StackSources.stack(a.stacks(), node));
                found++;
            }
        }
        assertEquals(1, found);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void fourThreadsCountTheSameWithEitherSource(String python, String source) throws Exception {
        Path program = Memflux.program("four_threads.py");
        Aggregator a = capture(python, source, program, "1500").totals();
        assertEquals(new Programs.Site(6000, 6000, 6000L * 10001, 0),
                Programs.site(a, "worker", program.toString(), Programs.lineOf(program, "worker")));
    }
}
