package dev.memflux.live;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StackTable;
import dev.memflux.pipeline.ThreadFigures;
import dev.memflux.report.LocationTotals;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link LiveSnapshot}s from the run's one aggregation engine (merged figures) and
 * its {@link ThreadFigures} observer (per thread), folding per-node figures into
 * per-location rows with {@link LocationTotals}, as the reports do. Runs on the pipeline
 * thread, about once a second: its cost (linear in stack nodes) is paid there, not per event.
 */
final class SnapshotMaker {
    /** Rows kept per view and per sort order: the viewer sorts these by total, own or count. */
    static final int ROWS = 100;

    private final Aggregator aggregator;
    private final long pid;
    private final String commandLine;
    private final long[] history = new long[LiveSnapshot.HISTORY];
    private int samples;

    SnapshotMaker(Aggregator aggregator, long pid, String commandLine) {
        this.aggregator = aggregator;
        this.pid = pid;
        this.commandLine = commandLine;
    }

    /** @param threads the per-thread figures, or null when they were given up: all threads merged only */
    LiveSnapshot make(long durationMillis, boolean ended, ThreadFigures threads) {
        long heap = aggregator.heapBytes();
        if (samples == history.length) {
            System.arraycopy(history, 1, history, 0, history.length - 1);
            samples--;
        }
        history[samples++] = heap;
        List<LiveSnapshot.View> views = new ArrayList<>();
        StackTable stacks = aggregator.stacks();
        long[] bytes = aggregator.liveBytesByNode();
        long[] counts = aggregator.liveCountByNode();
        views.add(new LiveSnapshot.View(0, 0, heap, rows(stacks, bytes, counts)));
        ThreadFigures.PerThread perThread = threads == null ? null : threads.perThread(bytes.length);
        for (int t = 1; threads != null && t <= threads.threadCount(); t++) {
            List<LiveSnapshot.Row> rows = perThread.bytes()[t] == null ? List.of()
                    : rows(stacks, perThread.bytes()[t], perThread.counts()[t]);
            views.add(new LiveSnapshot.View(t, threads.tid(t), perThread.heapBytes()[t], rows));
        }
        return new LiveSnapshot(pid, commandLine, durationMillis, heap, aggregator.peakBytes(),
                java.util.Arrays.copyOf(history, samples), ended, List.copyOf(views));
    }

    private static List<LiveSnapshot.Row> rows(StackTable stacks, long[] bytes, long[] counts) {
        LocationTotals totals = LocationTotals.of(stacks, bytes, counts);
        Map<LocationTotals.Row, Boolean> kept = new LinkedHashMap<>();
        for (Comparator<LocationTotals.Row> order : List.<Comparator<LocationTotals.Row>>of(
                Comparator.comparingLong((LocationTotals.Row r) -> r.totalBytes).reversed(),
                Comparator.comparingLong((LocationTotals.Row r) -> r.ownBytes).reversed(),
                Comparator.comparingLong((LocationTotals.Row r) -> r.totalCount).reversed())) {
            for (LocationTotals.Row row : totals.sorted(order, ROWS)) {
                if (row.totalBytes > 0 || row.totalCount > 0) {
                    kept.put(row, Boolean.TRUE);
                }
            }
        }
        List<LiveSnapshot.Row> rows = new ArrayList<>(kept.size());
        for (LocationTotals.Row r : kept.keySet()) {
            rows.add(new LiveSnapshot.Row(r.location.function(), r.location.file(), r.location.line(),
                    r.totalBytes, r.ownBytes, r.totalCount));
        }
        return rows;
    }
}
