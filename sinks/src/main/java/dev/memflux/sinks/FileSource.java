package dev.memflux.sinks;

import dev.memflux.format.CaptureFileFormat;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.format.FileHeader;
import dev.memflux.format.RecordDecoder;
import dev.memflux.format.RecordTag;
import dev.memflux.format.Trailer;
import dev.memflux.pipeline.BatchFlux;
import dev.memflux.pipeline.BatchSource;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import reactor.core.publisher.Flux;

/**
 * Reads a capture file back as the same {@code Flux<EventBatch>} the capture produced,
 * through the same publisher as the run ({@link BatchFlux}), so reports run the stream
 * through the same stages. A file that ends early (the program or memflux was killed)
 * reads up to its last whole block and then says so in {@link #cutShort()}; a corrupt one
 * fails the flux with a {@link CorruptCaptureException} naming the byte offset, after the
 * batches read before it.
 *
 * <p>{@link #batches} is single-use and demand-exact: it decodes at most one batch ahead of
 * what was requested, on the thread that subscribes. {@link #readAhead} decodes on a thread
 * of its own a few batches ahead instead ({@link ReadAheadSource}), while the subscriber's
 * thread runs the stages: what the reports use, since decoding costs about as much as
 * aggregating and a second core then halves the wait. Either way every stage runs on the
 * subscriber's thread, so an OutOfMemoryError of the aggregator reaches the report's
 * caller as it is thrown, and a batch is valid only during {@code onNext}.
 */
public final class FileSource implements BatchSource, AutoCloseable {
    private final Path path;
    private final DataInputStream in;
    private final CaptureHeader header;
    private final int version;
    private final boolean compressed;
    private final RecordDecoder decoder = new RecordDecoder();
    private final LZ4SafeDecompressor lz4 = LZ4Factory.fastestInstance().safeDecompressor();
    private final CRC32C crc = new CRC32C();
    private final byte[] frame;
    /** {@link #next}'s one batch, made on first use ({@link #readAhead} has batches of its own). */
    private EventBatch batch;
    /** The batch holds records {@link #next} decoded and not yet released. */
    private boolean pending;
    private byte[] stored = new byte[0];
    private byte[] raw = new byte[0];
    private int rawPosition;
    private int rawLimit;
    /** Where the next block frame starts in the file. */
    private long offset;
    /** Where the block being decoded starts, for error messages. */
    private long blockOffset;
    private int blocks;
    private boolean eof;
    private boolean cutShort;
    private String cutShortReason = "";
    /** Set by {@link #readAhead}: from then on only its thread decodes, until {@link #close}. */
    private ReadAheadSource readAhead;

    private FileSource(Path path, DataInputStream in, FileHeader header) {
        this.path = path;
        this.in = in;
        this.header = header.capture();
        this.version = header.version();
        this.compressed = this.header.has(RecordTag.FLAG_COMPRESSED);
        this.offset = header.length();
        this.frame = new byte[header.blockFrameBytes()];
    }

