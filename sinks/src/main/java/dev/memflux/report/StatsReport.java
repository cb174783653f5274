package dev.memflux.report;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StackTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code memflux stats}: totals, the peak and when it happened, what was still allocated
 * when tracking stopped, allocators, a size histogram and the top locations. The JSON
 * keeps {@code memray stats --json}'s shape and key names, so scripts carry over; memflux
 * adds {@code leaked_memory} and a few metadata keys.
 */
public final class StatsReport {
    private final FileAnalysis analysis;
    private final int top;
    private final List<LocationTotals.Row> bySize;
    private final List<LocationTotals.Row> byCount;

    public StatsReport(FileAnalysis analysis, int top) {
        this.analysis = analysis;
        this.top = top;
        Aggregator a = analysis.totals();
        StackTable stacks = a.stacks();
        int nodes = stacks.nodeCount();
        long[] bytes = new long[nodes];
        long[] counts = new long[nodes];
        for (int node = 0; node < nodes; node++) {
            bytes[node] = a.nodeBytes(node);
            counts[node] = a.nodeAllocations(node);
        }
        LocationTotals totals = LocationTotals.of(stacks, bytes, counts);
        bySize = totals.sorted(Comparator.comparingLong((LocationTotals.Row r) -> -r.ownBytes), top);
        byCount = totals.sorted(Comparator.comparingLong((LocationTotals.Row r) -> -r.ownCount), top);
        bySize.removeIf(r -> r.ownBytes == 0);
        byCount.removeIf(r -> r.ownCount == 0);
    }

    /** One bucket of the size histogram: sizes in [min, max]. */
    public record Bucket(long min, long max, long count) {}

    /** Power-of-two buckets from the smallest to the largest size seen. */
    public List<Bucket> histogram() {
        long[] h = analysis.totals().sizeHistogram();
        int first = -1;
        int last = -1;
        for (int b = 0; b < h.length; b++) {
            if (h[b] > 0) {
                first = first < 0 ? b : first;
                last = b;
            }
        }
        List<Bucket> buckets = new ArrayList<>();
        for (int b = Math.max(first, 0); first >= 0 && b <= last; b++) {
            long min = b == 0 ? 0 : 1L << (b - 1);
            long max = b == 0 ? 0 : b == 64 ? Long.MAX_VALUE : (1L << b) - 1;
            buckets.add(new Bucket(min, max, h[b]));
        }
        return buckets;
    }

    public String text() {
        Aggregator a = analysis.totals();
        StringBuilder out = new StringBuilder();
        var h = analysis.header();
        out.append("Capture:   ").append(analysis.file()).append('\n');
        out.append("Command:   ").append(h.commandLine()).append('\n');
        out.append("Process:   pid ").append(h.pid()).append(", Python ").append(firstWord(h.pythonVersion()))
                .append(", started ").append(Units.timestamp(h.startMillis()))
                .append(", tracked for ").append(Units.seconds(analysis.durationMillis())).append('\n');
        if (analysis.programEnd() != null) {
            out.append("Aggregated: figures per stack, no events; the program ended: ")
                    .append(analysis.programEnd().describe()).append('\n');
        }
        if (analysis.cutShort()) {
            out.append("Warning:   the capture was cut short: ").append(analysis.cutShortReason())
                    .append("; the numbers cover what was recorded\n");
        }
        if (analysis.samplingNote() != null) {
            out.append("Estimates: ").append(analysis.samplingNote()).append('\n');
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "%-28s%s%n", "Total allocations:", Units.count(a.allocations())));
        out.append(String.format(Locale.ROOT, "%-28s%s%n", "Total memory allocated:", Units.bytes(a.bytesAllocated())));
        out.append(String.format(Locale.ROOT, "%-28s%s (at %s)%n", "Peak memory (heap):", Units.bytes(a.peakBytes()),
                Units.seconds(a.peakMillis())));
        out.append(String.format(Locale.ROOT, "%-28s%s in %s allocation%s%n", "Still allocated at the end:",
                Units.bytes(a.heapBytes()), Units.count(a.liveAllocations()), a.liveAllocations() == 1 ? "" : "s"));
        if (a.peakRssBytes() > 0) {
            out.append(String.format(Locale.ROOT, "%-28s%s%n", "Peak resident set size:", Units.bytes(a.peakRssBytes())));
        }

        out.append("\nAllocations by allocator:\n");
        for (AllocatorKind kind : AllocatorKind.values()) {
            if (a.allocationsBy(kind) > 0) {
                out.append(String.format(Locale.ROOT, "  %-16s %14s  %12s%n", kind.functionName(),
                        Units.count(a.allocationsBy(kind)), Units.bytes(a.bytesBy(kind))));
            }
        }

