package dev.memflux.gate;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.StackTable;
import dev.memflux.report.Location;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Per-test figures of a test suite's capture, seen in the same pass as the aggregator
 * (an observer of the same batches). An allocation belongs to the test whose function is
 * on its stack (the outermost, the one the runner called); for each test it keeps the
 * bytes its allocations held at most at once (its peak while it ran), the bytes and
 * allocations it made, and what of it was still live at its end. A test ends when its
 * thread next allocates outside it (the runner's own work, or the next test), so the
 * locals it dropped on returning are freed by then; the last test ends with tracking.
 * Restricted to a {@link Scope}, a test counts only its allocations in the scope (a frame
 * matching on the stack, or made by the scope's thread); when tests end does not change.
 *
 * <p>Runs on the reader's thread. Per event: a lookup of the node's test and the
 * {@link GroupFigures} update, no allocation; a test is named once, when its first stack
 * node arrives.
 */
public final class TestFigures implements Consumer<EventBatch> {
    /**
     * One test's figures; {@code location} is its function (file and the line of its def),
     * {@code leaked} what it left live at its end.
     */
    public record Test(Location location, long peak, long allocated, long allocations, long leaked) {
        public long value(Figure f) {
            return switch (f) {
                case PEAK -> peak;
                case LEAKED -> leaked;
                case ALLOCATED -> allocated;
                case ALLOCATIONS -> allocations;
            };
        }
    }

    private static final int NONE = -1;
    private final TestPattern pattern;
    private final Scope scope;
    /** Whether a frame of each node's stack matches a file or function scope. */
    private boolean[] nodeInScope = new boolean[1024];
    private final StackTable stacks = new StackTable();
    private final GroupFigures figures = new GroupFigures();
    private int[] testOfNode = new int[1024];
    private final Map<Location, Integer> ids = new HashMap<>();
    private final List<Location> locations = new ArrayList<>();
    /** What each test had live when it last ended; -1 while it has not. */
    private long[] leftAtEnd = new long[16];
    private int running = NONE;
    private int runningThread;
    private int thread = 1;

    public TestFigures(TestPattern pattern) {
        this(pattern, Scope.ALL);
    }

    public TestFigures(TestPattern pattern, Scope scope) {
        this.pattern = pattern;
        this.scope = scope;
        testOfNode[0] = NONE;
    }

    @Override
    public void accept(EventBatch batch) {
        for (int i = 0; i < batch.count; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                int node = batch.allocNode(i);
                int test = node > 0 && node < stacks.nodeCount() ? testOfNode[node] : NONE;
                if (running != NONE && running != test && runningThread == thread) {
                    leftAtEnd[running] = figures.live(running);
                    running = NONE;
                }
                if (test != NONE) {
                    if (inScope(node)) {
                        figures.allocated(batch.allocAddress(i), batch.allocSize(i), test);
                    }
                    running = test;
                    runningThread = thread;
                }
            } else if (tag == RecordTag.FREE) {
                figures.released(batch.freeAddress(i), Long.MAX_VALUE);
            } else if (tag == RecordTag.MUNMAP) {
                figures.released(batch.munmapAddress(i), batch.munmapLength(i));
            } else if (tag == RecordTag.THREAD) {
                thread = batch.threadNumber(i);
            } else if (tag == RecordTag.NODE || tag == RecordTag.FRAME) {
                stacks.accept(batch, i);
                if (tag == RecordTag.NODE) {
                    classify(stacks.nodeCount() - 1);
                }
            }
        }
    }

    private boolean inScope(int node) {
        return switch (scope.kind()) {
            case ALL -> true;
            case THREAD -> thread == scope.thread();
            default -> nodeInScope[node];
        };
    }

    /**
     * A node's test is its caller's, or its own frame's when that is a test and the caller
     * has none; it is in a file or function scope when its caller is or its frame matches.
     */
    private void classify(int node) {
        if (node >= testOfNode.length) {
            int grown = Math.max(testOfNode.length * 2, node + 1);
            testOfNode = Arrays.copyOf(testOfNode, grown);
            nodeInScope = Arrays.copyOf(nodeInScope, grown);
        }
        int parent = stacks.parent(node);
        int test = parent > 0 ? testOfNode[parent] : NONE;
        int frame = stacks.frame(node);
        String function = stacks.function(frame);
        String file = stacks.file(frame);
        if (test == NONE && function != null && file != null && pattern.matches(function, file)) {
            test = id(new Location(function, file, stacks.firstLine(frame)));
        }
        testOfNode[node] = test;
        nodeInScope[node] = (parent > 0 && nodeInScope[parent])
                || (function != null && file != null && scope.matches(function, file));
    }

    private int id(Location test) {
        Integer id = ids.get(test);
        if (id != null) {
            return id;
        }
        int next = locations.size();
        ids.put(test, next);
        locations.add(test);
        figures.ensure(next);
        if (next == leftAtEnd.length) {
            leftAtEnd = Arrays.copyOf(leftAtEnd, next * 2);
        }
        leftAtEnd[next] = -1;
        return next;
    }

    /** Every test seen allocating or on a stack, in the order they first appeared. */
    public List<Test> tests() {
        List<Test> tests = new ArrayList<>();
        for (int t = 0; t < locations.size(); t++) {
            long left = t == running || leftAtEnd[t] < 0 ? figures.live(t) : leftAtEnd[t];
            tests.add(new Test(locations.get(t), figures.peak(t), figures.bytes(t), figures.count(t), left));
        }
        return tests;
    }
}
