package dev.memflux.sinks;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.EventBatch;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.Lz4BlockEncoder;
import java.nio.file.Path;

/**
 * The capture file as a sink of the run: each batch is encoded into the pending block
 * (the encoder copies the records, so nothing of the batch is kept), a block is written
 * when it is sealed, and the last block carries the trailer.
 *
 * <p>Runs on the pipeline thread and blocks on the disk. A failed write stops the file,
 * never the run: {@link #failure()} says why.
 */
public final class CaptureFileSink implements CaptureOutput {
    private final Lz4BlockEncoder encoder;
    private final FileSink file;

    /** @param header the agent's HELLO as the file states it (with FLAG_COMPRESSED when {@code compress}) */
    public CaptureFileSink(Path path, CaptureHeader header, boolean compress) {
        this.encoder = new Lz4BlockEncoder(compress);
        this.file = new FileSink(path, header);
    }

    @Override
    public void accept(EventBatch batch) {
        if (encoder.encode(batch)) {
            file.accept(encoder.seal());
        }
    }

    @Override
    public void finish(Trailer trailer) {
        file.accept(encoder.finish(trailer));
        file.close();
    }

    @Override
    public void abort(Throwable cause) {
        file.close();
    }

    /** Bytes of whole blocks (and the header) written so far. */
    @Override
    public long bytesWritten() {
        return file.bytesWritten();
    }

    /** Why the file stopped short of the capture (the disk filled up, say), in one line; null if it did not. */
    @Override
    public String failure() {
        return file.failure();
    }
}
