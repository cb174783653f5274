package dev.memflux.benchmarks;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stream shaped like an allocation-heavy Python program's: a working set of a few
 * thousand live blocks, each event an allocation (sizes 16 B – 64 KiB, skewed small) or
 * the free of a random live block, from 64 call sites; about half the events are frees.
 * Fixed seed, so every run measures the same bytes.
 */
final class SyntheticStream {
    static final int EVENTS = 1 << 20;

    /** The events in RecordEncoder's byte forms. */
    final byte[] wire;
    /** The same events in the forms the agent writes. */
    final byte[] agentWire;
    final List<EventBatch> batches = new ArrayList<>();

    SyntheticStream() {
        SplittableRandom random = new SplittableRandom(7);
        EventBatch all = new EventBatch();
        RecordEncoder encoder = new RecordEncoder(EVENTS * 8);
        List<EventBatch> out = batches;
        EventBatch batch = new EventBatch();
        // 64 frames and nodes first, as the agent would announce them.
        for (int f = 1; f <= 64; f++) {
            batch.addFrame("function_" + f, "/srv/app/module_" + (f % 8) + ".py", f * 10);
            batch.addNode(f > 1 ? f - 1 : 0, f, f * 10 + 3);
        }
        long[] live = new long[4096];
        int liveCount = 0;
        long nextAddress = 0x5555_5555_0000L;
        int events = 0;
        while (events < EVENTS) {
            if (batch.count > EventBatch.CAPACITY - 2) {
                out.add(batch);
                batch = new EventBatch();
            }
            boolean free = liveCount == live.length || (liveCount > 0 && random.nextInt(2) == 0);
            if (free) {
                int victim = random.nextInt(liveCount);
                batch.addFree(live[victim]);
                live[victim] = live[--liveCount];
            } else {
                long size = 16L << random.nextInt(13);
                size += random.nextInt((int) Math.min(size, 1024));
                long address = nextAddress;
                nextAddress += (size + 31) & ~15L;
                if (nextAddress > 0x5555_6555_0000L) {
                    nextAddress = 0x5555_5555_0000L;
                }
                batch.addAlloc(AllocatorKind.MALLOC.ordinal(), address, size, 1 + random.nextInt(64), 0);
                live[liveCount++] = address;
            }
            events++;
        }
        out.add(batch);
        for (EventBatch b : out) {
            for (int i = 0; i < b.count; i++) {
                encoder.encode(b, i);
            }
        }
        wire = Arrays.copyOf(encoder.buffer(), encoder.length());
        agentWire = AgentForms.encode(out);
        all.clear();
    }

    int records() {
        return batches.stream().mapToInt(b -> b.count).sum();
    }
}
