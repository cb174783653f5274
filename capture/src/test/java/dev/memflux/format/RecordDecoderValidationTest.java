package dev.memflux.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The decoder refuses what no agent writes: ids used before they are defined, impossible sizes and times. */
class RecordDecoderValidationTest {
    private static byte[] stream(long... values) {
        RecordEncoder e = new RecordEncoder(16);
        e.uvar(RecordTag.FRAME);
        e.string("f");
        e.string("p.py");
        e.uvar(1);
        for (long v : values) {
            e.uvar(v);
        }
        return Arrays.copyOf(e.buffer(), e.length());
    }

    private static String refused(long... values) {
        byte[] bytes = stream(values);
        RecordDecoder d = new RecordDecoder();
        CorruptCaptureException e = assertThrows(CorruptCaptureException.class,
                () -> d.decode(bytes, 0, bytes.length, new EventBatch()));
        return e.getMessage();
    }

    @Test
    void idsMustBeDefinedBeforeTheirFirstUse() {
        assertEquals("stack node 1 names parent 1, which is not defined before it (record 2)",
                refused(RecordTag.NODE, 1, 1, 5));
        assertEquals("stack node 1 names frame 2, which is not defined (record 2)", refused(RecordTag.NODE, 0, 2, 5));
        assertEquals("stack node 1 names frame 0, which is not defined (record 2)", refused(RecordTag.NODE, 0, 0, 5));
        assertEquals("an allocation names stack node 2, which is not defined yet (record 3)",
                refused(RecordTag.NODE, 0, 1, 5, RecordTag.ALLOC, 2, 8, 2));
        assertEquals("native node 1 names parent 1, which is not defined before it (record 2)",
                refused(RecordTag.NATIVE_NODE, 1, 0x1234));
        assertEquals("an allocation names native node 1, which is not defined yet (record 2)",
                refused(RecordTag.ALLOC_NATIVE, 2, 8, 0, 1));
        assertEquals("thread 1099511627776 (tid 7) is out of range (record 2)", refused(RecordTag.THREAD, 1L << 40, 7));
    }

    @Test
    void sizesAndTimesStayWhereTotalsCannotOverflow() {
        assertEquals("an allocation of 281474976710657 bytes (record 2)",
                refused(RecordTag.ALLOC, 2, RecordDecoder.MAX_BYTES + 1, 0));
        assertEquals("the clock jumps by 1099511627776 ms (record 3)",
                refused(RecordTag.TIME, RecordDecoder.MAX_MILLIS, RecordTag.TIME, RecordDecoder.MAX_MILLIS));
        assertEquals("a resident set of 18446744073709551615 bytes (record 2)", refused(RecordTag.MEMORY, -1L));
        assertEquals("line 2147483648 is out of range (record 2)", refused(RecordTag.NODE, 0, 1, 1L << 31));
    }

    private static String refusedBytes(int... bytes) {
        byte[] data = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            data[i] = (byte) bytes[i];
        }
        RecordDecoder d = new RecordDecoder();
        return assertThrows(CorruptCaptureException.class, () -> d.decode(data, 0, data.length, new EventBatch()))
                .getMessage();
    }

    @Test
    void aFreeOfARecentBlockNamesOneThatIsLive() {
        // ALLOC16 malloc at 0x100 (delta 0x10 units), size 8, node 0: slot (0x100 >> 4) = 0x10.
        assertEquals("a free of recent-allocation slot 17, which holds no allocation (record 2)",
                refusedBytes(RecordTag.ALLOC16, 0x20, 8, 0, RecordTag.FREE_RECENT, 17));
        // Freed once, the slot is empty: a second free of it is not a free of anything live.
        assertEquals("a free of recent-allocation slot 16, which holds no allocation (record 3)",
                refusedBytes(RecordTag.ALLOC16, 0x20, 8, 0, RecordTag.FREE_RECENT, 16, RecordTag.FREE_RECENT, 16));
        // Nothing freed yet: the reuse table names no address.
        assertEquals("an allocation at reuse slot 261, which holds no address (record 1)",
                refusedBytes(RecordTag.ALLOC_REUSE + 1, 5, 8));
        assertEquals("unknown record tag 0x4c (record 1)", refusedBytes(RecordTag.ALLOC16 + AllocatorKind.COUNT, 0, 8, 0));
        assertEquals("unknown record tag 0xcc (record 1)", refusedBytes(RecordTag.ALLOC_NEXT + AllocatorKind.COUNT, 8, 0));
        assertEquals("unknown record tag 0x7c (record 1)", refusedBytes(RecordTag.ALLOC16_SAME_NODE + AllocatorKind.COUNT, 0, 8));
        assertEquals("an allocation names stack node 1, which is not defined yet (record 1)",
                refusedBytes(RecordTag.ALLOC_NEXT, 8, 1));
    }

    @Test
    void nothingFollowsTheTrailer() {
        long[] trailer = {RecordTag.TRAILER, 1_700_000_000_000L, 0, 1, 1, 8, 8, 0, 0, 0, 3};
        long[] twice = Arrays.copyOf(trailer, 2 * trailer.length);
        System.arraycopy(trailer, 0, twice, trailer.length, trailer.length);
        assertEquals("a record follows the trailer (record 3)", refused(twice));
    }

    @Test
    void aValidStreamStillDecodes() throws Exception {
        byte[] bytes = stream(RecordTag.NODE, 0, 1, 5, RecordTag.NODE, 1, 1, 6, RecordTag.ALLOC, 2, 8, 2,
                RecordTag.NATIVE_NODE, 0, 0x1234, RecordTag.ALLOC_NATIVE, 2, 8, 2, 1, RecordTag.THREAD, 2, 99, RecordTag.THREAD, 0, 0);
        EventBatch out = new EventBatch();
        assertEquals(bytes.length, new RecordDecoder().decode(bytes, 0, bytes.length, out));
        assertEquals(8, out.count);
    }
}
