package dev.memflux.gate;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.LiveAllocations;
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
 * allocations it made, and what of it was still live when tracking stopped.
 *
 * <p>Runs on the reader's thread. Per event it does one or two probes of its own live
 * map and array updates, no allocation; a test is named once, when its first stack node
 * arrives. A munmap is matched by its start address only (a mapping a test made and later
 * unmapped from the middle stays counted): tests' memory is the malloc family and whole
 * mappings.
 */
public final class TestFigures implements Consumer<EventBatch> {
    /** One test's figures; {@code location} is its function (file and the line of its def). */
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
    private final StackTable stacks = new StackTable();
    private final LiveAllocations owned = new LiveAllocations(1 << 12);
    private int[] testOfNode = new int[1024];
    private final Map<Location, Integer> ids = new HashMap<>();
    private final List<Location> locations = new ArrayList<>();
    private long[] live = new long[16];
    private long[] peak = new long[16];
    private long[] bytes = new long[16];
    private long[] count = new long[16];

    public TestFigures(TestPattern pattern) {
        this.pattern = pattern;
        testOfNode[0] = NONE;
    }

    @Override
    public void accept(EventBatch batch) {
        for (int i = 0; i < batch.count; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                allocated(batch.allocAddress(i), batch.allocSize(i), batch.allocNode(i));
            } else if (tag == RecordTag.FREE) {
                released(batch.freeAddress(i), Long.MAX_VALUE);
            } else if (tag == RecordTag.MUNMAP) {
                released(batch.munmapAddress(i), batch.munmapLength(i));
            } else if (tag == RecordTag.NODE || tag == RecordTag.FRAME) {
                stacks.accept(batch, i);
                if (tag == RecordTag.NODE) {
                    classify(stacks.nodeCount() - 1);
                }
            }
        }
    }

    private void allocated(long address, long size, int node) {
        int test = node > 0 && node < stacks.nodeCount() ? testOfNode[node] : NONE;
        if (test == NONE) {
            return;
        }
        bytes[test] += size;
        count[test]++;
        long replaced = owned.put(address, size, test);
        if (replaced >= 0) {
            live[owned.removedNode()] -= replaced;
        }
        live[test] += size;
        if (live[test] > peak[test]) {
            peak[test] = live[test];
        }
    }

    private void released(long address, long length) {
        long size = owned.remove(address);
        if (size < 0) {
            return;
        }
        int test = owned.removedNode();
        long gone = Math.min(size, length);
        live[test] -= gone;
        if (gone < size) {
            owned.put(address + gone, size - gone, test);
        }
    }

    /** A node's test is its caller's, or its own frame's when that is a test and the caller has none. */
    private void classify(int node) {
        if (node >= testOfNode.length) {
            testOfNode = Arrays.copyOf(testOfNode, Math.max(testOfNode.length * 2, node + 1));
        }
        int parent = stacks.parent(node);
        int test = parent > 0 ? testOfNode[parent] : NONE;
        if (test == NONE) {
            int frame = stacks.frame(node);
            String function = stacks.function(frame);
            String file = stacks.file(frame);
            if (function != null && file != null && pattern.matches(function, file)) {
                test = id(new Location(function, file, stacks.firstLine(frame)));
            }
        }
        testOfNode[node] = test;
    }

    private int id(Location test) {
        Integer id = ids.get(test);
        if (id != null) {
            return id;
        }
        int next = locations.size();
        ids.put(test, next);
        locations.add(test);
        if (next == live.length) {
            live = Arrays.copyOf(live, next * 2);
            peak = Arrays.copyOf(peak, next * 2);
            bytes = Arrays.copyOf(bytes, next * 2);
            count = Arrays.copyOf(count, next * 2);
        }
        return next;
    }

    /** Every test seen allocating or on a stack, in the order they first appeared. */
    public List<Test> tests() {
        List<Test> tests = new ArrayList<>();
        for (int t = 0; t < locations.size(); t++) {
            tests.add(new Test(locations.get(t), peak[t], bytes[t], count[t], live[t]));
        }
        return tests;
    }
}
