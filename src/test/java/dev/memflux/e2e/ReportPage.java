package dev.memflux.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A report page written by flamegraph or table, and the data it embeds, read back as the page's script reads it. */
final class ReportPage {
    private static final String OPEN = "<script type=\"application/json\" id=\"memflux-data\">";

    final String html;
    final Map<String, Object> data;

    /** The capture of {@code program} run by {@code python} under memflux, as {@code <program stem>.bin} in {@code dir}. */
    static Path capture(Path dir, String python, Path program) throws IOException, InterruptedException {
        String name = program.getFileName().toString();
        Path out = dir.resolve(name.substring(0, name.lastIndexOf('.')) + ".bin");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", out.toString(), program.toString());
        org.junit.jupiter.api.Assertions.assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    /** Writes the page of {@code report} (with {@code options}) for {@code capture} as {@code out}. */
    static Path write(Path out, Path capture, String report, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(report, "-o", out.toString()));
        args.addAll(List.of(options));
        args.add(capture.toString());
        Memflux.Result r = Memflux.run(out.getParent(), args.toArray(String[]::new));
        org.junit.jupiter.api.Assertions.assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    ReportPage(Path file) throws IOException {
        html = Files.readString(file);
        int start = html.indexOf(OPEN);
        if (start < 0) {
            throw new AssertionError("no embedded data in " + file);
        }
        start += OPEN.length();
        data = MiniJson.object(MiniJson.parse(html.substring(start, html.indexOf("</script>", start))));
    }

    /** One flame graph box: see FlameGraphPage for the fields. */
    record Box(int index, int parent, String function, String file, long line, boolean nativeFrame, long bytes,
               long count) {}

    List<Box> boxes() {
        List<Object> strings = MiniJson.array(data.get("strings"));
        List<Object> flat = MiniJson.array(data.get("boxes"));
        List<Box> boxes = new ArrayList<>();
        for (int i = 0; i < flat.size(); i += 7) {
            boxes.add(new Box(i / 7, (int) (long) (Long) flat.get(i), (String) strings.get((int) (long) (Long) flat.get(i + 1)),
                    (String) strings.get((int) (long) (Long) flat.get(i + 2)), (Long) flat.get(i + 3),
                    (Long) flat.get(i + 4) == 1, (Long) flat.get(i + 5), (Long) flat.get(i + 6)));
        }
        return boxes;
    }

    /** The boxes at {@code file:line} that have no box below them. */
    List<Box> leavesAt(String file, long line) {
        List<Box> boxes = boxes();
        boolean[] hasChild = new boolean[boxes.size()];
        for (Box b : boxes) {
            if (b.parent() >= 0) {
                hasChild[b.parent()] = true;
            }
        }
        return boxes.stream().filter(b -> !hasChild[b.index()] && b.file().equals(file) && b.line() == line).toList();
    }

    long number(String key) {
        return (Long) data.get(key);
    }
}
