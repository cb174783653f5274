package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StackTable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;

/**
 * Asserts that two aggregators answer every public read method alike: found by reflection,
 * so a read method added to the engine later is compared too. The read methods are those
 * that return a value and take nothing, a node number or an allocator kind.
 */
final class SameFigures {
    /** Public methods that change the aggregator or hand out something compared on its own. */
    private static final Set<String> NOT_READS = Set.of("snapshot", "stacks", "hashCode", "toString", "getClass");

    private SameFigures() {}

    static void assertSame(Aggregator expected, Aggregator actual) throws Exception {
        assertSameStacks(expected.stacks(), actual.stacks());
        int ids = Math.max(expected.stacks().nodeCount(), expected.stacks().nativeNodeCount()) + 2;
        int compared = 0;
        for (Method m : Aggregator.class.getMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers())
                    || m.getReturnType() == void.class || NOT_READS.contains(m.getName())
                    || m.getDeclaringClass() != Aggregator.class) {
                continue;
            }
            Class<?>[] params = m.getParameterTypes();
            if (params.length == 0) {
                assertEqualValues(m.invoke(expected), m.invoke(actual), m.getName() + "()");
            } else if (params.length == 1 && params[0] == int.class) {
                for (int id = 0; id < ids; id++) {
                    assertEqualValues(m.invoke(expected, id), m.invoke(actual, id), m.getName() + "(" + id + ")");
                }
            } else if (params.length == 1 && params[0] == AllocatorKind.class) {
                for (AllocatorKind kind : AllocatorKind.values()) {
                    assertEqualValues(m.invoke(expected, kind), m.invoke(actual, kind), m.getName() + "(" + kind + ")");
                }
            } else {
                continue;
            }
            compared++;
        }
        assertTrue(compared >= 25, "only " + compared + " read methods compared");
    }

    private static void assertEqualValues(Object expected, Object actual, String what) {
        if (expected instanceof long[] e) {
            assertEquals(Arrays.toString(e), Arrays.toString((long[]) actual), what);
        } else {
            assertEquals(expected, actual, what);
        }
    }

    private static void assertSameStacks(StackTable expected, StackTable actual) {
        assertEquals(expected.nodeCount(), actual.nodeCount(), "nodes");
        assertEquals(expected.frameCount(), actual.frameCount(), "frames");
        assertEquals(expected.nativeNodeCount(), actual.nativeNodeCount(), "native nodes");
        for (int node = 1; node < expected.nodeCount(); node++) {
            assertEquals(expected.parent(node), actual.parent(node), "parent of node " + node);
            assertEquals(expected.frame(node), actual.frame(node), "frame of node " + node);
            assertEquals(expected.line(node), actual.line(node), "line of node " + node);
        }
        for (int frame = 1; frame < expected.frameCount(); frame++) {
            assertEquals(expected.function(frame), actual.function(frame), "function of frame " + frame);
            assertEquals(expected.file(frame), actual.file(frame), "file of frame " + frame);
            assertEquals(expected.firstLine(frame), actual.firstLine(frame), "first line of frame " + frame);
        }
        for (int node = 1; node < expected.nativeNodeCount(); node++) {
            assertEquals(expected.nativeParent(node), actual.nativeParent(node), "parent of native node " + node);
            assertEquals(expected.nativeIp(node), actual.nativeIp(node), "ip of native node " + node);
            assertEquals(expected.symbol(expected.nativeIp(node)), actual.symbol(actual.nativeIp(node)),
                    "symbol of native node " + node);
        }
    }
}
