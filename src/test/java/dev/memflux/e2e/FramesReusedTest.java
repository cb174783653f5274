package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.pipeline.Aggregator;
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
        Aggregator a = StackSources.analysis(dir, python, source, program).totals();
        assertEquals(halfEach(program, "leaf", "alternates", "via_p:p-calls", "via_q:q-calls", 30),
                stacksOfSize(a, 30_011));
        assertEquals(halfEach(program, "gen", "alternates-gen", "take_a:a-takes", "take_b:b-takes", 20),
                stacksOfSize(a, 50_021));
        assertEquals(Map.of(recursion(program, 3), 30L, recursion(program, 5), 30L), stacksOfSize(a, 20_011));
    }

    /**
     * Count allocations at the top site (a function of that name) through each of two
     * callers ("function:site"), both called from the module's line at loopSite.
     */
    private static Map<List<String>, Long> halfEach(Path program, String top, String loopSite, String callerA,
            String callerB, long count) throws Exception {
        String topFrame = top + ":" + Programs.lineOf(program, top);
        String loop = "<module>:" + Programs.lineOf(program, loopSite);
        return Map.of(List.of(topFrame, frame(program, callerA), loop), count,
                List.of(topFrame, frame(program, callerB), loop), count);
    }

    /** "function:site" as "function:line". */
    private static String frame(Path program, String functionAndSite) throws Exception {
        String[] parts = functionAndSite.split(":");
        return parts[0] + ":" + Programs.lineOf(program, parts[1]);
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
