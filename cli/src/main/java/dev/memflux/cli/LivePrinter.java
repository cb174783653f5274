package dev.memflux.cli;

import dev.memflux.live.LiveFrame;
import dev.memflux.live.LiveSnapshot;
import dev.memflux.report.Units;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code memflux live PORT --print}: a top-style text snapshot of the table on stdout, the
 * first as soon as there is one, then every interval, and the last when the program ends;
 * with --follow-fork one after the other for the program and each forked child.
 * Sizes are exact byte counts, for scripts. Runs on the command's thread.
 */
final class LivePrinter {
    private final LiveUpdates updates;
    private final PrintStream out;
    private final long intervalMillis;
    private final LiveTable table;
    private final int rows;

    LivePrinter(LiveUpdates updates, PrintStream out, long intervalMillis, LiveTable table, int rows) {
        this.updates = updates;
        this.out = out;
        this.intervalMillis = intervalMillis;
        this.table = table;
        this.rows = rows;
    }

    /**
     * Prints until the feed ends (memflux ends it once the program and its children did);
     * false if it ended before they did.
     */
    boolean run() throws InterruptedException {
        updates.awaitNewer(0, Long.MAX_VALUE / 2_000_000);
        while (true) {
            LiveFrame frame = updates.newest();
            if (frame == null) {
                return false;
            }
            long printed = updates.number();
            for (LiveSnapshot s : frame.processes()) {
                print(s);
            }
            long next = System.nanoTime() + intervalMillis * 1_000_000;
            // Sleep out the interval, but wake for the feed's end, whose last frame is printed at once.
            while (System.nanoTime() < next && !updates.over()) {
                updates.awaitNewer(updates.number(), Math.max(1, (next - System.nanoTime()) / 1_000_000));
            }
            if (updates.over()) {
                if (updates.number() != printed) {
                    for (LiveSnapshot s : updates.newest().processes()) {
                        print(s);
                    }
                }
                return !updates.lost();
            }
        }
    }

    private void print(LiveSnapshot s) {
        LiveSnapshot.View view = table.view(s);
        StringBuilder b = new StringBuilder();
        b.append("memflux live: pid ").append(s.pid()).append("  ").append(s.commandLine()).append('\n');
        b.append(table.threadLabel(s)).append("  heap ").append(Units.count(view.heapBytes())).append(" B")
                .append("  peak ").append(Units.count(s.peakBytes())).append(" B")
                .append("  duration ").append(Units.seconds(s.durationMillis()))
                .append(s.ended() ? "  (the program ended)" : "").append('\n');
        b.append(table.columns()).append('\n');
        List<LiveSnapshot.Row> sorted = table.rows(s);
        for (LiveSnapshot.Row r : sorted.subList(0, Math.min(rows, sorted.size()))) {
            b.append(LiveTable.row(r, view.heapBytes(), Units::count)).append('\n');
        }
        b.append('\n');
        out.print(b);
        out.flush();
    }
}
