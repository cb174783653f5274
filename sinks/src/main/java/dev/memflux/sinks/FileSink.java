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
import java.util.function.Supplier;

/**
 * Writes the capture file: the header, then each block as it comes. Each block is handed
 * to the OS as soon as it is written, so if memflux is killed the file still holds every
 * whole block written before. The file is created with the first block, when the header
 * is known (the agent's HELLO precedes every record); a capture that never started
 * leaves no file.
 *
 * <p>Runs on the pipeline thread and blocks on the disk.
 */
public final class FileSink implements Consumer<EncodedBlock>, AutoCloseable {
    private final Path path;
    private final Supplier<CaptureHeader> header;
    private final ByteBuffer frame = ByteBuffer.allocate(CaptureFileFormat.BLOCK_FRAME_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private OutputStream out;
    private boolean noCapture;
    private long bytesWritten;

    /** @param header the file's header; null from it means no capture happened */
    public FileSink(Path path, Supplier<CaptureHeader> header) {
        this.path = path;
        this.header = header;
    }

    private boolean open() throws IOException {
        if (out == null && !noCapture) {
            CaptureHeader h = header.get();
            if (h == null) {
                noCapture = true;
                return false;
            }
            out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            byte[] head = CaptureFileFormat.encodeHeader(h);
            out.write(head);
            bytesWritten = head.length;
        }
        return out != null;
    }

    @Override
    public void accept(EncodedBlock block) {
        try {
            if (!open()) {
                return;
            }
            frame.clear();
            frame.putInt(block.sequence).putInt(block.rawLength).putInt(block.storedLength).putInt(block.checksum);
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
        if (out != null) {
            out.close();
        }
    }
}
