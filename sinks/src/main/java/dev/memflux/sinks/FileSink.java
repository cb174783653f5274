package dev.memflux.sinks;

import dev.memflux.format.CaptureFileFormat;
import dev.memflux.format.CaptureHeader;
import dev.memflux.pipeline.EncodedBlock;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes the capture file: the header, then each block as it comes. Each block is handed
 * to the OS as soon as it is written, so if memflux is killed the file still holds every
 * whole block written before. The file is created with the first block; the header (the
 * agent's HELLO, which the run waits for before it builds the pipeline) is its first bytes.
 *
 * <p>Runs on the pipeline thread and blocks on the disk.
 */
public final class FileSink implements Consumer<EncodedBlock>, AutoCloseable {
    private final Path path;
    private final CaptureHeader header;
    private final ByteBuffer frame = ByteBuffer.allocate(CaptureFileFormat.BLOCK_FRAME_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private OutputStream out;
    private long bytesWritten;
    /** Why writing stopped (the disk filled up, say), or null while all is well. */
    private String failure;

    public FileSink(Path path, CaptureHeader header) {
        this.path = path;
        this.header = Objects.requireNonNull(header);
    }

    private void open() throws IOException {
        if (out == null) {
            out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            byte[] head = CaptureFileFormat.encodeHeader(header);
            out.write(head);
            bytesWritten = head.length;
        }
    }

    /**
     * Writes the block. A write that fails (a full disk, an I/O error) stops the file where
     * it is, a whole block or part of one, which reads back as cut short; the capture goes
     * on so the program is never held up, and {@link #failure()} says what happened.
     */
    @Override
    public void accept(EncodedBlock block) {
        if (failure != null) {
            return;
        }
        try {
            open();
            frame.clear();
            frame.putInt(block.sequence).putInt(block.rawLength).putInt(block.storedLength).putInt(block.checksum);
            out.write(frame.array(), 0, CaptureFileFormat.BLOCK_FRAME_BYTES);
            out.write(block.stored, 0, block.storedLength);
            out.flush();
            bytesWritten += CaptureFileFormat.BLOCK_FRAME_BYTES + block.storedLength;
        } catch (IOException e) {
            failure = describe(e);
        }
    }

    private String describe(IOException e) {
        String reason = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        // ENOSPC and EDQUOT, as the JDK words them.
        boolean full = reason.contains("No space left on device") || reason.contains("Disk quota exceeded");
        String size = String.format(java.util.Locale.ROOT, "%.1f MiB", bytesWritten / (1024.0 * 1024.0));
        return (full ? "disk full writing " + path : "cannot write " + path + " (" + reason + ")")
                + ": the capture is cut short at " + size;
    }

    /** Bytes of whole blocks (and the header) written so far. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Why the file stopped short of the capture (one line, without "memflux: "), or null if it did not. */
    public String failure() {
        return failure;
    }

    /** Closes the file; a failure to flush its last bytes is kept for {@link #failure()}. */
    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = describe(e);
                }
            }
        }
    }
}
