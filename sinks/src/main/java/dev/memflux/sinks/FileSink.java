package dev.memflux.sinks;

import dev.memflux.format.CaptureFileFormat;
import dev.memflux.format.CaptureHeader;
import dev.memflux.pipeline.EncodedBlock;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes the capture file: the header at creation, then each block as it comes. Each
 * block is handed to the OS as soon as it is written, so if memflux is killed the file
 * still holds every whole block written before.
 *
 * <p>Runs on the pipeline thread and blocks on the disk.
 */
public final class FileSink implements Consumer<EncodedBlock>, AutoCloseable {
    private final OutputStream out;
    private final ByteBuffer frame = ByteBuffer.allocate(CaptureFileFormat.BLOCK_FRAME_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long bytesWritten;

    public FileSink(Path path, CaptureHeader header) throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
        byte[] head = CaptureFileFormat.encodeHeader(header);
        out.write(head);
        out.flush();
        bytesWritten = head.length;
    }

    @Override
    public void accept(EncodedBlock block) {
        try {
            frame.clear();
            frame.putInt(block.rawLength).putInt(block.storedLength).putInt(block.checksum);
            out.write(frame.array(), 0, CaptureFileFormat.BLOCK_FRAME_BYTES);
            out.write(block.stored, 0, block.storedLength);
            out.flush();
            bytesWritten += CaptureFileFormat.BLOCK_FRAME_BYTES + block.storedLength;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
