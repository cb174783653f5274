package dev.memflux.cli;

import dev.memflux.live.LiveFrame;
import dev.memflux.live.LiveSnapshot;
import dev.memflux.report.Units;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * What a live viewer shows of a snapshot, whatever draws it (the terminal view or the
 * text mode): which view (a thread or all merged), in which order, and the table's lines.
 * Holds the viewer's choices; used on one thread.
 */
final class LiveTable {
    /** The table's orders, with memray's keys. */
    enum Sort {
        TOTAL('t', "total"), OWN('o', "own"), COUNT('a', "allocations");

        final char key;
        final String label;

        Sort(char key, String label) {
            this.key = key;
            this.label = label;
        }

        Comparator<LiveSnapshot.Row> order() {
            return switch (this) {
                case TOTAL -> Comparator.comparingLong(LiveSnapshot.Row::totalBytes).reversed();
                case OWN -> Comparator.comparingLong(LiveSnapshot.Row::ownBytes).reversed();
                case COUNT -> Comparator.comparingLong(LiveSnapshot.Row::totalCount).reversed();
            };
        }
    }

    Sort sort = Sort.TOTAL;
    /** All threads in one table, or {@link #thread} alone. */
    boolean merged;
    /** The thread shown when not merged (1: the thread that started tracking). */
    int thread = 1;
    /** The process shown: 0 the program, then its forked children (--follow-fork). */
    int process;

    LiveTable(Sort sort, boolean merged) {
        this.sort = sort;
        this.merged = merged;
    }

    /** The snapshot of the process shown (the program's, if that process is not in the frame). */
    LiveSnapshot snapshot(LiveFrame frame) {
        return frame.processes().get(process < frame.processes().size() ? process : 0);
    }

    void nextProcess(LiveFrame frame) {
        process = (process + 1) % frame.processes().size();
        thread = 1;
    }

    String processLabel(LiveFrame frame) {
        int n = frame.processes().size();
        return n == 1 ? "" : "process " + (Math.min(process, n - 1) + 1) + " of " + n + (process == 0 || process >= n
                ? " (the program)   " : " (a forked child)   ");
    }

    int threadCount(LiveSnapshot s) {
        return s.views().size() - 1;
    }

    /** The view shown: merged if asked, or if the program has no thread numbered yet. */
    LiveSnapshot.View view(LiveSnapshot s) {
        int threads = threadCount(s);
        if (merged || threads < 1) {
            return s.views().get(0);
        }
        return s.views().get(Math.max(1, Math.min(thread, threads)));
    }

    void nextThread(LiveSnapshot s, int step) {
        int threads = threadCount(s);
        if (threads > 0) {
            thread = Math.floorMod(Math.min(thread, threads) - 1 + step, threads) + 1;
        }
    }

    String threadLabel(LiveSnapshot s) {
        LiveSnapshot.View v = view(s);
        int threads = threadCount(s);
        return v.thread() == 0 ? "all " + threads + " threads merged"
                : "thread " + v.thread() + " of " + threads + " (tid " + v.tid() + ")";
    }

    List<LiveSnapshot.Row> rows(LiveSnapshot s) {
        List<LiveSnapshot.Row> rows = new ArrayList<>(view(s).rows());
        rows.sort(sort.order().thenComparing(LiveSnapshot.Row::place));
        return rows;
    }

    String columns() {
        return String.format(Locale.ROOT, "%14s %6s %14s %6s %10s  %s", mark(Sort.TOTAL, "TOTAL"), "%",
                mark(Sort.OWN, "OWN"), "%", mark(Sort.COUNT, "COUNT"), "FUNCTION  FILE:LINE");
    }

    private String mark(Sort column, String name) {
        return column == sort ? "*" + name : name;
    }

    /** One row; {@code bytes} writes sizes (exact for scripts, short for people). */
    static String row(LiveSnapshot.Row r, long heap, LongFunction<String> bytes) {
        return String.format(Locale.ROOT, "%14s %5.1f%% %14s %5.1f%% %10s  %s  %s", bytes.apply(r.totalBytes()),
                share(r.totalBytes(), heap), bytes.apply(r.ownBytes()), share(r.ownBytes(), heap),
                Units.count(r.totalCount()), r.function(), r.place());
    }

    private static double share(long bytes, long heap) {
        return heap <= 0 ? 0 : 100.0 * bytes / heap;
    }
}
