package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LiveAllocationsTest {
    @Test
    void agreesWithAHashMapOverAMillionRandomOperations() {
        LiveAllocations live = new LiveAllocations(16);
        Map<Long, Long> reference = new HashMap<>();
        Random random = new Random(42);
        long[] addresses = new long[5000];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = 0x5555_0000_0000L + 16L * random.nextInt(1 << 20);
        }
        for (int op = 0; op < 1_000_000; op++) {
            long address = addresses[random.nextInt(addresses.length)];
            if (random.nextBoolean()) {
                long size = 1 + random.nextInt(1000);
                Long old = reference.put(address, size);
                assertEquals(old == null ? -1 : old, live.put(address, size, 1));
            } else {
                Long old = reference.remove(address);
                assertEquals(old == null ? -1 : old, live.remove(address));
            }
            assertEquals(reference.size(), live.size());
        }
        long[] sum = {0};
        live.forEach((address, size, node) -> sum[0] += size);
        assertEquals(reference.values().stream().mapToLong(Long::longValue).sum(), sum[0]);
    }

    @Test
    void sizesOfFourGibibytesAndMoreKeepTheirValue() {
        LiveAllocations live = new LiveAllocations(16);
        long huge = 5L << 30;
        assertEquals(-1, live.put(0x1000, huge, 9));
        assertEquals(-1, live.put(0x2000, 0xFFFF_FFFFL, 3));
        assertEquals(huge, live.put(0x1000, 12, 4));
        assertEquals(12, live.remove(0x1000));
        assertEquals(4, live.removedNode());
        assertEquals(0xFFFF_FFFFL, live.remove(0x2000));
        assertEquals(3, live.removedNode());
        assertEquals(-1, live.remove(0x2000));
        assertEquals(0, live.size());
        // A size past 2^63 (a corrupt record) keeps its node intact.
        live.put(0x3000, -8, 77);
        assertEquals(-8, live.remove(0x3000));
        assertEquals(77, live.removedNode());
    }
}
