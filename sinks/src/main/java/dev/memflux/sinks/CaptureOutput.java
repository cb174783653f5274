package dev.memflux.sinks;

import dev.memflux.pipeline.StreamSink;

/** A sink that writes the run's capture file, full or aggregated: what {@code run} says about it at the end. */
public interface CaptureOutput extends StreamSink {
    /** Bytes on disk: a full capture's whole blocks so far, an aggregated capture's last file. */
    long bytesWritten();

    /** Why the file is not all it should be, in one line (without "memflux: "); null when it is. */
    String failure();
}
