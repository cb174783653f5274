package dev.memflux.report;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StackTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code memflux tree}: the biggest allocation sites of a {@link NodeFigures} (the peak,
 * leaks or temporaries) as a call tree printed in the terminal, outermost frame first,
 * each node with its bytes, its share of the whole and its allocations, as memray's
 * {@code tree} shows them. The root holds everything; sites past the biggest {@code N}
 * are counted in it and named in one line under the tree.
 */
public final class TreeReport {
    /** Frames deeper than this below the root are not shown (a deep recursion would fill the terminal). */
    static final int MAX_DEPTH = 128;

    /** One node of the tree: a frame, and what was allocated while it was on the stack. */
    public static final class Node {
        public final HybridStack.Frame frame;
        public long bytes;
        public long count;
        final Map<HybridStack.Frame, Node> children = new LinkedHashMap<>();

        Node(HybridStack.Frame frame) {
            this.frame = frame;
        }

        public List<Node> children() {
            List<Node> list = new ArrayList<>(children.values());
            list.sort(Comparator.comparingLong((Node n) -> -n.bytes));
            return list;
        }
    }

    private final FileAnalysis analysis;
    private final NodeFigures figures;
    private final Node root = new Node(null);
    private final int shown;
    private int leftOut;
    private long leftOutBytes;
    private long leftOutCount;

    public TreeReport(FileAnalysis analysis, NodeFigures figures, int biggest) {
        this.analysis = analysis;
        this.figures = figures;
        Aggregator a = analysis.totals();
        StackTable stacks = a.stacks();
        List<Integer> sites = new ArrayList<>();
        int nodes = Math.min(stacks.nodeCount(), figures.bytes().length);
        for (int node = 0; node < nodes; node++) {
            if (figures.bytes(node) > 0) {
                sites.add(node);
            }
        }
        sites.sort(Comparator.comparingLong((Integer n) -> -figures.bytes(n)).thenComparingInt(n -> n));
        shown = Math.min(biggest, sites.size());
        for (int i = 0; i < sites.size(); i++) {
            int node = sites.get(i);
            long bytes = figures.bytes(node);
            long count = figures.count(node);
            root.bytes += bytes;
            root.count += count;
            if (i >= biggest) {
                leftOut++;
                leftOutBytes += bytes;
                leftOutCount += count;
                continue;
            }
            List<HybridStack.Frame> stack = new ArrayList<>(HybridStack.of(stacks, node, a.nodeNative(node)));
            Collections.reverse(stack);
            if (stack.isEmpty()) {
                stack.add(new HybridStack.Frame("<unknown>", "no Python frame", 0, false, false));
            }
            Node at = root;
            for (int depth = 0; depth < stack.size() && depth < MAX_DEPTH; depth++) {
                at = at.children.computeIfAbsent(stack.get(depth), Node::new);
                at.bytes += bytes;
                at.count += count;
            }
        }
    }

    public Node root() {
        return root;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(figures.heading()).append(" — ").append(analysis.file()).append('\n');
        if (figures.kind() == NodeFigures.Kind.PEAK) {
            out.append("The heap peaked at ").append(Units.seconds(analysis.totals().peakMillis())).append('\n');
        }
        if (analysis.cutShort()) {
            out.append("Warning: the capture was cut short: ").append(analysis.cutShortReason()).append('\n');
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "📂 %s (100.00 %%) %s allocations <ROOT>%n", Units.bytes(root.bytes),
                Units.count(root.count)));
        List<Node> children = root.children();
        for (int i = 0; i < children.size(); i++) {
            print(out, children.get(i), "", i == children.size() - 1);
        }
        if (leftOut > 0) {
            out.append(String.format(Locale.ROOT, "%nThe biggest %d allocation sites are shown; %d more hold %s in %s "
                    + "allocations (use -b to show more).%n", shown, leftOut, Units.bytes(leftOutBytes),
                    Units.count(leftOutCount)));
        }
        return out.toString();
    }

    /** Iterative over siblings, recursive over depth (at most {@link #MAX_DEPTH} deep). */
    private void print(StringBuilder out, Node node, String indent, boolean last) {
        List<Node> children = node.children();
        HybridStack.Frame f = node.frame;
        String where = f.line() > 0 ? f.file() + ":" + f.line() : f.file();
        out.append(indent).append(last ? "└── " : "├── ").append(children.isEmpty() ? "📄 " : "📂 ")
                .append(String.format(Locale.ROOT, "%s (%.2f %%) %s allocations %s%s  %s%n", Units.bytes(node.bytes),
                        share(node.bytes), Units.count(node.count), f.nativeFrame() ? "[native] " : "", f.function(),
                        where));
        String next = indent + (last ? "    " : "│   ");
        for (int i = 0; i < children.size(); i++) {
            print(out, children.get(i), next, i == children.size() - 1);
        }
    }

    private double share(long bytes) {
        return root.bytes == 0 ? 0 : 100.0 * bytes / root.bytes;
    }
}
