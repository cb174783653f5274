package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.ProgramEnd;
import dev.memflux.format.RecordDecoder;
import dev.memflux.format.RecordEncoder;
import dev.memflux.pipeline.symbolize.NativeFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An aggregator's state written as records, read back and restored: every figure as before. */
class AggregatedRecordsTest {
    private static final long IP = 0x7f00_0000_1234L;

    /** Mapping pieces, a free of what tracking never saw, native stacks, an exec: the figures a restore must keep. */
    private static Aggregator original() {
        Batches b = new Batches().frame("f", "p.py").frame("g", "p.py").node(0, 1, 10).node(1, 2, 20)
                .time(7).malloc(0x1000, 100, 1).mmap(0x10_0000, 3 * 4096, 2)
                .time(3).munmap(0x10_1000, 4096) // the mapping's middle page: two pieces live on
                .free(0x9999) // allocated before tracking
                .malloc(0x2000, 0, 0).free(0x1000).malloc(0x3000, 5000, 1);
        EventBatch batch = b.build();
        batch.addNativeNode(0, IP);
        batch.addAlloc(AllocatorKind.CALLOC.ordinal(), 0x4000, 64, 2, 1);
        batch.addMemory(1 << 20);
        batch.addExec(0, "/bin/true");
        Aggregator a = new Aggregator();
        a.accept(batch);
        return a;
    }

    @Test
    void aRestoredAggregatorAnswersAsTheOneThatSawTheEvents() throws Exception {
        Aggregator a = original();
        Aggregator restored = new Aggregator();
        AggregatedRecords.Reader reader = new AggregatedRecords.Reader();
        RecordEncoder encoder = new RecordEncoder(256);
        RecordDecoder decoder = new RecordDecoder();
        EventBatch decoded = new EventBatch();
        List<NativeFrame> frames = List.of(new NativeFrame("calloc", "malloc.c", 3, false));
        AggregatedRecords.write(a.stacks(), ip -> ip == IP ? frames : null, a.snapshot(),
                new ProgramEnd(ProgramEnd.Kind.KILLED, 9), batch -> {
                    encoder.reset();
                    encoder.encodeAll(batch);
                    decoded.clear();
                    try {
                        assertEquals(encoder.length(), decoder.decode(encoder.buffer(), 0, encoder.length(), decoded));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    restored.accept(decoded);
                    reader.accept(decoded);
                });
        assertNull(reader.problem());
        restored.restore(reader.state());

        assertEquals(new ProgramEnd(ProgramEnd.Kind.KILLED, 9), reader.end());
        assertEquals(frames, restored.stacks().symbol(IP));
        for (Aggregator x : List.of(a, restored)) {
            assertEquals(2, x.stacks().nodeCount() - 1);
            assertEquals(1, x.unmatchedFrees());
            assertEquals("/bin/true", x.execedPath());
            assertFalse(x.ended());
        }
        assertEquals(a.records(), restored.records());
        assertEquals(a.allocations(), restored.allocations());
        assertEquals(a.frees(), restored.frees());
        assertEquals(a.bytesAllocated(), restored.bytesAllocated());
        assertEquals(a.heapBytes(), restored.heapBytes());
        assertEquals(5, restored.liveAllocations()); // 5000 B, the empty one, two pieces, the calloc
        assertEquals(a.liveAllocations(), restored.liveAllocations());
        assertEquals(a.peakBytes(), restored.peakBytes());
        assertEquals(a.peakMillis(), restored.peakMillis());
        assertEquals(a.clockMillis(), restored.clockMillis());
        assertEquals(a.peakRssBytes(), restored.peakRssBytes());
        assertArrayEquals(a.sizeHistogram(), restored.sizeHistogram());
        for (AllocatorKind kind : AllocatorKind.values()) {
            assertEquals(a.allocationsBy(kind), restored.allocationsBy(kind), kind.name());
            assertEquals(a.bytesBy(kind), restored.bytesBy(kind), kind.name());
        }
        assertArrayEquals(a.liveBytesByNode(), restored.liveBytesByNode());
        assertArrayEquals(a.liveCountByNode(), restored.liveCountByNode());
        assertArrayEquals(a.peakBytesByNode(), restored.peakBytesByNode());
        assertArrayEquals(a.peakCountByNode(), restored.peakCountByNode());
        assertEquals(3, restored.liveCountByNode()[2]); // the mapping's two pieces and the calloc
        for (int node = 0; node < 3; node++) {
            assertEquals(a.nodeAllocations(node), restored.nodeAllocations(node));
            assertEquals(a.nodeBytes(node), restored.nodeBytes(node));
            assertEquals(a.nodeFrees(node), restored.nodeFrees(node));
            assertEquals(a.nodeNative(node), restored.nodeNative(node));
        }
        assertEquals(1, restored.nativeAllocations(1));
        assertEquals(64, restored.nativeBytes(1));
    }

    @Test
    void aFileWithoutItsTotalsIsNamedAsSuch() {
        AggregatedRecords.Reader reader = new AggregatedRecords.Reader();
        reader.accept(new Batches().frame("f", "p.py").node(0, 1, 1).build());
        assertEquals("an aggregated capture without its RUN_TOTALS record", reader.problem());
    }
}
