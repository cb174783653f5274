package dev.memflux.benchmarks;

import dev.memflux.pipeline.LiveAllocations;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Bytes per live allocation in the aggregator's live table: fills a
 * {@link LiveAllocations} with N malloc-like entries and reads the process's resident set
 * (the table is off the heap) and the heap in use after a full GC, before and after. Not a
 * JMH benchmark (it measures space, not time):
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
            long rssBefore = residentBytes();
            LiveAllocations live = new LiveAllocations(1 << 16);
            long address = 0x5555_0000_0000L;
            long seed = 42;
            for (int i = 0; i < n; i++) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                address += 16 * (1 + ((seed >>> 40) & 63)); // glibc-like: 16-aligned, small gaps
                live.put(address, 521, (int) ((seed >>> 20) & 4095));
            }
            long after = usedAfterGc(memory);
            long rss = residentBytes() - rssBefore;
            System.out.printf("%,d live: %,d more resident bytes, %.1f per live allocation (table slots %.1f, "
                    + "heap %.1f)%n", n, rss, rss / (double) n, live.tableBytes() / (double) n,
                    (after - before) / (double) n);
            if (live.size() != n) {
                throw new AssertionError("lost entries: " + live.size());
            }
        }
    }

    private static long residentBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