    public static FileSource open(Path path) throws IOException, CorruptCaptureException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
        try {
            return new FileSource(path, in, CaptureFileFormat.readFileHeader(in));
        } catch (IOException | CorruptCaptureException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    public CaptureHeader header() {
        return header;
    }

    /** The file format version the file was written in (1 or 2). */
    public int version() {
        return version;
    }

    public Path path() {
        return path;
    }

    /** Every record of the file, in batches; subscribe once. */
    public Flux<EventBatch> batches() {
        return BatchFlux.onSubscriberThread(this);
    }

    /**
     * Every record of the file, in batches decoded on a thread of its own while the
     * subscriber's thread handles the ones before; subscribe once, and use neither
     * {@link #batches} nor this again (batches decoded ahead of a cancel are dropped). The
     * accessors ({@link #trailer}, {@link #cutShort}, ...) are meant for after the flux
     * ended: its end orders the reader's writes before them. {@link #close} ends the reader.
     */
    public Flux<EventBatch> readAhead() {
        if (readAhead != null || pending) {
            throw new IllegalStateException("the file is read already");
        }
        readAhead = new ReadAheadSource(this::decodeInto);
        return BatchFlux.onSubscriberThread(readAhead);
    }

    @Override
    public EventBatch next() {
        if (!pending) {
            if (batch == null) {
                batch = new EventBatch();
            }
            decodeInto(batch);
            pending = true;
        }
        return batch;
    }

    /** Decodes the next records into {@code into}, the last batch marked with its end or its error. */
    private void decodeInto(EventBatch into) {
        into.clear();
        try {
            if (!fill(into)) {
                into.endOfStream = true;
            }
        } catch (IOException | CorruptCaptureException | RuntimeException e) {
            into.clear();
            into.error = e;
        }
    }

    @Override
    public void release() {
        pending = false;
    }

    @Override
    public void wake() {
        // next never waits.
    }

    @Override
    public void detach() {
        // No producer to set free; the file stays open until close.
    }

    /** Decodes the next records into the batch; false when the file has no more. */
    private boolean fill(EventBatch batch) throws IOException, CorruptCaptureException {
        while (!batch.isFull()) {
            if (rawPosition == rawLimit && !nextBlock()) {
                break;
            }
            int consumed;
            try {
                consumed = decoder.decode(raw, rawPosition, rawLimit, batch);
            } catch (CorruptCaptureException e) {
                throw new CorruptCaptureException(e.getMessage() + " " + where(decoder.recordStart()));
            }
            if (consumed == rawPosition && !batch.isFull() && rawPosition < rawLimit) {
                throw new CorruptCaptureException("a record is cut off at the end of its block " + where(rawPosition));
            }
            rawPosition = consumed;
        }
        return batch.count > 0;
    }

    private boolean nextBlock() throws IOException, CorruptCaptureException {
        if (eof) {
            return false;
        }
        int got = in.readNBytes(frame, 0, frame.length);
        if (got == 0) {
            eof = true;
            if (decoder.trailer() == null) {
                cut("the file ends after " + decoder.records() + " records without its trailer");
            }
            return false;
        }
        if (got < frame.length) {
            eof = true;
            cut("the file ends inside a block frame at byte " + offset);
            return false;
        }
        ByteBuffer f = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        int sequence = version >= 2 ? f.getInt() : blocks;
        int rawLength = f.getInt();
        int storedLength = f.getInt();
        int checksum = f.getInt();
        if (rawLength < 0 || rawLength > CaptureFileFormat.MAX_BLOCK_BYTES || storedLength < 0
                || storedLength > CaptureFileFormat.MAX_STORED_BYTES
                || (!compressed && storedLength != rawLength)) {
            throw new CorruptCaptureException("corrupt block frame at byte " + offset);
        }
        if (sequence != blocks) {
            // Blocks are numbered as written: another number here is a block lost, repeated or moved.
            throw new CorruptCaptureException(String.format("block %d is missing, repeated or out of order: "
                    + "the block at byte %d says it is block %s", blocks, offset, Integer.toUnsignedString(sequence)));
        }
        if (decoder.trailer() != null) {
            throw new CorruptCaptureException("a block follows the trailer at byte " + offset);
        }
        if (stored.length < storedLength) {
            stored = new byte[storedLength];
        }
        if (raw.length < rawLength) {
            raw = new byte[rawLength];
        }
        got = in.readNBytes(stored, 0, storedLength);
        if (got < storedLength) {
            eof = true;
            cut("the file ends inside the block at byte " + offset);
            return false;
        }
        if (compressed) {
            try {
                int n = lz4.decompress(stored, 0, storedLength, raw, 0, rawLength);
                if (n != rawLength) {
                    throw new CorruptCaptureException("corrupt block at byte " + offset);
                }
            } catch (LZ4Exception | IndexOutOfBoundsException e) {
                throw new CorruptCaptureException("corrupt lz4 block at byte " + offset);
            }
        } else {
            System.arraycopy(stored, 0, raw, 0, rawLength);
        }
        if (CaptureFileFormat.blockChecksum(crc, version, sequence, raw, rawLength) != checksum) {
            throw new CorruptCaptureException("checksum mismatch in the block at byte " + offset);
        }
        blockOffset = offset;
        blocks++;
        offset += frame.length + storedLength;
        rawPosition = 0;
        rawLimit = rawLength;
        return true;
    }

    /** Where in the file a record of the current block is: the file offset itself when blocks are stored raw. */
    private String where(int inBlock) {
        if (compressed) {
            return "at byte " + inBlock + " of the lz4 block at byte " + blockOffset;
        }
        return "at byte " + (blockOffset + frame.length + inBlock);
    }

    /** Where the last block read starts (after a complete read: the trailer's block). */
    public long lastBlockOffset() {
        return blockOffset;
    }

    /** Blocks read whole so far. */
    public int blocksRead() {
        return blocks;
    }

    private void cut(String reason) {
        cutShort = true;
        cutShortReason = reason;
    }

    /** After the flux completed: whether the file ended before its trailer. */
    public boolean cutShort() {
        return cutShort || (eof && decoder.trailer() == null);
    }

    /** Why the file counts as cut short, in words. */
    public String cutShortReason() {
        return cutShortReason;
    }

    /** The trailer, once the flux completed on a complete file; null otherwise. */
    public Trailer trailer() {
        return decoder.trailer();
    }

    public long recordsRead() {
        return decoder.records();
    }

    @Override
    public void close() throws IOException {
        if (readAhead != null) {
            readAhead.stop();
        }
        in.close();
    }
}
