package dev.memflux.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.format.EventBatch;
import dev.memflux.pipeline.StackTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlameTreeTest {
    private static final long[] BYTES = {3, 7, 100, 50, 40};
    private static final long[] COUNTS = {1, 1, 2, 5, 4};

    /** main (line 10) calls alloc at lines 20 and 21; alloc at 20 recurses into itself at 30. */
    private static StackTable stacks() {
        EventBatch batch = new EventBatch();
        batch.addFrame("main", "p.py", 1);
        batch.addFrame("alloc", "p.py", 15);
        batch.addNode(0, 1, 10); // 1: main:10
        batch.addNode(1, 2, 20); // 2: main:10 > alloc:20
        batch.addNode(1, 2, 21); // 3: main:10 > alloc:21
        batch.addNode(2, 2, 30); // 4: main:10 > alloc:20 > alloc:30
        StackTable stacks = new StackTable();
        for (int i = 0; i < batch.count; i++) {
            stacks.accept(batch, i);
        }
        return stacks;
    }

    /** Each box as "depth function:line bytes count", in box order. */
    private static List<String> boxes(FlameTree tree) {
        List<String> out = new ArrayList<>();
        for (int box = 0; box < tree.size(); box++) {
            int depth = 0;
            for (int at = box; tree.parent(at) >= 0; at = tree.parent(at)) {
                depth++;
            }
            FlameTree.Frame f = tree.frame(box);
            out.add(depth + " " + f.function() + ":" + f.line() + " " + tree.bytes(box) + " " + tree.count(box));
        }
        return out;
    }

    @Test
    void eachBoxHoldsWhatWasAllocatedOnOrBelowIt() {
        FlameTree tree = FlameTree.of(stacks(), BYTES, COUNTS, node -> 0, false);
        assertEquals(List.of("0 <root>:0 200 13", "1 <no Python frame>:0 3 1", "1 main:10 197 12",
                "2 alloc:20 140 6", "2 alloc:21 50 5", "3 alloc:30 40 4"), boxes(tree));
    }

    @Test
    void invertedPathsStartAtTheAllocatingFrameAndMergeAlike() {
        FlameTree tree = FlameTree.of(stacks(), BYTES, COUNTS, node -> 0, true);
        assertEquals(List.of("0 <root>:0 200 13", "1 <no Python frame>:0 3 1", "1 main:10 7 1",
                "1 alloc:20 100 2", "2 main:10 100 2", "1 alloc:21 50 5", "2 main:10 50 5",
                "1 alloc:30 40 4", "2 alloc:20 40 4", "3 main:10 40 4"), boxes(tree));
    }

    @Test
    void nodesWithNothingMakeNoBox() {
        FlameTree tree = FlameTree.of(stacks(), new long[] {0, 0, 0, 9, 0}, new long[] {0, 0, 0, 1, 0}, node -> 0, false);
        assertEquals(List.of("0 <root>:0 9 1", "1 main:10 9 1", "2 alloc:21 9 1"), boxes(tree));
    }
}
