package dev.memflux.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordEncoder;
import dev.memflux.format.RecordTag;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and crafted files are refused with the byte where they go wrong, never read as something else. */
class HostileCaptureTest {
    @TempDir
    Path dir;

    private Path save(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private String refused(String name, byte[] bytes) throws Exception {
        Path file = save(name, bytes);
        CorruptCaptureException e = assertThrows(CorruptCaptureException.class, () -> FileAnalysis.of(file));
        assertTrue(e.getMessage().contains("byte "), "no offset in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    /** Hand-made records: a frame, then whatever {@code tail} holds. */
    private static byte[] frameThen(byte[] tail) {
        EventBatch b = new EventBatch();
        b.addFrame("f", "prog.py", 1);
        return CaptureBytes.concat(CaptureBytes.records(b), tail);
    }

    private static byte[] bytes(long... values) {
        RecordEncoder e = new RecordEncoder(16);
        for (long v : values) {
            e.uvar(v);
        }
        return Arrays.copyOf(e.buffer(), e.length());
    }

    @Test
    void aNodeWhoseParentIsItselfOrLaterIsRefused() throws Exception {
        // Node 1 with parent 1: before, every report walked the cycle forever.
        byte[] self = frameThen(bytes(RecordTag.NODE, 1, 1, 3));
        for (boolean compress : new boolean[] {false, true}) {
            String m = refused("self.bin", CaptureBytes.file(2, compress, List.of(self)));
            assertTrue(m.contains("stack node 1 names parent 1, which is not defined before it"), m);
        }
        // The raw file's offset is exact: header, 16-byte frame, the FRAME record (1+2+8+1 bytes).
        String m = refused("self.bin", CaptureBytes.file(2, false, List.of(self)));
        int header = CaptureBytes.headerLength(CaptureBytes.file(2, false, List.of(self)));
        assertTrue(m.endsWith("at byte " + (header + 16 + 12)), m);

        byte[] later = frameThen(bytes(RecordTag.NODE, 2, 1, 3, RecordTag.NODE, 1, 1, 4));
        assertTrue(refused("later.bin", CaptureBytes.file(2, false, List.of(later))).contains("names parent 2"));
    }

    @Test
    void aHugeNodeIdIsRefusedWithoutSizingAnythingByIt() throws Exception {
        // Before: the aggregator grew its per-node arrays to the id and ran out of memory.
        byte[] alloc = frameThen(bytes(AllocatorKind.MALLOC.tag(), 2, 64, 2_000_000_000L));
        String m = refused("huge.bin", CaptureBytes.file(2, false, List.of(alloc)));
        assertTrue(m.contains("an allocation names stack node 2000000000, which is not defined yet"), m);
        byte[] nativeNode = frameThen(bytes(RecordTag.ALLOC_NATIVE, 2, 64, 0, 1L << 40));
        assertTrue(refused("native.bin", CaptureBytes.file(2, false, List.of(nativeNode))).contains("native node"));
        byte[] frame = bytes(RecordTag.NODE, 0, 7, 3);
        assertTrue(refused("frame.bin", CaptureBytes.file(2, false, List.of(frame))).contains("names frame 7"));
        byte[] thread = bytes(RecordTag.THREAD, 1L << 40, 5);
        assertTrue(refused("thread.bin", CaptureBytes.file(2, false, List.of(thread))).contains("out of range"));
    }

    @Test
    void craftedSizesAndTimesCannotMakeTotalsNegative() throws Exception {
        byte[] size = bytes(AllocatorKind.MALLOC.tag(), 2, Long.MAX_VALUE, 0);
        assertTrue(refused("size.bin", CaptureBytes.file(2, false, List.of(size))).contains("an allocation of"));
        // Each size alone is plausible; together they pass 2^63.
        long[] record = {AllocatorKind.MMAP.tag(), 2, 1L << 48, 0};
        long[] repeated = new long[40_000 * record.length];
        for (int i = 0; i < repeated.length; i++) {
            repeated[i] = record[i % record.length];
        }
        byte[] many = bytes(repeated);
        assertTrue(refused("sum.bin", CaptureBytes.file(2, true, List.of(many))).contains("more than 2^63"));
        byte[] time = bytes(RecordTag.TIME, -1L);
        assertTrue(refused("time.bin", CaptureBytes.file(2, false, List.of(time))).contains("the clock jumps"));
        byte[] unmap = bytes(RecordTag.MUNMAP, 2, -5L);
        assertTrue(refused("unmap.bin", CaptureBytes.file(2, false, List.of(unmap))).contains("an munmap of"));
    }

    @Test
    void swappedRepeatedAndDroppedBlocksAreNamed() throws Exception {
        for (boolean compress : new boolean[] {false, true}) {
            byte[] good = CaptureBytes.smallCapture(dir, 4, compress);
            int n = CaptureBytes.blocks(good).size();
            assertEquals(6, n);
            FileAnalysis a = FileAnalysis.of(save("good.bin", good));
            assertEquals(404, a.totals().allocations());
            assertFalse(a.cutShort());
            int second = CaptureBytes.blocks(good).get(1).offset();
            // Before: swapped blocks hung every report; a repeated or dropped one gave wrong totals silently.
            assertEquals("block 1 is missing, repeated or out of order: the block at byte " + second + " says it is block 2",
                    refused("swapped.bin", CaptureBytes.rearranged(good, 0, 2, 1, 3, 4, 5)));
            assertTrue(refused("repeated.bin", CaptureBytes.rearranged(good, 0, 1, 1, 2, 3, 4, 5))
                    .contains("block 2 is missing, repeated or out of order"));
            assertTrue(refused("dropped.bin", CaptureBytes.rearranged(good, 0, 1, 3, 4, 5))
                    .contains("block 2 is missing, repeated or out of order"));
            assertTrue(refused("after.bin", CaptureBytes.rearranged(good, 0, 1, 2, 3, 4, 5, 5))
                    .contains("block 6 is missing, repeated or out of order"));
        }
    }

    @Test
    void aVersionOneFileStillReadsAndItsTrailerCatchesADroppedBlock() throws Exception {
        byte[] v2 = CaptureBytes.smallCapture(dir, 4, true);
        // The same records laid out as version 1 (no block numbers, no header checksum).
        List<CaptureBytes.Block> blocks = CaptureBytes.blocks(v2);
        java.util.List<byte[]> raw = new java.util.ArrayList<>();
        Path v2File = save("v2.bin", v2);
        try (FileSource source = FileSource.open(v2File)) {
            assertEquals(2, source.version());
        }
        for (CaptureBytes.Block b : blocks) {
            raw.add(rawOf(v2, b));
        }
        byte[] v1 = CaptureBytes.file(1, true, raw);
        FileAnalysis a = FileAnalysis.of(save("v1.bin", v1));
        assertEquals(1, a.formatVersion());
        assertEquals(404, a.totals().allocations());
        assertEquals(400, a.totals().frees());
        assertEquals(4 * 5000, a.totals().peakBytes());
        assertFalse(a.cutShort());

        // Version 1 cannot see the gap, but the trailer's totals no longer match what was read.
        java.util.List<byte[]> dropped = new java.util.ArrayList<>(raw);
        dropped.remove(2);
        String m = refused("v1-dropped.bin", CaptureBytes.file(1, true, dropped));
        assertTrue(m.contains("counts 404 allocations of 420000 bytes, but the blocks hold 303 allocations of 315000 bytes"),
                m);
    }

    @Test
    void aDamagedHeaderIsCaughtByItsChecksum() throws Exception {
        byte[] good = CaptureBytes.smallCapture(dir, 1, false);
        byte[] bad = good.clone();
        bad[20] ^= 0x01; // inside the body: pid, start time, ...
        assertTrue(refused("header.bin", bad).startsWith("the header's checksum does not match (byte "));
        byte[] future = good.clone();
        future[8] = 3;
        assertTrue(refused("v3.bin", future).startsWith("file format version 3 at byte 8 is not supported"));
    }

    @Test
    void aTwentyThousandDeepChainReadsInOnePass() throws Exception {
        // f -> g -> f -> g ... 20,000 deep (two locations recursing), each node allocating 10 bytes once.
        EventBatch defs = new EventBatch();
        defs.addFrame("f", "deep.py", 1);
        defs.addFrame("g", "deep.py", 5);
        RecordEncoder e = new RecordEncoder(1 << 20);
        for (int i = 0; i < defs.count; i++) {
            e.encode(defs, i);
        }
        int depth = 20_000;
        EventBatch one = new EventBatch();
        for (int node = 1; node <= depth; node++) {
            one.clear();
            one.addNode(node - 1, node % 2 == 1 ? 1 : 2, node % 2 == 1 ? 2 : 6);
            one.addAlloc(AllocatorKind.MALLOC.ordinal(), 0x1000L * node, 10, node, 0);
            e.encode(one, 0);
            e.encode(one, 1);
        }
        byte[] raw = Arrays.copyOf(e.buffer(), e.length());
        Path file = save("deep.bin", CaptureBytes.file(2, true, List.of(raw)));
        FileAnalysis a = FileAnalysis.of(file);
        assertTrue(a.cutShort(), "no trailer was written");
        assertEquals(depth, a.totals().allocations());
        var summary = new dev.memflux.report.SummaryReport(a, dev.memflux.report.SummaryReport.SortKey.TOTAL,
                10);
        assertEquals(2, summary.rows().size());
        var f = summary.rows().get(0);
        var g = summary.rows().get(1);
        assertEquals("f", f.location.function());
        // Everything is below the outermost f; g's outermost node holds all but node 1's.
        assertEquals(10L * depth, f.totalBytes);
        assertEquals(10L * (depth - 1), g.totalBytes);
        assertEquals(10L * depth / 2, f.ownBytes);
        assertEquals(depth / 2, g.ownCount);
        String stats = new dev.memflux.report.StatsReport(a, 5).text();
        assertTrue(stats.contains("Total allocations:          20,000"), stats);
    }

    private static byte[] rawOf(byte[] file, CaptureBytes.Block b) {
        java.nio.ByteBuffer f = java.nio.ByteBuffer.wrap(file, b.offset(), 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        f.getInt();
        int rawLength = f.getInt();
        int storedLength = f.getInt();
        byte[] out = new byte[rawLength];
        net.jpountz.lz4.LZ4Factory.fastestInstance().safeDecompressor()
                .decompress(file, b.offset() + 16, storedLength, out, 0, rawLength);
        return out;
    }
}
