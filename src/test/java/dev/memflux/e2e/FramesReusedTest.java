package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The frame walk reuses what it found at a thread's last allocation for the frames that
 * did not change: frames popped and others pushed at the same addresses (same-sized
 * callers, one generator resumed from two callers, a recursion of two depths) must still
 * give each allocation its own stack, as the profile function does.
 */
class FramesReusedTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void framesPushedAgainAtTheSameAddressesKeepTheirOwnStacks(String python, String source) throws Exception {
        Path program = Memflux.program("frames_reused.py");
        FileAnalysis analysis = FileAnalysis.of(StackSources.capture(dir, python, source, program));
        StackSources.assertSource(source, analysis);
        Aggregator a = analysis.totals();

        String leaf = "leaf:" + Programs.lineOf(program, "leaf");
        String alternates = "<module>:" + Programs.lineOf(program, "alternates");
        assertEquals(Map.of(
                List.of(leaf, "via_p:" + Programs.lineOf(program, "p-calls"), alternates), 30L,
                List.of(leaf, "via_q:" + Programs.lineOf(program, "q-calls"), alternates), 30L),
                stacksOfSize(a, 30_011));

        String gen = "gen:" + Programs.lineOf(program, "gen");
        String alternatesGen = "<module>:" + Programs.lineOf(program, "alternates-gen");
        assertEquals(Map.of(
                List.of(gen, "take_a:" + Programs.lineOf(program, "a-takes"), alternatesGen), 20L,
                List.of(gen, "take_b:" + Programs.lineOf(program, "b-takes"), alternatesGen), 20L),
                stacksOfSize(a, 50_021));

        assertEquals(Map.of(recursion(program, 3), 30L, recursion(program, 5), 30L), stacksOfSize(a, 20_011));
    }

    /** down:bottom, down:recurse x depth, then the module's loop. */
    private static List<String> recursion(Path program, int depth) throws Exception {
        List<String> stack = new ArrayList<>();
        stack.add("down:" + Programs.lineOf(program, "bottom"));
        stack.addAll(Collections.nCopies(depth, "down:" + Programs.lineOf(program, "recurse")));
        stack.add("<module>:" + Programs.lineOf(program, "recurses"));
        return stack;
    }

    /** Allocations of exactly this size, counted by stack (innermost first). */
    private static Map<List<String>, Long> stacksOfSize(Aggregator a, long size) {
        Map<List<String>, Long> counts = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        for (int node = 1; node < a.stacks().nodeCount(); node++) {
            long allocations = a.nodeAllocations(node);
            if (allocations > 0 && a.nodeBytes(node) == allocations * size) {
                counts.merge(StackSources.stack(a.stacks(), node), allocations, Long::sum);
            }
        }
        return counts;
    }
}
