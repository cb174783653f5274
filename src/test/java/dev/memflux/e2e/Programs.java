package dev.memflux.e2e;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StackTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the lines test programs mark ("# site: NAME") and sums what a capture recorded there. */
final class Programs {
    private Programs() {}

    static int lineOf(Path program, String site) throws IOException {
        List<String> lines = Files.readAllLines(program);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("# site: " + site)) {
                return i + 1;
            }
        }
        throw new AssertionError("no '# site: " + site + "' in " + program);
    }

    /** Totals of every stack whose innermost frame is {@code function} at {@code file:line}. */
    record Site(long allocations, long frees, long bytes, long liveAtEnd) {}

    static Site site(Aggregator a, String function, String file, int line) {
        StackTable stacks = a.stacks();
        long[] live = a.liveBytesByNode();
        long allocations = 0;
        long frees = 0;
        long bytes = 0;
        long liveBytes = 0;
        for (int node = 1; node < stacks.nodeCount(); node++) {
            int frame = stacks.frame(node);
            if (stacks.line(node) == line && stacks.function(frame).equals(function) && stacks.file(frame).equals(file)) {
                allocations += a.nodeAllocations(node);
                frees += a.nodeFrees(node);
                bytes += a.nodeBytes(node);
                liveBytes += node < live.length ? live[node] : 0;
            }
        }
        return new Site(allocations, frees, bytes, liveBytes);
    }

    /** Bytes {@code perNode} (live bytes by node, e.g. a snapshot at the peak) holds at {@code function} at {@code file:line}. */
    static long bytesAt(Aggregator a, long[] perNode, String function, String file, int line) {
        StackTable stacks = a.stacks();
        long bytes = 0;
        for (int node = 1; node < stacks.nodeCount() && node < perNode.length; node++) {
            int frame = stacks.frame(node);
            if (stacks.line(node) == line && stacks.function(frame).equals(function) && stacks.file(frame).equals(file)) {
                bytes += perNode[node];
            }
        }
        return bytes;
    }
}
