package dev.memflux.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where a report that writes a file puts it. As memray's: {@code memflux-<report>-<capture
 * stem>.html} next to the capture, the stem without a leading {@code memflux-} (so the
 * default capture {@code memflux-app.123.bin} gives {@code memflux-flamegraph-app.123.html}):
 * each capture's reports sit beside it, and a capture's name, unique per run, keeps them apart.
 */
final class ReportOutput {
    private ReportOutput() {}

    static Path defaultFor(Path capture, String report) {
        String name = capture.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        if (stem.startsWith("memflux-")) {
            stem = stem.substring("memflux-".length());
        }
        Path dir = capture.toAbsolutePath().getParent();
        return dir.resolve("memflux-" + report + "-" + stem + ".html");
    }

    /**
     * Writes the page through a temporary file beside it, so that a failed write never
     * leaves half a page under the output's name.
     */
    static void write(Path out, byte[] page, PrintWriter err) throws IOException {
        Path absolute = out.toAbsolutePath();
        // Not createTempFile: its file is private to its owner, and a report is for sharing (umask decides).
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.write(temp, page, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        err.println("memflux: wrote " + out + " (" + dev.memflux.report.Units.bytes(Files.size(out)) + ")");
    }
}
