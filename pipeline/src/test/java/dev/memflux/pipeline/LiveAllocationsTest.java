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
                assertEquals(old == null ? -1 : old, live.put(address, size, 1, (byte) 0));
            } else {
                Long old = reference.remove(address);
                int slot = live.find(address);
                assertEquals(old == null, slot < 0);
                if (slot >= 0) {
                    assertEquals((long) old, live.sizeAt(slot));
                    live.removeAt(slot);
                }
            }
            assertEquals(reference.size(), live.size());
        }
        long[] sum = {0};
        live.forEach((address, size, node, kind) -> sum[0] += size);
        assertEquals(reference.values().stream().mapToLong(Long::longValue).sum(), sum[0]);
    }
}
