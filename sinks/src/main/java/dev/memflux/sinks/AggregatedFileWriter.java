package dev.memflux.sinks;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.ProgramEnd;
import dev.memflux.format.RecordTag;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.AggregatedRecords;
import dev.memflux.pipeline.AggregatorState;
import dev.memflux.pipeline.Lz4BlockEncoder;
import dev.memflux.pipeline.StackTable;
import dev.memflux.pipeline.symbolize.NativeFrame;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * Writes an aggregated capture whole, atomically: into a temporary file in the target's
 * directory, synced to disk, then renamed over the target, so that a reader (or a crash,
 * or a kill of memflux) only ever sees the previous complete file or the new one.
 *
 * <p>Runs on the caller's thread (the pipeline thread in {@code run}) and blocks on the disk.
 */
public final class AggregatedFileWriter {
    private final Path target;
    private final CaptureHeader header;
    private final boolean compress;

    /** @param header the capture's header; the aggregated flag (and the compressed one, if {@code compress}) is set here */
    public AggregatedFileWriter(Path target, CaptureHeader header, boolean compress) {
        this.target = target;
        int flags = header.flags() | RecordTag.FLAG_AGGREGATED;
        this.header = header.withFlags(compress ? flags | RecordTag.FLAG_COMPRESSED : flags & ~RecordTag.FLAG_COMPRESSED);
        this.compress = compress;
    }

    public Path target() {
        return target;
    }

    /**
     * Replaces the target with a file holding {@code stacks} and {@code state}; returns its
     * size. On failure the target is left as it was and the temporary file removed.
     */
    public long write(StackTable stacks, LongFunction<List<NativeFrame>> symbols, AggregatorState state,
            ProgramEnd end, Trailer trailer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // Not createTempFile: its 0600 would outlive the rename, where a full capture gets the umask's mode.
        Path temporary = dir.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW).close();
        try {
            FileSink file = new FileSink(temporary, header);
            Lz4BlockEncoder encoder = new Lz4BlockEncoder(compress);
            AggregatedRecords.write(stacks, symbols, state, end, batch -> {
                if (encoder.encode(batch)) {
                    file.accept(encoder.seal());
                }
            });
            file.accept(encoder.finish(trailer));
            file.close();
            if (file.failure() != null) {
                throw new IOException(file.failure());
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
            return file.bytesWritten();
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The rename reaches the disk with its directory; some file systems cannot sync one, which costs only durability. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // The rename is done; only its durability across a power loss is not assured.
        }
    }
}
