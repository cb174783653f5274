package dev.memflux.cli;

import dev.memflux.live.LiveFeed;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "live", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the live view of a program that 'memflux run --live-remote' is running: its heap now "
                + "and at its peak, the heap over time, and where the live memory was allocated, per thread or all "
                + "threads merged, refreshed about once a second.",
                "",
                "Keys: t, o, a sort by total bytes, own bytes, allocations; < and > switch thread; m merges "
                + "threads; space pauses; arrows and page keys scroll; q or Esc quits this viewer (the program "
                + "keeps running, and another viewer may connect at any time).",
                "",
                "With --print, no terminal is needed: a text snapshot of the table goes to stdout every "
                + "interval, with exact byte counts, until the program ends."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the program ended, or the viewer was quit",
                "1:no live feed on that port (nothing listening, not memflux), or the feed was lost",
                "2:usage error (no terminal without --print)"})
final class LiveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PORT", description = "The port 'memflux run --live-remote' printed.")
    int port;

    @Option(names = "--print", description = "Write text snapshots to stdout instead of drawing the terminal view.")
    boolean print;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "With --print: seconds between snapshots (default: ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--sort", paramLabel = "ORDER", defaultValue = "total",
            description = "The table's first order: total, own or allocations (default: ${DEFAULT-VALUE}).")
    String sort;

    @Option(names = {"-n", "--rows"}, paramLabel = "N", defaultValue = "10",
            description = "With --print: how many locations each snapshot shows (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--thread", paramLabel = "N",
            description = "With --print: show thread N alone (1: the thread that started tracking) instead of "
                    + "all threads merged.")
    Integer thread;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        LiveTable.Sort order = sortNamed(sort);
        if (order == null || port < 1 || port > 65535 || !(interval > 0) || rows < 1 || thread != null && thread < 1) {
            err.println("memflux: " + (order == null ? "--sort takes total, own or allocations, not '" + sort + "'"
                    : port < 1 || port > 65535 ? "not a port: " + port
                    : !(interval > 0) ? "--interval must be more than 0 seconds"
                    : rows < 1 ? "--rows must be at least 1" : "--thread must be at least 1"));
            return ExitCodes.USAGE;
        }
        if (!print && System.console() == null) {
            err.println("memflux: the live view needs a terminal; use 'memflux live " + port + " --print' for text");
            return ExitCodes.USAGE;
        }
        LiveFeed feed;
        try {
            feed = LiveFeed.connect(port);
        } catch (LiveFeed.Unavailable e) {
            err.println("memflux: " + e.getMessage());
            return ExitCodes.INPUT;
        }
        LiveUpdates updates = new LiveUpdates(feed);
        boolean whole;
        if (print) {
            LiveTable table = new LiveTable(order, thread == null);
            table.thread = thread == null ? 1 : thread;
            whole = new LivePrinter(updates, System.out, Math.max(1, Math.round(interval * 1000)), table, rows).run();
        } else {
            whole = new LiveScreen(updates, order, "q/Esc: quit this viewer (the program keeps running)",
                    "the program ended", null).run();
        }
        if (!whole) {
            err.println("memflux: the live feed on port " + port + " ended before the program did"
                    + (updates.failure() != null ? " (" + updates.failure() + ")" : " (memflux run was stopped)"));
            return ExitCodes.INPUT;
        }
        return ExitCodes.OK;
    }

    static LiveTable.Sort sortNamed(String name) {
        for (LiveTable.Sort s : LiveTable.Sort.values()) {
            if (s.label.equals(name) || s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }
}
