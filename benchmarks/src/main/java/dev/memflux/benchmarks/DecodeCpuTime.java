package dev.memflux.benchmarks;

import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordDecoder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The decoder's cost per event in this thread's CPU time, not wall time: on a machine shared
 * with other builds JMH's throughput swings by ±50 %, CPU time by a few %. Decodes
 * {@link SyntheticStream}'s byte forms ({@code bytes}), the same events in the agent's forms
 * ({@code agent}), or the records of an uncompressed capture file (a path, written with
 * {@code memflux run --no-compress}); prints the median of 25 rounds after 15 of warm-up.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.memflux.benchmarks.DecodeCpuTime bytes|agent|FILE</pre>
 */
public final class DecodeCpuTime {
    private DecodeCpuTime() {}

    public static void main(String[] args) throws IOException, CorruptCaptureException {
        String what = args.length > 0 ? args[0] : "bytes";
        byte[] records = switch (what) {
            case "bytes" -> new SyntheticStream().wire;
            case "agent" -> new SyntheticStream().agentWire;
            default -> blocks(Files.readAllBytes(Path.of(what)));
        };
        if (records == null) {
            System.err.println("DecodeCpuTime: " + what + " is not an uncompressed capture (memflux run --no-compress)");
            System.exit(2);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        EventBatch batch = new EventBatch();
        double[] nanosPerEvent = new double[25];
        for (int round = -15; round < nanosPerEvent.length; round++) {
            long events = 0;
            long start = threads.getCurrentThreadCpuTime();
            for (int pass = 0; pass < 5; pass++) {
                RecordDecoder decoder = new RecordDecoder().keepRaw();
                for (int at = 0; at < records.length; events += batch.count) {
                    batch.clear();
                    at = decoder.decode(records, at, records.length, batch);
                }
            }
            if (round >= 0) {
                nanosPerEvent[round] = (double) (threads.getCurrentThreadCpuTime() - start) / events;
            }
        }
        Arrays.sort(nanosPerEvent);
        System.out.printf("%s: %.2f ns/event (median of %d rounds; quartiles %.2f-%.2f)%n", what,
                nanosPerEvent[12], nanosPerEvent.length, nanosPerEvent[6], nanosPerEvent[18]);
    }

    /** The records of an uncompressed version-2 capture file, its blocks' bytes end to end (docs/FORMAT.md); else null. */
    private static byte[] blocks(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 16 || (in.getShort(10) & 1) != 0 || in.getShort(8) != 2) {
            return null;
        }
        in.position(16 + in.getInt(12) + 4);
        byte[] out = new byte[file.length];
        int length = 0;
        while (in.remaining() >= 16) {
            in.getInt();
            int raw = in.getInt();
            in.getInt();
            in.getInt();
            in.get(out, length, raw);
            length += raw;
        }
        return Arrays.copyOf(out, length);
    }
}
