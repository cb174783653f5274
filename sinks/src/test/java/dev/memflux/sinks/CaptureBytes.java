package dev.memflux.sinks;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.CaptureFileFormat;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordEncoder;
import dev.memflux.format.RecordTag;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Lays capture files out byte by byte for tests: either format version, blocks cut where
 * the test says, records the Java encoder would never write. Also splits a file into its
 * blocks, so tests can drop, repeat or swap them.
 */
final class CaptureBytes {
    static final CaptureHeader HEADER =
            new CaptureHeader(123, 1, 1_700_000_000_000L, 0, "3.11.7", "prog.py", "test");

    /** One block of a laid-out file: where its frame starts and how long frame and data are. */
    record Block(int offset, int length) {}

    private CaptureBytes() {}

    /**
     * A small program written by the real pipeline into {@code blocks} blocks (a second of
     * capture time each): frame {@code work}, node 1, then per block 100 malloc(1000)+free
     * pairs at node 1 and one 5000-byte leak; END. Totals: {@code 101 * blocks} allocations,
     * {@code 100 * blocks} frees, peak {@code 5000 * blocks} (at the last leak).
     */
    static byte[] smallCapture(java.nio.file.Path dir, int blocks, boolean compress) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile(dir, "small", ".bin");
        java.nio.file.Files.delete(file);
        CaptureHeader h = HEADER.withFlags(compress ? RecordTag.FLAG_COMPRESSED : 0);
        reactor.core.publisher.Flux<EventBatch> program = reactor.core.publisher.Flux.range(0, blocks + 1).map(i -> {
            EventBatch b = new EventBatch();
            if (i == 0) {
                b.addFrame("work", "prog.py", 1);
                b.addNode(0, 1, 7);
            }
            if (i == blocks) {
                b.addEnd();
                return b;
            }
            for (int j = 0; j < 100; j++) {
                long address = 0x5555_0000_0000L + 1024L * j;
                b.addAlloc(AllocatorKind.MALLOC.ordinal(), address, 1000, 1, 0);
                b.addFree(address);
            }
            b.addAlloc(AllocatorKind.MALLOC.ordinal(), 0x7000_0000_0000L + 8192L * i, 5000, 1, 0);
            b.addTime(1000);
            return b;
        });
        RunCapture.write(file, h, compress, program);
        return java.nio.file.Files.readAllBytes(file);
    }

    /** The records of {@code batch} in the record language, as one stream from its start. */
    static byte[] records(EventBatch batch) {
        RecordEncoder e = new RecordEncoder(64);
        for (int i = 0; i < batch.count; i++) {
            e.encode(batch, i);
        }
        return Arrays.copyOf(e.buffer(), e.length());
    }

    /** Concatenated record bytes (a hand-made record among encoded ones, say). */
    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A version-1 header, as memflux 0.1 wrote it: no checksum. */
    static byte[] v1Header(CaptureHeader h) {
        byte[] v2 = CaptureFileFormat.encodeHeader(h);
        byte[] v1 = Arrays.copyOf(v2, v2.length - 4);
        v1[8] = 1;
        v1[9] = 0;
        return v1;
    }

    /** A whole file: the header of {@code version}, then one block per element of {@code rawBlocks}, numbered from 0. */
    static byte[] file(int version, boolean compress, List<byte[]> rawBlocks) {
        CaptureHeader h = HEADER.withFlags(compress ? RecordTag.FLAG_COMPRESSED : 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(version == 1 ? v1Header(h) : CaptureFileFormat.encodeHeader(h));
        for (int i = 0; i < rawBlocks.size(); i++) {
            out.writeBytes(block(version, i, rawBlocks.get(i), compress));
        }
        return out.toByteArray();
    }

    static byte[] block(int version, int sequence, byte[] raw, boolean compress) {
        byte[] stored = raw;
        if (compress) {
            LZ4Compressor c = LZ4Factory.fastestInstance().fastCompressor();
            byte[] buffer = new byte[c.maxCompressedLength(raw.length)];
            stored = Arrays.copyOf(buffer, c.compress(raw, 0, raw.length, buffer, 0, buffer.length));
        }
        ByteBuffer b = ByteBuffer.allocate((version == 1 ? 12 : 16) + stored.length).order(ByteOrder.LITTLE_ENDIAN);
        if (version >= 2) {
            b.putInt(sequence);
        }
        b.putInt(raw.length).putInt(stored.length)
                .putInt(CaptureFileFormat.blockChecksum(new CRC32C(), version, sequence, raw, raw.length));
        b.put(stored);
        return b.array();
    }

    /** The length of the header of a file laid out by memflux (either version). */
    static int headerLength(byte[] file) {
        int body = ByteBuffer.wrap(file, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return 16 + body + (file[8] == 1 ? 0 : 4);
    }

    /** The blocks of a well-formed file, in file order. */
    static List<Block> blocks(byte[] file) {
        int frame = file[8] == 1 ? 12 : 16;
        List<Block> blocks = new ArrayList<>();
        int at = headerLength(file);
        while (at + frame <= file.length) {
            int stored = ByteBuffer.wrap(file, at + frame - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            blocks.add(new Block(at, frame + stored));
            at += frame + stored;
        }
        return blocks;
    }

    /** The file with its blocks rearranged: {@code order} lists block indexes, repeats and gaps allowed. */
    static byte[] rearranged(byte[] file, int... order) {
        List<Block> blocks = blocks(file);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(file, 0, headerLength(file));
        for (int i : order) {
            Block b = blocks.get(i);
            out.write(file, b.offset(), b.length());
        }
        return out.toByteArray();
    }
}
