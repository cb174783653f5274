package dev.memflux.format;

/** A capture stream or file that breaks the format: unknown tag, bad header, bad checksum. */
public final class CorruptCaptureException extends Exception {
    public CorruptCaptureException(String message) {
        super(message);
    }
}
