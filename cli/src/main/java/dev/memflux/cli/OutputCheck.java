package dev.memflux.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether the capture can be written, found out before the program runs (a run can take
 * hours; its capture must not be lost at the end to a typo). Asks the file system itself
 * rather than the permission bits: root passes every permission check but still cannot
 * write a read-only mount or create files under /proc.
 */
final class OutputCheck {
    private OutputCheck() {}

    /** Why {@code out} cannot be written, or null when it can. */
    static String problem(Path out, boolean force) {
        if (Files.isDirectory(out)) {
            return "cannot write " + out + ": it is a directory";
        }
        if (Files.exists(out) && !force) {
            return "output file " + out + " already exists (use -f to overwrite it)";
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            return "cannot write " + out + ": no such directory " + parent;
        }
        try {
            if (Files.exists(out)) {
                // Opened without truncating: a run refused later must not have emptied it.
                FileChannel.open(out, StandardOpenOption.WRITE).close();
            } else {
                Files.delete(Files.createTempFile(parent, ".memflux-", ".probe"));
            }
        } catch (IOException e) {
            return "cannot write " + out + ": " + reason(e, parent);
        }
        return null;
    }

    private static String reason(IOException e, Path parent) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            // /proc answers "no such file" to any file created in it
            return f.getReason() != null ? f.getReason() : "no file can be created in " + parent;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
