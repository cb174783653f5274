package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StackTable;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both stack sources give the same stacks and counts: the frame walk (the default on
 * CPython 3.11) and the profile function (any other CPython, or MEMFLUX_STACK_SOURCE=profile).
 */
class StackSourceTest {
    @TempDir
    Path dir;

    static Stream<Arguments> sources() {
        return Interpreters.all().flatMap(python -> Stream.of("walk", "profile").map(s -> Arguments.of(python, s)));
    }

    private Aggregator capture(String python, String source, String program, String... args) throws Exception {
        Path out = dir.resolve(source + ".bin");
        List<String> command = new ArrayList<>(List.of("run", "-q", "-f", "--python", python, "-o", out.toString(),
                Memflux.program(program).toString()));
        command.addAll(List.of(args));
        Memflux.Result r = Memflux.runWith(dir, null, source.equals("profile") ? Map.of("MEMFLUX_STACK_SOURCE", "profile")
                : Map.of(), command.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        FileAnalysis analysis = FileAnalysis.of(out);
        // Both interpreters here are CPython 3.11, where the frame walk is the default.
        assertEquals(source.equals("walk"), analysis.header().has(RecordTag.FLAG_FRAME_WALK));
        return analysis.totals();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sources")
    void theWholeStackWithTheLineEachCallerIsAt(String python, String source) throws Exception {
        Path program = Memflux.program("nested_stack.py");
        Aggregator a = capture(python, source, "nested_stack.py");
        StackTable stacks = a.stacks();
        List<String> expected = List.of(
                "leaf:" + Programs.lineOf(program, "leaf"),
                "<listcomp>:" + Programs.lineOf(program, "calls-leaf"),
                "middle:" + Programs.lineOf(program, "calls-leaf"),
                "outer:" + Programs.lineOf(program, "calls-middle"),
                "<module>:" + Programs.lineOf(program, "calls-outer"));
        long matching = 0;
        for (int node = 1; node < stacks.nodeCount(); node++) {
            if (a.nodeAllocations(node) == 0 || a.nodeBytes(node) != a.nodeAllocations(node) * 30_001L) {
                continue;
            }
            List<String> stack = new ArrayList<>();
            for (int at = node; at > 0; at = stacks.parent(at)) {
                stack.add(stacks.function(stacks.frame(at)) + ":" + stacks.line(at));
            }
            assertEquals(expected, stack);
            matching += a.nodeAllocations(node);
        }
        assertEquals(7, matching);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sources")
    void fourThreadsCountTheSameWithEitherSource(String python, String source) throws Exception {
        Path program = Memflux.program("four_threads.py");
        Aggregator a = capture(python, source, "four_threads.py", "1500");
        assertEquals(new Programs.Site(6000, 6000, 6000L * 10001, 0),
                Programs.site(a, "worker", program.toString(), Programs.lineOf(program, "worker")));
    }
}
