package dev.memflux.report;

import dev.memflux.pipeline.StackTable;
import dev.memflux.pipeline.ThreadFigures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Per-node figures (bytes and allocation counts by stack node, e.g. what was live at the
 * peak) folded into the tree a flame graph draws: one box per call path, its bytes and
 * count those of every allocation made on or below it. Node 0 of the tree is the root
 * (the whole); a box's parent always comes before it.
 *
 * <p>With native stacks each stack node's merged stack is that of the first native stack
 * seen at it ({@link HybridStack#of}); inverted, the paths start at the allocating frame.
 */
public final class FlameTree {
    /** What a box stands for; equal frames under the same parent share a box. */
    public record Frame(String function, String file, int line, boolean nativeFrame) {
        static final Frame ROOT = new Frame("<root>", "", 0, false);
        static final Frame NO_PYTHON = new Frame("<no Python frame>", "", 0, false);
    }

    private final List<Frame> frames = new ArrayList<>();
    private int[] parent = new int[256];
    private long[] bytes = new long[256];
    private long[] counts = new long[256];
    private final Map<Frame, Integer> frameIds = new HashMap<>();
    private int[] frameOf = new int[256];
    /** (parent box << 32 | frame id) → child box. */
    private final Map<Long, Integer> children = new HashMap<>();
    private int size;

    private FlameTree() {
        box(-1, frameId(Frame.ROOT));
    }

    /**
     * @param nativeOf the native stack node recorded with a stack node (0 for none)
     * @param inverted paths run from the allocating frame out to the program's entry
     */
    public static FlameTree of(StackTable stacks, long[] bytesByNode, long[] countsByNode, IntUnaryOperator nativeOf,
                               boolean inverted) {
        return build(stacks, bytesByNode, countsByNode, nativeOf, inverted, null);
    }

    /**
     * The tree of figures kept apart by thread ({@code --split-threads}): each thread's
     * paths under a box of its own, right below the root.
     *
     * @param bytesByPair bytes indexed by {@link ThreadFigures}'s pair ids
     */
    public static FlameTree byThread(StackTable stacks, ThreadFigures split, long[] bytesByPair, long[] countsByPair,
                                     IntUnaryOperator nativeOf, boolean inverted) {
        return build(stacks, bytesByPair, countsByPair, nativeOf, inverted, split);
    }

    private static FlameTree build(StackTable stacks, long[] bytes, long[] counts, IntUnaryOperator nativeOf,
                                   boolean inverted, ThreadFigures split) {
        FlameTree tree = new FlameTree();
        int n = Math.min(bytes.length, counts.length);
        if (split != null) {
            n = Math.min(n, split.pairs());
        }
        for (int id = 0; id < n; id++) {
            if (bytes[id] == 0 && counts[id] == 0) {
                continue;
            }
            int node = split == null ? id : split.node(id);
            List<HybridStack.Frame> stack = stacks.isNode(node)
                    ? HybridStack.of(stacks, node, nativeOf.applyAsInt(node)) : List.of();
            int start = 0;
            if (split != null) {
                int thread = split.thread(id);
                start = tree.child(0, tree.frameId(new Frame("thread " + thread + (split.tid(thread) != 0
                        ? " (tid " + split.tid(thread) + ")" : ""), "", 0, false)));
            }
            tree.add(start, stack, inverted, bytes[id], counts[id]);
        }
        return tree;
    }

    /** Adds one stack (innermost first) to every box on its path below box {@code from}, and to the boxes above it. */
    private void add(int from, List<HybridStack.Frame> innermostFirst, boolean inverted, long b, long c) {
        for (int up = from; up >= 0; up = parent[up]) {
            bytes[up] += b;
            counts[up] += c;
        }
        int at = from;
        if (innermostFirst.isEmpty()) {
            at = child(at, frameId(Frame.NO_PYTHON));
            bytes[at] += b;
            counts[at] += c;
            return;
        }
        int last = innermostFirst.size() - 1;
        for (int i = 0; i <= last; i++) {
            HybridStack.Frame f = innermostFirst.get(inverted ? i : last - i);
            at = child(at, frameId(new Frame(f.function(), f.file(), f.line(), f.nativeFrame())));
            bytes[at] += b;
            counts[at] += c;
        }
    }

    private int frameId(Frame frame) {
        Integer id = frameIds.get(frame);
        if (id == null) {
            id = frames.size();
            frames.add(frame);
            frameIds.put(frame, id);
        }
        return id;
    }

    private int child(int of, int frame) {
        long key = (long) of << 32 | frame;
        Integer box = children.get(key);
        if (box == null) {
            box = box(of, frame);
            children.put(key, box);
        }
        return box;
    }

    private int box(int parentBox, int frame) {
        if (size == parent.length) {
            int grown = size * 2;
            parent = Arrays.copyOf(parent, grown);
            bytes = Arrays.copyOf(bytes, grown);
            counts = Arrays.copyOf(counts, grown);
            frameOf = Arrays.copyOf(frameOf, grown);
        }
        parent[size] = parentBox;
        frameOf[size] = frame;
        return size++;
    }

    /** Boxes, the root (box 0) included. */
    public int size() {
        return size;
    }

    public int parent(int box) {
        return parent[box];
    }

    public Frame frame(int box) {
        return frames.get(frameOf[box]);
    }

    /** Bytes of every allocation on or below the box. */
    public long bytes(int box) {
        return bytes[box];
    }

    public long count(int box) {
        return counts[box];
    }
}
