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
        b.add(RecordTag.THREAD, 1, 4242, 0);
        b.addFrame("main", "/tmp/prog.py", 3);
        b.add(RecordTag.NODE, 0, 12, 1);
        b.add(RecordTag.TIME, 10, 0, 0);
        module(b, "/usr/lib/libz.so.1", "9f1c", 0x7f00_0000_0000L, 0x7f00_0000_1000L, 0x5000, 0x7f00_0001_0000L, 0x800);
        b.add(RecordTag.NATIVE_NODE, 0x7f00_0000_1234L, 0, 0);
        b.add(RecordTag.NATIVE_NODE, 0x7f00_0000_2345L, 0, 1);
        for (AllocatorKind kind : AllocatorKind.values()) {
            b.add(kind.tag(), 0x7f00_1234_0000L + 0x40L * kind.ordinal(), 10_001 + kind.ordinal(), 1);
        }
        b.add(AllocatorKind.MALLOC.tag(), 0x7f00_1234_5670L, 48, 1);
        b.nativeStack[b.count - 1] = 2;
        b.add(AllocatorKind.MMAP.tag(), 0x7fff_0000_0000L, 1 << 20, 0);
        b.nativeStack[b.count - 1] = 1;
        b.add(RecordTag.FREE, 0x7f00_1234_5670L, 0, 0);
        b.add(RecordTag.MUNMAP, 0x7fff_0000_0000L, 4096, 0);
        b.add(RecordTag.MEMORY, 123_456_789, 0, 0);
        symbol(b, 0x7f00_0000_2345L, "inflate_fast", "inffast.c", 77 << 1 | 1, "inflate", "inflate.c", 1210 << 1);
        b.add(RecordTag.THREAD, 2, 4343, 0);
        b.add(RecordTag.END, 0, 0, 0);
        return b;
    }

    /** A MODULE as the decoder lays it out: path and build id in text, (start, length) pairs in numbers. */
    private static void module(EventBatch b, String path, String buildId, long bias, long... ranges) {
        int text = b.addText(path);
        b.addText(buildId);
        int numbers = b.numberCount;
        for (long r : ranges) {
            b.addNumber(r);
        }
        b.add(RecordTag.MODULE, bias, ranges.length / 2, text);
        b.nativeStack[b.count - 1] = numbers;
    }

    /** A SYMBOL as the decoder lays it out: frames given as function, file, line << 1 | inlined. */
    private static void symbol(EventBatch b, long ip, Object... frames) {
        int text = b.textCount;
        for (int f = 0; f < frames.length; f += 3) {
            b.addText((String) frames[f]);
            b.addText((String) frames[f + 1]);
        }
        int numbers = b.numberCount;
        for (int f = 2; f < frames.length; f += 3) {
            b.addNumber(((Number) frames[f]).longValue());
        }
        b.add(RecordTag.SYMBOL, ip, frames.length / 3, text);
        b.nativeStack[b.count - 1] = numbers;
    }

    /** Every column of every record, and the text and numbers they point into. */
    private static List<String> columns(EventBatch b) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < b.count; i++) {
            rows.add(b.tag[i] + " " + b.address[i] + " " + b.size[i] + " " + b.stack[i] + " " + b.nativeStack[i]);
        }
        rows.add("text " + Arrays.asList(b.text).subList(0, b.textCount));
        rows.add("numbers " + Arrays.toString(Arrays.copyOf(b.numbers, b.numberCount)));
        return rows;
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
        assertEquals(columns(in), columns(out));
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
        b.add(AllocatorKind.MALLOC.tag(), 0x5555_0000_1000L, 100, 1);
        b.add(AllocatorKind.MALLOC.tag(), 0x5555_0000_1070L, 100, 1);
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
        in.add(RecordTag.EXEC, 0, 0, in.addText("/bin/true"));
        in.add(RecordTag.EXEC, 2, 0, in.addText("/nonexistent/ü"));
        byte[] bytes = encode(in);
        EventBatch out = new EventBatch();
        assertEquals(bytes.length, new RecordDecoder().decode(bytes, 0, bytes.length, out));
        assertEquals(2, out.count);
        assertEquals(RecordTag.EXEC, out.tag[0]);
        assertEquals(0, out.address[0]);
        assertEquals("/bin/true", out.text[out.stack[0]]);
        assertEquals(2, out.address[1]);
        assertEquals("/nonexistent/ü", out.text[out.stack[1]]);
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
        more.add(RecordTag.FREE, 0x7fff_0000_1000L, 0, 0);
        passThrough.encodeAll(more);
        RecordEncoder reference = new RecordEncoder(16);
        reference.encodeAll(sample());
        reference.encodeAll(more);
        assertArrayEquals(Arrays.copyOf(reference.buffer(), reference.length()),
                Arrays.copyOf(passThrough.buffer(), passThrough.length()));
    }
}
