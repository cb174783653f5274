package dev.memflux.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TrailerFlagsTest {
    private static Trailer roundTrip(Trailer trailer) throws Exception {
        RecordEncoder e = new RecordEncoder(16);
        e.encodeTrailer(trailer);
        byte[] bytes = Arrays.copyOf(e.buffer(), e.length());
        assertEquals(trailer.totalsUnavailable() ? 2 : 0, bytes[1 + 6] & 2, "flags bit 1, after the 6-byte endMillis");
        RecordDecoder d = new RecordDecoder();
        d.decode(bytes, 0, bytes.length, new EventBatch());
        return d.trailer();
    }

    @Test
    void totalsUnavailableIsBitOneOfTheFlagsAndSurvivesARoundTrip() throws Exception {
        Trailer unavailable = Trailer.unavailable(1_700_000_001_000L, true, 123_456);
        Trailer back = roundTrip(unavailable);
        assertEquals(unavailable, back);
        assertTrue(back.totalsUnavailable() && back.cutShort());
        assertEquals(0, back.allocations());
        assertEquals(123_456, back.events());
        Trailer normal = new Trailer(1_700_000_001_000L, false, 5, 4, 500, 300, 17, 100, 1, 42);
        assertEquals(normal, roundTrip(normal));
    }
}
