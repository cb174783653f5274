package dev.memflux.pipeline;

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
 * short by a crash still reads up to its last whole block. When the batches end, the
 * last block gets the TRAILER from {@code trailer}.
 *
 * <p>Runs on the thread delivering batches (the pipeline thread); never blocks.
 */
public final class Lz4BlockEncoder implements Function<Flux<EventBatch>, Flux<EncodedBlock>> {
    /** Raw bytes per block: big enough for lz4 to find the loop's repetitions, small enough to lose little in a crash. */
    public static final int BLOCK_SIZE = 256 * 1024;
    /**
     * A block is also sealed once this much capture time passed since the last one, so a
     * slow program's records reach the disk too: if memflux is killed, at most about a
     * second of them is lost.
     */
    public static final long BLOCK_MILLIS = 1000;

    private final boolean compress;
    private final Supplier<Trailer> trailer;
    private final RecordEncoder encoder = new RecordEncoder(BLOCK_SIZE + 4096);
    private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
    private final CRC32C crc = new CRC32C();
    private final EncodedBlock block = new EncodedBlock();
    private long millisSinceBlock;

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
        final byte[] tags = batch.tag;
        // After an EXEC the stream may stay silent for as long as the exec'd program runs:
        // what came before goes to disk now.
        boolean exec = false;
        for (int i = 0; i < batch.count; i++) {
            if (tags[i] == RecordTag.TIME) {
                millisSinceBlock += batch.address[i];
            } else if (tags[i] == RecordTag.EXEC) {
                exec = true;
            }
        }
        return encoder.length() >= BLOCK_SIZE || millisSinceBlock >= BLOCK_MILLIS || exec
                || (batch.count > 0 && tags[batch.count - 1] == RecordTag.END);
    }

    /** The last block: whatever is pending plus the trailer. */
    public EncodedBlock finish() {
        if (trailer != null) {
            encoder.encodeTrailer(trailer.get());
        }
        return seal();
    }

    /** Compresses what was encoded since the last block into {@link #block}. */
    public EncodedBlock seal() {
        byte[] raw = encoder.buffer();
        int rawLength = encoder.length();
        crc.reset();
        crc.update(raw, 0, rawLength);
        block.rawLength = rawLength;
        block.checksum = (int) crc.getValue();
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
