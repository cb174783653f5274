package dev.memflux.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live tests' helpers: a {@code run --live-remote} started and its port read from what
 * it prints, {@code memflux live PORT --print} viewers, and the text snapshots they print.
 */
final class LiveRuns {
    private static final Pattern PORT = Pattern.compile("Run 'memflux live (\\d+)' in another shell");
    static final Path STEPS = Memflux.program("live_steps.py");
    /** One step of live_steps.py: 8 bytearrays of 1 MiB and their NUL. */
    static final long STEP_BYTES = 8 * 1048577L;

    private LiveRuns() {}

    /** Where live_steps.py's site {@code name} is, as the live view writes it: file:line. */
    static String place(String name) throws IOException {
        return STEPS + ":" + Programs.lineOf(STEPS, name);
    }

    /** A running {@code memflux run --live-remote ...}, its stderr in {@code dir/run.err}. */
    record Server(Process process, int port, Path stderr) {
        String err() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                return "(cannot read " + stderr + ": " + e + ")";
            }
        }
    }

    /** One text snapshot: the header lines and the table's rows, first row first. */
    record Snapshot(String header, List<String> rows) {
        boolean ended() {
            return header.contains("(the program ended)");
        }

        String first() {
            return rows.isEmpty() ? "" : rows.get(0);
        }

        /** The row of {@code function} at {@code place} ("file:line"), or null. */
        String row(String function, String place) {
            for (String r : rows) {
                if (r.contains("  " + function + "  ") && r.endsWith(place)) {
                    return r;
                }
            }
            return null;
        }

        int indexOf(String function) {
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).contains("  " + function + "  ")) {
                    return i;
                }
            }
            return -1;
        }
    }

    static Server startServer(Path dir, String... runArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(runArgs));
        Path err = dir.resolve("run.err");
        Process p = Memflux.process(dir, Memflux.command(List.of(), List.of(), args.toArray(String[]::new)))
                .redirectError(err.toFile()).redirectOutput(dir.resolve("run.out").toFile()).start();
        int[] port = new int[1];
        Await.until("memflux run --live-remote says its port", Duration.ofSeconds(60), () -> {
            Matcher m = PORT.matcher(Files.readString(err));
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            if (!p.isAlive()) {
                throw new AssertionError("memflux run ended: " + Files.readString(err));
            }
            return false;
        });
        return new Server(p, port[0], err);
    }

    /** Starts {@code memflux live PORT --print ...}; its stdout goes to {@code out}. */
    static Process viewer(Path dir, int port, Path out, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("live", Integer.toString(port), "--print"));
        args.addAll(List.of(options));
        return Memflux.process(dir, Memflux.command(List.of(), List.of(), args.toArray(String[]::new)))
                .redirectOutput(out.toFile()).redirectError(out.resolveSibling(out.getFileName() + ".err").toFile())
                .start();
    }

    /** Every whole snapshot printed so far (a snapshot ends with an empty line). */
    static List<Snapshot> snapshots(Path out) throws IOException {
        String text = Files.exists(out) ? Files.readString(out) : "";
        List<Snapshot> all = new ArrayList<>();
        int end;
        int from = 0;
        while ((end = text.indexOf("\n\n", from)) >= 0) {
            String[] lines = text.substring(from, end).split("\n");
            List<String> rows = new ArrayList<>(List.of(lines).subList(Math.min(3, lines.length), lines.length));
            all.add(new Snapshot(lines[0] + "\n" + (lines.length > 1 ? lines[1] : ""), rows));
            from = end + 2;
        }
        return all;
    }

    /** The peak a snapshot states, in bytes. */
    static long peak(Snapshot s) {
        Matcher m = Pattern.compile("peak ([\\d,]+) B").matcher(s.header());
        if (!m.find()) {
            throw new AssertionError("no peak in " + s.header());
        }
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    static Snapshot last(Path out) throws IOException {
        List<Snapshot> all = snapshots(out);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The exact byte count as the text mode prints it (1,234,567). */
    static String bytes(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    static void stopAll(Process... processes) {
        for (Process p : processes) {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
