package dev.memflux.benchmarks;

import dev.memflux.pipeline.LiveAllocations;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap bytes per live allocation in the aggregator's live table: fills a
 * {@link LiveAllocations} with N malloc-like entries and reads the heap in use after a
 * full GC, before and after. Not a JMH benchmark (it measures space, not time):
 *
 * <pre>java -XX:+UseSerialGC -Xmx4g -cp benchmarks/target/benchmarks.jar dev.memflux.benchmarks.LiveTableMemory 1000000 3000000 5000000</pre>
 */
public final class LiveTableMemory {
    private LiveTableMemory() {}

    public static void main(String[] args) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (String arg : args.length == 0 ? new String[] {"5000000"} : args) {
            int n = Integer.parseInt(arg);
            long before = usedAfterGc(memory);
            LiveAllocations live = new LiveAllocations(1 << 16);
            long address = 0x5555_0000_0000L;
            long seed = 42;
            for (int i = 0; i < n; i++) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                address += 16 * (1 + ((seed >>> 40) & 63)); // glibc-like: 16-aligned, small gaps
                live.put(address, 521, (int) ((seed >>> 20) & 4095));
            }
            long after = usedAfterGc(memory);
            System.out.printf("%,d live: %,d heap bytes, %.1f bytes per live allocation (table arrays %.1f)%n", n,
                    after - before, (after - before) / (double) n, live.tableBytes() / (double) n);
            if (live.size() != n) {
                throw new AssertionError("lost entries: " + live.size());
            }
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
