package dev.memflux.cli;

import dev.memflux.live.LiveFrame;
import dev.memflux.live.LiveSnapshot;
import dev.memflux.report.Units;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * The live terminal view, drawn with JLine's {@link Display} (it sends only what changed)
 * on the alternate screen: the program, the heap now and at its peak, a heap-over-time
 * chart, the locations table, and with {@code run --live} the program's output. Redraws
 * when a snapshot arrives or a key is pressed, at most every 100 ms of waiting for keys.
 * Runs on the thread that calls {@link #run}; snapshots come from {@link LiveUpdates}.
 */
final class LiveScreen {
    private enum Op { TOTAL, OWN, COUNT, PREV, NEXT, MERGE, PROCESS, PAUSE, UP, DOWN, PAGE_UP, PAGE_DOWN, HOME, END, LOG, QUIT }

    private static final int CHART_ROWS = 6;
    private static final int LOG_ROWS = 5;

    private final LiveUpdates updates;
    private final String quitting;
    private final String ended;
    private final ProgramLog log;
    private final LiveTable table;
    private LiveFrame paused;
    private int scroll;
    private boolean showLog = true;
    private volatile boolean resized;
    private volatile boolean interrupted;

    /**
     * @param quitting what quitting does to the program, said on screen
     * @param ended what the screen says once the program ended
     * @param log the program's output file (run --live), or null
     */
    LiveScreen(LiveUpdates updates, LiveTable.Sort sort, String quitting, String ended, Path log) {
        this.updates = updates;
        this.table = new LiveTable(sort, false);
        this.quitting = quitting;
        this.ended = ended;
        this.log = log == null ? null : new ProgramLog(log);
    }

    /** Shows the view until the user quits (q, Esc); false if the feed was lost before the program's end. */
    boolean run() throws IOException, InterruptedException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).nativeSignals(true).build()) {
            Attributes saved = terminal.enterRawMode();
            terminal.puts(Capability.enter_ca_mode);
            terminal.puts(Capability.keypad_xmit);
            terminal.puts(Capability.cursor_invisible);
            terminal.flush();
            terminal.handle(Terminal.Signal.WINCH, signal -> resized = true);
            // Ctrl-C quits like q: the screen is restored and memflux says what happened,
            // instead of the JVM ending with the terminal left raw on the alternate screen.
            terminal.handle(Terminal.Signal.INT, signal -> interrupted = true);
            try {
                return loop(terminal);
            } finally {
                terminal.puts(Capability.cursor_visible);
                terminal.puts(Capability.keypad_local);
                terminal.puts(Capability.exit_ca_mode);
                terminal.flush();
                terminal.setAttributes(saved);
            }
        }
    }

    private boolean loop(Terminal terminal) throws InterruptedException {
        Display display = new Display(terminal, true);
        Size size = terminal.getSize();
        display.resize(size.getRows(), size.getColumns());
        KeyMap<Op> keys = keys(terminal);
        BindingReader reader = new BindingReader(terminal.reader());
        long drawn = -1;
        boolean drawnOver = false;
        boolean dirty = true;
        while (true) {
            if (resized) {
                resized = false;
                size = terminal.getSize();
                display.clear();
                display.resize(size.getRows(), size.getColumns());
                dirty = true;
            }
            if (dirty || updates.number() != drawn || updates.over() != drawnOver || log != null && log.changed()) {
                drawn = updates.number();
                drawnOver = updates.over();
                display.update(lines(size.getRows(), size.getColumns()), 0);
                terminal.flush();
                dirty = false;
            }
            if (interrupted) {
                return !updates.lost();
            }
            int c = reader.peekCharacter(100);
            if (c == NonBlockingReader.EOF) {
                return !updates.lost();
            }
            if (c == NonBlockingReader.READ_EXPIRED) {
                continue;
            }
            Op op = reader.readBinding(keys, null, false);
            if (op == null) {
                continue;
            }
            if (op == Op.QUIT) {
                return !updates.lost();
            }
            act(op, size.getRows());
            dirty = true;
        }
    }

    private KeyMap<Op> keys(Terminal terminal) {
        KeyMap<Op> keys = new KeyMap<>();
        keys.bind(Op.TOTAL, "t");
        keys.bind(Op.OWN, "o");
        keys.bind(Op.COUNT, "a");
        keys.bind(Op.PREV, "<");
        keys.bind(Op.NEXT, ">");
        keys.bind(Op.MERGE, "m");
        keys.bind(Op.PROCESS, "p");
        keys.bind(Op.PAUSE, " ");
        keys.bind(Op.LOG, "l");
        keys.bind(Op.QUIT, "q", "Q", KeyMap.esc());
        keys.bind(Op.UP, KeyMap.key(terminal, Capability.key_up), "\033[A", "\033OA");
        keys.bind(Op.DOWN, KeyMap.key(terminal, Capability.key_down), "\033[B", "\033OB");
        keys.bind(Op.PAGE_UP, KeyMap.key(terminal, Capability.key_ppage), "\033[5~");
        keys.bind(Op.PAGE_DOWN, KeyMap.key(terminal, Capability.key_npage), "\033[6~");
        keys.bind(Op.HOME, KeyMap.key(terminal, Capability.key_home), "\033[H", "\033[1~");
        keys.bind(Op.END, KeyMap.key(terminal, Capability.key_end), "\033[F", "\033[4~");
        // A lone Esc is told from the start of an arrow key's sequence by this pause.
        keys.setAmbiguousTimeout(150);
        return keys;
    }

    private void act(Op op, int rows) {
        LiveSnapshot s = shown();
        int page = Math.max(1, tableRows(rows));
        switch (op) {
            case TOTAL -> table.sort = LiveTable.Sort.TOTAL;
            case OWN -> table.sort = LiveTable.Sort.OWN;
            case COUNT -> table.sort = LiveTable.Sort.COUNT;
            case PREV, NEXT -> {
                if (s != null) {
                    table.merged = false;
                    table.nextThread(s, op == Op.NEXT ? 1 : -1);
                }
            }
            case MERGE -> table.merged = !table.merged;
            case PROCESS -> {
                if (shownFrame() != null) {
                    table.nextProcess(shownFrame());
                }
            }
            case PAUSE -> paused = paused == null ? updates.newest() : null;
            case UP -> scroll--;
            case DOWN -> scroll++;
            case PAGE_UP -> scroll -= page;
            case PAGE_DOWN -> scroll += page;
            case HOME -> scroll = 0;
            case END -> scroll = Integer.MAX_VALUE / 2;
            case LOG -> showLog = !showLog;
            default -> { }
        }
        if (op.ordinal() <= Op.PROCESS.ordinal()) {
            scroll = 0;
        }
    }

    private LiveFrame shownFrame() {
        return paused != null ? paused : updates.newest();
    }

    private LiveSnapshot shown() {
        LiveFrame frame = shownFrame();
        return frame == null ? null : table.snapshot(frame);
    }

    private int logRows() {
        return log != null && showLog ? LOG_ROWS + 1 : 0;
    }

    /** Rows left for the table's body: the screen less the header, chart, column names, log and key help. */
    private int tableRows(int rows) {
        return rows - 3 - (CHART_ROWS + 1) - 1 - logRows() - 1;
    }

    private List<AttributedString> lines(int rows, int columns) {
        List<AttributedString> out = new ArrayList<>();
        LiveSnapshot s = shown();
        if (s == null) {
            out.add(bold("memflux live: waiting for the program's first figures..."));
        } else {
            header(s, out);
            chart(s, columns, out);
            body(s, rows, out);
        }
        while (out.size() < rows - logRows() - 1) {
            out.add(AttributedString.EMPTY);
        }
        if (log != null && showLog) {
            out.add(bold("program output (" + log.path() + "; l hides it):"));
            List<String> tail = log.tail(LOG_ROWS);
            for (int i = 0; i < LOG_ROWS; i++) {
                out.add(i < tail.size() ? new AttributedString(tail.get(i)) : AttributedString.EMPTY);
            }
        }
        out.add(new AttributedStringBuilder().style(AttributedStyle.INVERSE).append(footer(s)).toAttributedString());
        List<AttributedString> clipped = new ArrayList<>(rows);
        for (AttributedString line : out.subList(Math.max(0, out.size() - rows), out.size())) {
            clipped.add(line.columnSubSequence(0, columns));
        }
        return clipped;
    }

    private void header(LiveSnapshot s, List<AttributedString> out) {
        LiveSnapshot.View view = table.view(s);
        out.add(bold("memflux live   " + table.processLabel(shownFrame()) + "pid " + s.pid() + "   " + s.commandLine()));
        out.add(new AttributedString(String.format(Locale.ROOT, "%s   heap now %s   peak %s   duration %s%s",
                table.threadLabel(s), Units.bytes(view.heapBytes()), Units.bytes(s.peakBytes()),
                Units.seconds(s.durationMillis()), paused != null ? "   [paused: space resumes]" : "")));
        out.add(shownFrame().ended() ? bold(ended) : s.ended() ? bold("this process ended") : updates.lost()
                ? bold("the live feed ended before the program did (memflux run was stopped); q leaves")
                : AttributedString.EMPTY);
    }

    /** The heap at each snapshot, newest on the right, scaled to the peak. */
    private void chart(LiveSnapshot s, int columns, List<AttributedString> out) {
        long[] history = s.history();
        long top = Math.max(1, s.peakBytes());
        int width = Math.max(1, columns - 13);
        int first = Math.max(0, history.length - width);
        for (int row = 0; row < CHART_ROWS; row++) {
            String label = row == 0 ? Units.bytes(top) : row == CHART_ROWS - 1 ? "0" : "";
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%11s |", label));
            double level = (double) (CHART_ROWS - row - 1) / CHART_ROWS;
            for (int i = first; i < history.length; i++) {
                double h = (double) history[i] / top;
                b.append(h > level && history[i] > 0 ? '#' : ' ');
            }
            out.add(new AttributedString(b));
        }
        out.add(new AttributedString(String.format(Locale.ROOT, "%11s +%s", "", "-".repeat(Math.min(width,
                Math.max(1, history.length - first)))) + " heap over time, one column an update (about a second)"));
    }

    private void body(LiveSnapshot s, int rows, List<AttributedString> out) {
        LiveSnapshot.View view = table.view(s);
        List<LiveSnapshot.Row> sorted = table.rows(s);
        int visible = Math.max(0, tableRows(rows));
        scroll = Math.max(0, Math.min(scroll, Math.max(0, sorted.size() - visible)));
        out.add(new AttributedStringBuilder().style(AttributedStyle.BOLD).append(table.columns()).toAttributedString());
        for (int i = scroll; i < Math.min(sorted.size(), scroll + visible); i++) {
            out.add(new AttributedString(LiveTable.row(sorted.get(i), view.heapBytes(), Units::bytes)));
        }
    }

    private String footer(LiveSnapshot s) {
        LiveFrame frame = shownFrame();
        String quit = frame != null && frame.ended() ? "q/Esc: leave" : quitting;
        return " t/o/a sort  </> thread  m merge" + (frame != null && frame.processes().size() > 1 ? "  p process" : "")
                + "  space pause  arrows/PgUp/PgDn scroll"
                + (log != null ? "  l output" : "") + "  " + quit + " ";
    }

    private static AttributedString bold(String text) {
        return new AttributedStringBuilder().style(AttributedStyle.BOLD).append(text).toAttributedString();
    }
}
