package dev.memflux.report;

import dev.memflux.pipeline.StackTable;
import dev.memflux.pipeline.symbolize.NativeFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One allocation's whole stack, innermost first: its native frames (each address expanded
 * into its inlined frames) with the Python frames spliced in where the interpreter runs
 * them, at the innermost eval-loop frame, so a reader sees
 * {@code my_func (script.py:12) → PyNumber_Add → array_add → … → malloc} as one stack.
 * Without native frames it is the Python stack alone.
 */
public final class HybridStack {
    /** A frame of either kind; {@code nativeFrame} tells them apart in every report. */
    public record Frame(String function, String file, int line, boolean nativeFrame, boolean inlined) {
        /** For text reports: a marker of the frame's kind, then where it is. */
        @Override
        public String toString() {
            String where = line > 0 ? file + ":" + line : file;
            return (nativeFrame ? "[native] " : "[python] ") + function + " (" + where + ")" + (inlined ? " [inlined]" : "");
        }
    }

    /** CPython's eval loop, by the names it had from 3.8 on: where Python frames run. */
    private static final Set<String> EVAL_LOOP = Set.of("_PyEval_EvalFrameDefault",
            "PyEval_EvalFrameEx");

    private HybridStack() {}

    public static List<Frame> python(StackTable stacks, int node) {
        List<Frame> frames = new ArrayList<>();
        for (int at = node; at > 0 && stacks.isNode(at); at = stacks.parent(at)) {
            int frame = stacks.frame(at);
            frames.add(new Frame(stacks.function(frame), stacks.file(frame), stacks.line(at), false, false));
        }
        return frames;
    }

    public static List<Frame> nativeOnly(StackTable stacks, int nativeNode) {
        List<Frame> frames = new ArrayList<>();
        for (int at = nativeNode; at > 0 && at < stacks.nativeNodeCount(); at = stacks.nativeParent(at)) {
            long ip = stacks.nativeIp(at);
            List<NativeFrame> symbol = stacks.symbol(ip);
            if (symbol == null) {
                frames.add(new Frame(String.format("0x%x", ip), "?", 0, true, false));
                continue;
            }
            for (NativeFrame f : symbol) {
                frames.add(new Frame(f.function(), f.file(), f.line(), true, f.inlined()));
            }
        }
        return frames;
    }

    /** The merged stack of an allocation at Python node {@code node} with native stack {@code nativeNode}. */
    public static List<Frame> of(StackTable stacks, int node, int nativeNode) {
        List<Frame> py = python(stacks, node);
        if (nativeNode <= 0) {
            return py;
        }
        List<Frame> merged = new ArrayList<>(nativeOnly(stacks, nativeNode));
        for (int i = 0; i < merged.size(); i++) {
            if (EVAL_LOOP.contains(merged.get(i).function())) {
                merged.remove(i);
                merged.addAll(i, py);
                return merged;
            }
        }
        merged.addAll(py); // no eval loop on this thread's stack (a C thread): Python frames, if any, outermost
        return merged;
    }
}
