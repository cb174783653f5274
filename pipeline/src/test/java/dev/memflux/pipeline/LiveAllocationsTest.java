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

    @Test
    void growsToTwoMillionEntriesAndGivesTheMemoryBackWhenCleared() {
        LiveAllocations live = new LiveAllocations(16);
        int n = 2_000_000;
        for (int i = 0; i < n; i++) {
            assertEquals(-1, live.put(0x7f00_0000_0000L + 16L * i, i % 1000 + 1, i % 7));
        }
        assertEquals(n, live.size());
        // Load between 1/2 and 3/4: 16 bytes a slot.
        long perEntry = live.tableBytes() / n;
        assertEquals(true, perEntry >= 21 && perEntry <= 32, "bytes per entry: " + perEntry);
        for (int i = 0; i < n; i += 2) {
            assertEquals(i % 1000 + 1, live.remove(0x7f00_0000_0000L + 16L * i));
            assertEquals(i % 7, live.removedNode());
        }
        long[] seen = {0, 0};
        live.forEach((address, size, node) -> {
            int i = (int) ((address - 0x7f00_0000_0000L) / 16);
            assertEquals(1, i % 2);
            assertEquals(i % 1000 + 1, size);
            assertEquals(i % 7, node);
            seen[0]++;
            seen[1] += size;
        });
        assertEquals(n / 2, seen[0]);
        live.clear();
        assertEquals(0, live.size());
        assertEquals(64L * 16 * 16, live.tableBytes());
        assertEquals(-1, live.remove(0x7f00_0000_0010L));
        assertEquals(-1, live.put(0x7f00_0000_0010L, 5, 2));
        assertEquals(5, live.remove(0x7f00_0000_0010L));
    }
}
