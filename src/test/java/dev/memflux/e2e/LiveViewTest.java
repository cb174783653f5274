package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code memflux run --live} drawn in a real terminal (tmux, 160 x 45): live_steps.py's heap
 * grows at its line, the sort keys reorder the table, the thread keys switch and merge, the
 * program's output shows in its pane, and q stops the program as the screen says.
 */
class LiveViewTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void theViewFollowsTheProgramAndItsKeys(String python) throws Exception {
        String grow = LiveRuns.place("grow");
        String hold = LiveRuns.place("hold");
        String many = LiveRuns.place("many");
        String command = String.join(" ", Memflux.command(List.of(), List.of(), "run", "--live", "--python", python,
                LiveRuns.STEPS.toString(), dir.toString())) + "; echo $? > exit; sleep 600";
        try (Tmux view = Tmux.start(dir, 160, 45, command)) {
            await(view, "thread 1 of 2 and its first step", s -> s.contains("thread 1 of 2") && s.contains("step 1"));
            assertTrue(view.text().contains("q/Esc: quit (stops the program: SIGTERM)"), view.text());
            // By total, the outermost frame leads; by own bytes, the line that allocated.
            await(view, "<module> first by total", s -> firstRow(s).contains("  <module>  "));
            view.keys("o");
            await(view, "grow first by own bytes, 8 MiB", s -> isFirst(s, "grow", grow, "8.00 MiB"));
            Files.createFile(dir.resolve("go1"));
            await(view, "the heap grown to 16 MiB at grow", s -> isFirst(s, "grow", grow, "16.00 MiB"));
            assertTrue(view.text().contains("step 2"), "the program's output in its pane:\n" + view.text());

            view.keys(">");
            await(view, "thread 2, hold first by own bytes",
                    s -> s.contains("thread 2 of 2") && isFirst(s, "hold", hold, "6.00 MiB"));
            assertTrue(rowIndex(view.text(), hold) < rowIndex(view.text(), many), view.text());
            view.keys("a");
            await(view, "by allocations, the 300 small ones above the 2 big ones",
                    s -> rowIndex(s, many) >= 0 && rowIndex(s, many) < rowIndex(s, hold));
            assertEquals(-1, rowIndex(view.text(), grow), "thread 1's line in thread 2's table");
            view.keys("m", "o");
            await(view, "all threads merged: grow's 16 MiB first by own bytes, hold's 6 MiB below",
                    s -> s.contains("all 2 threads merged") && isFirst(s, "grow", grow, "16.00 MiB")
                            && rowIndex(s, hold) > 0);

            view.keys("q");
            Path exit = dir.resolve("exit");
            Await.until("memflux ends once the view is quit", Duration.ofSeconds(60), () -> Files.exists(exit)
                    && !Files.readString(exit).isBlank());
            assertEquals("143", Files.readString(exit).strip(), "the program was stopped with SIGTERM");
            assertFalse(Files.exists(dir.resolve("stop")));
            await(view, "memflux says it stopped the program",
                    s -> s.contains("the view was quit while the program ran, so memflux stopped it (SIGTERM)"));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aRemoteViewerInATerminalLeavesWithEscAndTheProgramRunsOn(String python) throws Exception {
        String grow = LiveRuns.place("grow");
        LiveRuns.Server server = LiveRuns.startServer(dir, "--live-remote", "--python", python,
                LiveRuns.STEPS.toString(), dir.toString());
        String command = String.join(" ", Memflux.command(List.of(), List.of(), "live",
                Integer.toString(server.port()), "--sort", "own")) + "; echo $? > viewer-exit; sleep 600";
        try (Tmux view = Tmux.start(dir, 160, 45, command)) {
            await(view, "grow first by own bytes, 8 MiB", s -> isFirst(s, "grow", grow, "8.00 MiB"));
            assertTrue(view.text().contains("q/Esc: quit this viewer (the program keeps running)"), view.text());
            view.keys("Escape");
            Path exit = dir.resolve("viewer-exit");
            Await.until("the viewer ends on Esc", Duration.ofSeconds(60), () -> Files.exists(exit)
                    && !Files.readString(exit).isBlank());
            assertEquals("0", Files.readString(exit).strip());
            assertTrue(server.process().isAlive(), server::err);
            for (String file : List.of("go1", "go2", "go3", "stop")) {
                Files.createFile(dir.resolve(file));
            }
            assertTrue(server.process().waitFor(120, TimeUnit.SECONDS), server::err);
            assertEquals(0, server.process().exitValue(), server::err);
            assertEquals("step 1\nstep 2\nstep 3\n", Files.readString(dir.resolve("run.out")));
        } finally {
            LiveRuns.stopAll(server.process());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void withFollowForkTheKeyPSwitchesProcess(String python) throws Exception {
        Path program = Memflux.program("follow_forks.py");
        String parent = program + ":" + Programs.lineOf(program, "parent");
        String child = program + ":" + Programs.lineOf(program, "child");
        String grandchild = program + ":" + Programs.lineOf(program, "grandchild");
        String command = String.join(" ", Memflux.command(List.of(), List.of(), "run", "--live", "--follow-fork",
                "--python", python, program.toString())) + "; echo $? > exit; sleep 600";
        try (Tmux view = Tmux.start(dir, 160, 45, command)) {
            await(view, "the end of all three processes", s -> s.contains("the program ended: q or Esc leaves")
                    && s.contains("process 1 of 3"));
            view.keys("o");
            await(view, "the program's own buffer first", s -> isFirst(s, "<module>", parent, "2.86 MiB"));
            view.keys("p");
            await(view, "a child's buffer first", s -> s.contains("process 2 of 3")
                    && (isFirst(s, "<module>", child, "4.77 MiB") || isFirst(s, "<module>", grandchild, "6.68 MiB")));
            assertEquals(-1, rowIndex(view.text(), parent), "the program's buffer in a child's table");
            view.keys("p");
            await(view, "the other child's buffer first", s -> s.contains("process 3 of 3")
                    && (isFirst(s, "<module>", child, "4.77 MiB") || isFirst(s, "<module>", grandchild, "6.68 MiB")));
            view.keys("q");
            Path exit = dir.resolve("exit");
            Await.until("memflux ends once the view is left", Duration.ofSeconds(60), () -> Files.exists(exit)
                    && !Files.readString(exit).isBlank());
            assertEquals("0", Files.readString(exit).strip());
        }
    }

    private interface ScreenCheck {
        boolean holds(String screen) throws Exception;
    }

    private static void await(Tmux view, String what, ScreenCheck check) throws Exception {
        String[] seen = {""};
        try {
            Await.until(what, Duration.ofSeconds(60), () -> check.holds(seen[0] = view.text()));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the screen:\n" + seen[0], e);
        }
    }

    /** The table's rows: the lines after its column names, up to the first empty one. */
    private static List<String> rows(String screen) {
        List<String> lines = List.of(screen.split("\n", -1));
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("FUNCTION  FILE:LINE")) {
                header = i;
                break;
            }
        }
        if (header < 0) {
            return List.of();
        }
        int end = header + 1;
        while (end < lines.size() && !lines.get(end).isBlank()) {
            end++;
        }
        return lines.subList(header + 1, end);
    }

    private static String firstRow(String screen) {
        List<String> rows = rows(screen);
        return rows.isEmpty() ? "" : rows.get(0);
    }

    private static boolean isFirst(String screen, String function, String place, String ownBytes) {
        String row = firstRow(screen).strip();
        // TOTAL (2 cells) %, OWN (2 cells) %, COUNT, FUNCTION, FILE:LINE
        String[] cells = row.split("\\s+");
        return cells.length == 9 && (cells[3] + " " + cells[4]).equals(ownBytes) && cells[7].equals(function)
                && cells[8].equals(place);
    }

    private static int rowIndex(String screen, String place) {
        List<String> rows = rows(screen);
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).strip().endsWith(" " + place)) {
                return i;
            }
        }
        return -1;
    }
}
