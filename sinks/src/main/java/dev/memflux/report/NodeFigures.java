package dev.memflux.report;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.TemporaryAllocations;

/**
 * What a report shows, as bytes and allocation counts per stack node (the shape
 * {@link LocationTotals#of} folds): the memory live at the heap's peak, what was still
 * live when tracking stopped (leaks), or the temporary allocations. Every reporter takes
 * one, so the peak, leaks and temporaries look the same in each of them.
 *
 * @param bytes per-node bytes, indexed by stack node
 * @param counts per-node allocation counts
 * @param totalBytes the sum of {@code bytes}
 * @param totalCount the sum of {@code counts}
 */
public record NodeFigures(Kind kind, long[] bytes, long[] counts, long totalBytes, long totalCount, int threshold) {
    /** Which memory the figures describe. */
    public enum Kind {
        PEAK("at the peak", "@peak"),
        LEAKS("leaked (still allocated when tracking stopped)", "leaked"),
        TEMPORARY("in temporary allocations", "temp");

        /** For sentences: "95 MiB at the peak". */
        public final String phrase;
        /** For column headers: "Total@peak". */
        public final String column;

        Kind(String phrase, String column) {
            this.phrase = phrase;
            this.column = column;
        }
    }

    public static NodeFigures peak(Aggregator a) {
        return of(Kind.PEAK, a.peakBytesByNode(), a.peakCountByNode(), -1);
    }

    public static NodeFigures leaks(Aggregator a) {
        return of(Kind.LEAKS, a.liveBytesByNode(), a.liveCountByNode(), -1);
    }

    /** Figures indexed by something other than stack node (e.g. ThreadFigures' (thread, node) pairs). */
    public static NodeFigures of(Kind kind, long[] bytes, long[] counts) {
        return of(kind, bytes, counts, -1);
    }

    public static NodeFigures temporary(Aggregator a, TemporaryAllocations t) {
        int nodes = a.stacks().nodeCount();
        return of(Kind.TEMPORARY, t.bytesByNode(nodes), t.countsByNode(nodes), t.threshold());
    }

    private static NodeFigures of(Kind kind, long[] bytes, long[] counts, int threshold) {
        long totalBytes = 0;
        long totalCount = 0;
        for (long b : bytes) {
            totalBytes += b;
        }
        for (long c : counts) {
            totalCount += c;
        }
        return new NodeFigures(kind, bytes, counts, totalBytes, totalCount, threshold);
    }

    /** One line saying what the figures are, e.g. for a report's heading. */
    public String heading() {
        String what = switch (kind) {
            case PEAK -> "Memory live at the heap's peak";
            case LEAKS -> "Memory still allocated when tracking stopped (leaks)";
            case TEMPORARY -> "Temporary allocations (freed with at most " + threshold
                    + " other allocation" + (threshold == 1 ? "" : "s") + " on their thread in between)";
        };
        return what + ": " + Units.bytes(totalBytes) + " in " + Units.count(totalCount) + " allocation"
                + (totalCount == 1 ? "" : "s");
    }

    /** What the figures are, for a page's title and data ("memory live at the heap's peak"). */
    public String title() {
        return switch (kind) {
            case PEAK -> "memory live at the heap's peak";
            case LEAKS -> "memory still allocated when tracking stopped (leaks)";
            case TEMPORARY -> "temporary allocations (threshold " + threshold + ")";
        };
    }

    /** The figures' name in a page's data: peak, leaks or temporary. */
    public String key() {
        return switch (kind) {
            case PEAK -> "peak";
            case LEAKS -> "leaks";
            case TEMPORARY -> "temporary";
        };
    }

    public long bytes(int node) {
        return node < bytes.length ? bytes[node] : 0;
    }

    public long count(int node) {
        return node < counts.length ? counts[node] : 0;
    }
}
