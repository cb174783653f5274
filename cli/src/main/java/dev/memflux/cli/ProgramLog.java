package dev.memflux.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The program's stdout and stderr under {@code run --live}: they go to this file instead
 * of the terminal, where they would break the view, and the view shows its last lines.
 * Control characters (escape sequences, carriage returns) are shown as '?', so nothing the
 * program prints can move the cursor or change the screen. Read on the view's thread.
 */
final class ProgramLog {
    private static final int TAIL_BYTES = 16 * 1024;
    private final Path path;
    private long seenLength = -1;

    ProgramLog(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** True when the file grew since the last {@link #tail}. */
    boolean changed() {
        return path.toFile().length() != seenLength;
    }

    List<String> tail(int lines) {
        List<String> out = new ArrayList<>();
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            long length = file.length();
            seenLength = length;
            long from = Math.max(0, length - TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
            for (int i = Math.max(from > 0 ? 1 : 0, end - lines); i < end; i++) {
                out.add(printable(all[i]));
            }
        } catch (IOException e) {
            out.add("(cannot read " + path + ": " + e.getMessage() + ")");
        }
        return out;
    }

    private static String printable(String line) {
        StringBuilder b = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            b.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? (c == '\t' ? ' ' : '?') : c);
        }
        return b.toString();
    }
}
