package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.CaptureFileFormat;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordDecoder;
import dev.memflux.format.Trailer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class Lz4BlockEncoderTest {
    private static final Trailer TRAILER = new Trailer(1, false, 2, 3, 4, 5, 6, 7, 8, 9);

    /** Blocks are reused, so tests decode each one as it arrives. */
    private static List<byte[]> rawBlocks(Flux<EncodedBlock> blocks, boolean compressed) {
        List<byte[]> raw = new ArrayList<>();
        StepVerifier.create(blocks.doOnNext(b -> {
            byte[] out = new byte[b.rawLength];
            if (compressed) {
                LZ4Factory.fastestInstance().safeDecompressor().decompress(b.stored, 0, b.storedLength, out, 0, b.rawLength);
            } else {
                System.arraycopy(b.stored, 0, out, 0, b.rawLength);
            }
            assertEquals(raw.size(), b.sequence, "blocks are numbered from 0 as they are sealed");
            assertEquals(CaptureFileFormat.blockChecksum(new CRC32C(), CaptureFileFormat.VERSION, raw.size(), out,
                    out.length), b.checksum);
            raw.add(out);
        })).thenConsumeWhile(b -> true).expectComplete().verify(Duration.ofSeconds(10));
        return raw;
    }

    private static Flux<EventBatch> manyAllocations(int batches) {
        return Flux.range(0, batches).map(i -> {
            Batches b = new Batches();
            for (int j = 0; j < EventBatch.CAPACITY / 2; j++) {
                long address = 0x5555_0000_0000L + 64L * j;
                b.malloc(address, 1000, 0).free(address);
            }
            return b.build();
        });
    }

    @Test
    void blocksHoldWholeRecordsAndTheLastEndsWithTheTrailer() throws Exception {
        for (boolean compressed : new boolean[] {true, false}) {
            List<byte[]> blocks = rawBlocks(manyAllocations(40).transform(new Lz4BlockEncoder(compressed, () -> TRAILER)), compressed);
            assertTrue(blocks.size() > 1, "expected several blocks, got " + blocks.size());
            RecordDecoder decoder = new RecordDecoder();
            long records = 0;
            for (byte[] block : blocks) {
                int at = 0;
                while (at < block.length) {
                    EventBatch batch = new EventBatch();
                    at = decoder.decode(block, at, block.length, batch);
                    records += batch.count;
                }
            }
            assertEquals(40L * EventBatch.CAPACITY, records);
            assertEquals(TRAILER, decoder.trailer());
        }
    }

    @Test
    void aRepetitiveAllocationLoopCompressesBelowTwoBytesPerEvent() {
        long[] stored = {0};
        StepVerifier.create(manyAllocations(40).transform(new Lz4BlockEncoder(true, () -> TRAILER))
                        .doOnNext(b -> stored[0] += b.storedLength))
                .thenConsumeWhile(b -> true).expectComplete().verify(Duration.ofSeconds(10));
        double perEvent = (double) stored[0] / (40L * EventBatch.CAPACITY);
        assertTrue(perEvent < 2.0, "bytes per event: " + perEvent);
    }

    @Test
    void aSlowStreamIsSealedIntoABlockEverySecondOfCaptureTime() {
        Lz4BlockEncoder encoder = new Lz4BlockEncoder(true, () -> TRAILER);
        // A program allocating once every 100 ms: ten batches make a second.
        for (int tick = 1; tick <= 25; tick++) {
            boolean sealed = encoder.encode(new Batches().time(100).malloc(0x1000L * tick, 64, 0).build());
            assertEquals(tick % 10 == 0, sealed, "tick " + tick);
            if (sealed) {
                encoder.seal();
            }
        }
    }

    @Test
    void theCollectorsTickSealsPendingRecordsAndNothingElse() {
        Lz4BlockEncoder encoder = new Lz4BlockEncoder(true, () -> TRAILER);
        EventBatch tick = new EventBatch();
        tick.tick = true;
        assertEquals(false, encoder.encode(tick), "nothing pending: no empty block");
        assertEquals(false, encoder.encode(new Batches().malloc(0x1000, 3_000_000, 0).build()));
        assertEquals(true, encoder.encode(tick), "an idle program's allocation is sealed on the tick");
        assertEquals(0, encoder.seal().sequence);
        assertEquals(false, encoder.encode(tick));
    }

    @Test
    void whatCameBeforeAnExecIsSealedAtOnce() {
        Lz4BlockEncoder encoder = new Lz4BlockEncoder(true, () -> TRAILER);
        assertFalse(encoder.encode(new Batches().malloc(0x1000L, 64, 0).build()));
        // The exec'd program may run for hours without another record.
        EventBatch exec = new Batches().malloc(0x2000L, 64, 0).build();
        exec.addExec(0, "/bin/true");
        assertTrue(encoder.encode(exec));
    }

    @Test
    void anUpstreamErrorPassesThrough() {
        StepVerifier.create(Flux.<EventBatch>error(new IllegalStateException("boom"))
                        .transform(new Lz4BlockEncoder(true, () -> TRAILER)))
                .expectErrorMessage("boom")
                .verify(Duration.ofSeconds(5));
    }
}
