package dev.memflux.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    /** One or more of every record the agent or memflux writes into a stream (HELLO and TRAILER are tested apart). */
    private static EventBatch sample() {
        EventBatch b = new EventBatch();
        b.addThread(1, 4242);
        b.addFrame("main", "/tmp/prog.py", 3);
        b.addNode(0, 1, 12);
        b.addTime(10);
        b.addModule("/usr/lib/libz.so.1", "9f1c", 0x7f00_0000_0000L, 2);
        b.addModuleSegment(0x7f00_0000_1000L, 0x5000);
        b.addModuleSegment(0x7f00_0001_0000L, 0x800);
        b.addNativeNode(0, 0x7f00_0000_1234L);
        b.addNativeNode(1, 0x7f00_0000_2345L);
        for (AllocatorKind kind : AllocatorKind.values()) {
            b.addAlloc(kind.ordinal(), 0x7f00_1234_0000L + 0x40L * kind.ordinal(), 10_001 + kind.ordinal(), 1, 0);
        }
        b.addAlloc(AllocatorKind.MALLOC.ordinal(), 0x7f00_1234_5670L, 48, 1, 2);
        b.addAlloc(AllocatorKind.MMAP.ordinal(), 0x7fff_0000_0000L, 1 << 20, 0, 1);
        b.addFree(0x7f00_1234_5670L);
        b.addMunmap(0x7fff_0000_0000L, 4096);
        b.addMemory(123_456_789);
        b.addSymbol(0x7f00_0000_2345L, 2);
        b.addSymbolFrame("inflate_fast", "inffast.c", 77, true);
        b.addSymbolFrame("inflate", "inflate.c", 1210, false);
        b.addExec(0, "/bin/true");
        b.addThread(2, 4343);
        b.addNodeFigures(1, 2, 7, 70_007, 5, 2, 20_002, -1, 30_000_000_000L);
        b.addNodeFigures(0, 0, 1, 64, 0, 0, 0, 1, 64);
        b.addNativeFigures(2, 7, 70_007);
        b.addRunTotals(new long[] {1, 0, 1L << 62, 42}, "/bin/true");
        b.addRunTotals(new long[0], "");
        b.addEnd();
        return b;
    }

    private static byte[] encode(EventBatch b) {
        RecordEncoder e = new RecordEncoder(16);
        for (int i = 0; i < b.count; i++) {
            e.encode(b, i);
        }
        return Arrays.copyOf(e.buffer(), e.length());
    }

    @Test
    void everyRecordSurvivesARoundTrip() throws Exception {
        EventBatch in = sample();
        byte[] bytes = encode(in);
        EventBatch out = new EventBatch();
        int consumed = new RecordDecoder().decode(bytes, 0, bytes.length, out);
        assertEquals(bytes.length, consumed);
        assertEquals(RecordText.of(in), RecordText.of(out));
        assertEquals(in.count, out.count);
    }

    @Test
    void recordsSplitAcrossReadsAreCompletedByTheNextRead() throws Exception {
        byte[] bytes = encode(sample());
        // Feed the stream one byte more at a time, as a socket might deliver it.
        RecordDecoder decoder = new RecordDecoder();
        List<String> all = new ArrayList<>();
        EventBatch part = new EventBatch();
        byte[] pending = new byte[0];
        for (byte b : bytes) {
            pending = Arrays.copyOf(pending, pending.length + 1);
            pending[pending.length - 1] = b;
            part.clear();
            int consumed = decoder.decode(pending, 0, pending.length, part);
            pending = Arrays.copyOfRange(pending, consumed, pending.length);
            all.addAll(RecordText.of(part));
        }
        assertEquals(0, pending.length);
        assertEquals(RecordText.of(sample()), all);
        assertTrue(decoder.ended());
    }

    @Test
    void addressesAreDeltaEncodedSoNearbyAllocationsTakeFewBytes() {
        EventBatch b = new EventBatch();
        b.addAlloc(AllocatorKind.MALLOC.ordinal(), 0x5555_0000_1000L, 100, 1, 0);
        b.addAlloc(AllocatorKind.MALLOC.ordinal(), 0x5555_0000_1070L, 100, 1, 0);
        RecordEncoder e = new RecordEncoder(64);
        e.encode(b, 0);
        int first = e.length();
        e.encode(b, 1);
        // tag + 2-byte delta + 1-byte size + 1-byte node
        assertEquals(5, e.length() - first);
    }

    @Test
    void helloAndTrailerRoundTrip() throws Exception {
        RecordEncoder e = new RecordEncoder(16);
        CaptureHeader hello = new CaptureHeader(12, 11, 1_700_000_000_000L, 2, "3.11.7 (main)", "prog.py a b", "");
        e.encodeHello(hello);
        Trailer trailer = new Trailer(1_700_000_001_000L, true, 5, 4, 500, 300, 17, 100, 1, 42);
        e.encodeTrailer(trailer);
        RecordDecoder d = new RecordDecoder();
        byte[] bytes = Arrays.copyOf(e.buffer(), e.length());
        int at = d.decode(bytes, 0, bytes.length, new EventBatch());
        d.decode(bytes, at, bytes.length, new EventBatch());
        assertEquals(hello, d.hello());
        assertEquals(trailer, d.trailer());
    }

    @Test
    void execRecordsCarryTheirPathAndError() throws Exception {
        EventBatch in = new EventBatch();
        in.addExec(0, "/bin/true");
        in.addExec(2, "/nonexistent/ü");
        byte[] bytes = encode(in);
        EventBatch out = new EventBatch();
        assertEquals(bytes.length, new RecordDecoder().decode(bytes, 0, bytes.length, out));
        assertEquals(2, out.count);
        assertEquals(RecordTag.EXEC, out.tag(0));
        assertEquals(0, out.execError(0));
        assertEquals("/bin/true", out.execPath(0));
        assertEquals(RecordTag.EXEC, out.tag(1));
        assertEquals(2, out.execError(1));
        assertEquals("/nonexistent/ü", out.execPath(1));
    }

    @Test
    void aContinuationIsReadOnlyWhenWhole() throws Exception {
        // CONTINUE, pid 12345 (0xB9 0x60), offset 128 (0x80 0x01)
        byte[] bytes = {RecordTag.CONTINUE, (byte) 0xB9, 0x60, (byte) 0x80, 0x01};
        for (int n = 0; n < bytes.length; n++) {
            assertNull(RecordDecoder.continuation(bytes, n), "after " + n + " bytes");
        }
        assertArrayEquals(new long[] {12345, 128}, RecordDecoder.continuation(bytes, bytes.length));
        byte[] hello = {RecordTag.HELLO, 1};
        var e = assertThrows(CorruptCaptureException.class, () -> RecordDecoder.continuation(hello, 2));
        assertTrue(e.getMessage().contains("not CONTINUE"), e.getMessage());
    }

    @Test
    void aggregatedFiguresOfAnUndefinedNodeAreCorrupt() {
        EventBatch b = new EventBatch();
        b.addFrame("main", "/tmp/prog.py", 3);
        b.addNode(0, 1, 12);
        b.addNodeFigures(2, 0, 1, 64, 0, 0, 0, 1, 64);
        byte[] bytes = encode(b);
        CorruptCaptureException e = assertThrows(CorruptCaptureException.class,
                () -> new RecordDecoder().decode(bytes, 0, bytes.length, new EventBatch()));
        assertTrue(e.getMessage().startsWith("figures for stack node 2 (native node 0), which is not defined"),
                e.getMessage());
    }

    @Test
    void unknownTagIsCorruptNotACrash() {
        byte[] bytes = {RecordTag.THREAD, 1, 1, 0x7e};
        var e = assertThrows(CorruptCaptureException.class,
                () -> new RecordDecoder().decode(bytes, 0, bytes.length, new EventBatch()));
        assertTrue(e.getMessage().contains("unknown record tag 0x7e"), e.getMessage());
    }

    @Test
    void fileHeaderRoundTrips() throws Exception {
        CaptureHeader h = new CaptureHeader(7, 1, 99, RecordTag.FLAG_COMPRESSED, "3.11.2", "x.py", "0.1.0");
        byte[] bytes = CaptureFileFormat.encodeHeader(h);
        var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes));
        assertEquals(h, CaptureFileFormat.readHeader(in));
        assertArrayEquals(CaptureFileFormat.MAGIC, Arrays.copyOf(bytes, 8));
    }

    @Test
    void aDecodedBatchIsReEncodedByteForByteFromItsRawCopy() throws Exception {
        byte[] bytes = encode(sample());
        EventBatch decoded = new EventBatch();
        new RecordDecoder().keepRaw().decode(bytes, 0, bytes.length, decoded);
        assertEquals(bytes.length, decoded.rawLength);
        RecordEncoder passThrough = new RecordEncoder(16);
        passThrough.encodeAll(decoded);
        // Records encoded one by one afterwards must still delta against the right address.
        EventBatch more = new EventBatch();
        more.addFree(0x7fff_0000_1000L);
        passThrough.encodeAll(more);
        RecordEncoder reference = new RecordEncoder(16);
        reference.encodeAll(sample());
        reference.encodeAll(more);
        assertArrayEquals(Arrays.copyOf(reference.buffer(), reference.length()),
                Arrays.copyOf(passThrough.buffer(), passThrough.length()));
    }
}
