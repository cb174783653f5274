package dev.memflux.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Turns an exception into the one line a user reads instead of a stack trace. */
final class Problems {
    private Problems() {}

    static String describe(Throwable e) {
        Throwable t = reactor.core.Exceptions.unwrap(e);
        while (t.getCause() != null && (t instanceof java.io.UncheckedIOException || t.getMessage() == null)) {
            t = t.getCause();
        }
        if (t instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        if (t instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (t instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        String message = t.getMessage();
        return message != null ? message : t.getClass().getSimpleName();
    }
}