        List<Bucket> buckets = histogram();
        if (!buckets.isEmpty()) {
            out.append("\nAllocation sizes:\n");
            long max = buckets.stream().mapToLong(Bucket::count).max().orElse(1);
            for (Bucket b : buckets) {
                int bar = b.count() == 0 ? 0 : (int) Math.max(1, Math.round(30.0 * Math.log1p(b.count()) / Math.log1p(max)));
                out.append(String.format(Locale.ROOT, "  %10s - %-10s %14s  %s%n", Units.bytes(b.min()), Units.bytes(b.max()),
                        Units.count(b.count()), "#".repeat(bar)));
            }
        }

        out.append("\nTop ").append(top).append(" locations by memory allocated:\n");
        boolean nativeStacks = analysis.header().has(RecordTag.FLAG_NATIVE);
        for (LocationTotals.Row r : bySize) {
            out.append(String.format(Locale.ROOT, "  %12s  %s%n", Units.bytes(r.ownBytes), r.location));
            if (nativeStacks) {
                for (HybridStack.Frame f : stack(r)) {
                    out.append("                  ").append(f).append('\n');
                }
            }
        }
        out.append("\nTop ").append(top).append(" locations by number of allocations:\n");
        for (LocationTotals.Row r : byCount) {
            out.append(String.format(Locale.ROOT, "  %12s  %s%n", Units.count(r.ownCount), r.location));
        }
        return out.toString();
    }

    public String json() {
        Aggregator a = analysis.totals();
        var h = analysis.header();
        Json j = new Json().beginObject();
        j.field("total_num_allocations", a.allocations());
        j.field("total_bytes_allocated", a.bytesAllocated());
        j.name("allocation_size_histogram").beginArray();
        for (Bucket b : histogram()) {
            j.beginObject().field("min_bytes", b.min()).field("max_bytes", b.max()).field("count", b.count()).endObject();
        }
        j.endArray();
        j.name("allocator_type_distribution").beginObject();
        for (AllocatorKind kind : AllocatorKind.values()) {
            if (a.allocationsBy(kind) > 0) {
                j.field(kind.name(), a.allocationsBy(kind));
            }
        }
        j.endObject();
        j.name("top_allocations_by_size").beginArray();
        for (LocationTotals.Row r : bySize) {
            stack(location(j, r.location).field("size", r.ownBytes), r).endObject();
        }
        j.endArray();
        j.name("top_allocations_by_count").beginArray();
        for (LocationTotals.Row r : byCount) {
            stack(location(j, r.location).field("count", r.ownCount), r).endObject();
        }
        j.endArray();
        j.field("leaked_memory", a.heapBytes());
        j.field("leaked_allocations", a.liveAllocations());
        j.name("metadata").beginObject();
        j.field("start_time", Units.timestamp(h.startMillis()));
        j.field("end_time", Units.timestamp(h.startMillis() + analysis.durationMillis()));
        j.field("total_allocations", a.allocations());
        j.field("total_frees", a.frees());
        j.field("total_frames", a.stacks().frameCount() - 1);
        j.field("peak_memory", a.peakBytes());
        j.field("peak_memory_time_ms", a.peakMillis());
        j.field("command_line", h.commandLine());
        j.field("pid", h.pid());
        j.field("python_version", firstWord(h.pythonVersion()));
        j.field("has_native_traces", h.has(RecordTag.FLAG_NATIVE));
        j.field("trace_python_allocators", h.has(RecordTag.FLAG_PYTHON_ALLOCATORS));
        j.field("python_stack_source", h.has(RecordTag.FLAG_FRAME_WALK) ? "frame-walk" : "profile-function");
        j.field("compressed", h.has(RecordTag.FLAG_COMPRESSED));
        j.field("file_format", "memflux " + analysis.formatVersion());
        j.field("cut_short", analysis.cutShort());
        j.field("sample_rate", a.sampleMeanBytes());
        j.field("estimated", a.sampleMeanBytes() != 0);
        j.field("aggregated", analysis.aggregated());
        if (analysis.programEnd() != null) {
            j.field("program_end", analysis.programEnd().describe());
        }
        j.endObject();
        j.endObject();
        return j + "\n";
    }

    /** The row's whole stack, innermost first (hybrid with --native). */
    private List<HybridStack.Frame> stack(LocationTotals.Row r) {
        Aggregator a = analysis.totals();
        return HybridStack.of(a.stacks(), r.node, a.nodeNative(r.node));
    }

    private Json stack(Json j, LocationTotals.Row r) {
        j.name("stack").beginArray();
        for (HybridStack.Frame f : stack(r)) {
            j.beginObject().field("function", f.function()).field("file", f.file()).field("line", f.line())
                    .field("native", f.nativeFrame());
            if (f.inlined()) {
                j.field("inlined", true);
            }
            j.endObject();
        }
        return j.endArray();
    }

    private static Json location(Json j, Location l) {
        return j.beginObject().field("location", l.key()).field("function", l.function()).field("file", l.file())
                .field("line", l.line());
    }

    private static String firstWord(String s) {
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }
}
