package dev.memflux.pipeline;

import dev.memflux.format.CaptureFileFormat;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordEncoder;
import dev.memflux.format.RecordTag;
import dev.memflux.format.Trailer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Encodes batches into the record language and cuts the stream into independent blocks
 * of whole records, each lz4-compressed on its own (or stored raw), so that a file cut
 * short by a crash still reads up to its last whole block. The last block gets the
 * TRAILER: {@link #finish(Trailer)} is handed it (the run's file sink); as a Flux stage,
 * it is taken from {@code trailer} when the batches end.
 *
 * <p>Runs on the thread delivering batches (the pipeline thread); never blocks.
 */
public final class Lz4BlockEncoder implements Function<Flux<EventBatch>, Flux<EncodedBlock>> {
    /** Raw bytes per block: big enough for lz4 to find the loop's repetitions, small enough to lose little in a crash. */
    public static final int BLOCK_SIZE = 256 * 1024;
    /**
     * A block is also sealed once this much capture time passed since the last one, so a
     * slow program's records reach the disk too: if memflux is killed, at most about a
     * second of them is lost. An idle program sends no TIME records: for it the
     * collector's tick (an empty batch with {@code tick} set, a second of wall time after
     * the last records) seals what is pending.
     */
    public static final long BLOCK_MILLIS = 1000;

    private final boolean compress;
    private final Supplier<Trailer> trailer;
    private final RecordEncoder encoder = new RecordEncoder(BLOCK_SIZE + 4096);
    private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();

    /** Loads lz4's native library now (it takes milliseconds), so that a later encoder starts at once. */
    public static void loadCompressor() {
        LZ4Factory.fastestInstance().fastCompressor();
    }
    private final CRC32C crc = new CRC32C();
    private final EncodedBlock block = new EncodedBlock();
    private long millisSinceBlock;
    /** The next block's number: the reader checks that blocks come 0, 1, 2... with none missing or repeated. */
    private int sequence;

    /** An encoder driven by hand: {@link #encode}, {@link #seal}, {@link #finish(Trailer)}. */
    public Lz4BlockEncoder(boolean compress) {
        this(compress, null);
    }

    /** @param trailer the TRAILER of the last block, when used as a Flux stage; null: none */
    public Lz4BlockEncoder(boolean compress, Supplier<Trailer> trailer) {
        this.compress = compress;
        this.trailer = trailer;
    }

    @Override
    public Flux<EncodedBlock> apply(Flux<EventBatch> batches) {
        Flux<EncodedBlock> blocks = batches.handle((batch, sink) -> {
            if (encode(batch)) {
                sink.next(seal());
            }
        });
        return blocks.concatWith(Mono.fromSupplier(this::finish));
    }

    /** Encodes every record of {@code batch}; true when a block is ready to seal. */
    public boolean encode(EventBatch batch) {
        encoder.encodeAll(batch);
        millisSinceBlock += batch.timeMillis(); // summed as the batch was filled: no pass over its records here
        // After an EXEC the stream may stay silent for as long as the exec'd program runs:
        // what came before goes to disk now.
        return encoder.length() >= BLOCK_SIZE || millisSinceBlock >= BLOCK_MILLIS || batch.hasExec()
                || (batch.count > 0 && batch.tag(batch.count - 1) == RecordTag.END)
                || (batch.tick && encoder.length() > 0);
    }

    /** The last block: whatever is pending plus the trailer from the supplier given. */
    public EncodedBlock finish() {
        return finish(trailer != null ? trailer.get() : null);
    }

    /** The last block: whatever is pending plus {@code last} (none if null). */
    public EncodedBlock finish(Trailer last) {
        if (last != null) {
            encoder.encodeTrailer(last);
        }
        return seal();
    }

    /** Compresses what was encoded since the last block into {@link #block}. */
    public EncodedBlock seal() {
        byte[] raw = encoder.buffer();
        int rawLength = encoder.length();
        block.sequence = sequence;
        block.rawLength = rawLength;
        block.checksum = CaptureFileFormat.blockChecksum(crc, CaptureFileFormat.VERSION, sequence, raw, rawLength);
        sequence++;
        if (compress) {
            int max = compressor.maxCompressedLength(rawLength);
            if (block.stored.length < max) {
                block.stored = new byte[max];
            }
            block.storedLength = compressor.compress(raw, 0, rawLength, block.stored, 0, max);
        } else {
            if (block.stored.length < rawLength) {
                block.stored = new byte[raw.length];
            }
            System.arraycopy(raw, 0, block.stored, 0, rawLength);
            block.storedLength = rawLength;
        }
        encoder.reset();
        millisSinceBlock = 0;
        return block;
    }
}
