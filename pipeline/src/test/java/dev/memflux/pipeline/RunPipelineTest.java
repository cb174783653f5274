package dev.memflux.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.capture.EventRing;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import dev.memflux.format.Trailer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class RunPipelineTest {
    /** Keeps, from each batch, its first address and record count (copies: the batch is reused). */
    private static final class Recording implements StreamSink {
        final List<Long> firstAddresses = new ArrayList<>();
        long records;
        Trailer trailer;
        Throwable aborted;

        @Override
        public void accept(EventBatch batch) {
            firstAddresses.add(batch.count > 0 ? firstValue(batch) : -1);
            records += batch.count;
        }

        /** The first record's address (an allocation's, a free's) or, for TIME, its delta. */
        private static long firstValue(EventBatch b) {
            byte tag = b.tag(0);
            if (RecordTag.isAlloc(tag)) {
                return b.allocAddress(0);
            }
            return switch (tag) {
                case RecordTag.FREE -> b.freeAddress(0);
                case RecordTag.TIME -> b.timeDelta(0);
                default -> throw new AssertionError("a first record of tag " + tag);
            };
        }

        @Override
        public void finish(Trailer t) {
            trailer = t;
        }

        @Override
        public void abort(Throwable cause) {
            aborted = cause;
        }
    }

    private final List<String> failures = new ArrayList<>();

    private RunPipeline pipeline(StreamSink... sinks) {
        return new RunPipeline(new Aggregator(), null, (cause, live) -> failures.add(cause.getClass().getSimpleName() + " with "
                + live + " live"), List.of(sinks));
    }

    /** 100 bytes at 0x1000 then 50 at 0x2000, the first freed, then END: peak 150, 50 leaked. */
    private static Flux<EventBatch> program() {
        return Flux.just(
                new Batches().malloc(0x1000, 100, 0).build(),
                new Batches().time(7).malloc(0x2000, 50, 0).build(),
                new Batches().free(0x1000).end().build());
    }

    @Test
    void twoSinksSeeEveryBatchInOrderAndTheSameTrailer() {
        Recording file = new Recording();
        Recording live = new Recording();
        StepVerifier.create(pipeline(file, live).run(program()))
                .assertNext(a -> assertEquals(150, a.peakBytes()))
                .verifyComplete();
        assertEquals(List.of(0x1000L, 7L, 0x1000L), file.firstAddresses); // TIME's address is its delta
        assertEquals(file.firstAddresses, live.firstAddresses);
        assertEquals(5, file.records);
        assertSame(file.trailer, live.trailer);
        Trailer t = file.trailer;
        assertEquals(2, t.allocations());
        assertEquals(1, t.frees());
        assertEquals(150, t.peakBytes());
        assertEquals(7, t.peakMillis());
        assertEquals(50, t.leakedBytes());
        assertEquals(5, t.events());
        assertFalse(t.cutShort());
        assertFalse(t.totalsUnavailable());
        assertNull(file.aborted);
    }

    @Test
    void aSinkHoldingTheAggregatorSeesEachBatchAlreadyCounted() {
        Aggregator aggregator = new Aggregator();
        List<Long> heapAtEachBatch = new ArrayList<>();
        StreamSink feed = new StreamSink() {
            @Override
            public void accept(EventBatch batch) {
                heapAtEachBatch.add(aggregator.heapBytes());
            }

            @Override
            public void finish(Trailer trailer) {
                heapAtEachBatch.add(trailer.peakBytes());
            }
        };
        StepVerifier.create(new RunPipeline(aggregator, null, (cause, live) -> { }, List.of(feed)).run(program()))
                .expectNext(aggregator).verifyComplete();
        assertEquals(List.of(100L, 150L, 50L, 150L), heapAtEachBatch);
    }

    @Test
    void aStreamWithoutEndOrExecHasACutShortTrailer() {
        Recording sink = new Recording();
        StepVerifier.create(pipeline(sink).run(program().take(2))).expectNextCount(1).verifyComplete();
        assertTrue(sink.trailer.cutShort());
        Recording execed = new Recording();
        StepVerifier.create(pipeline(execed).run(Flux.just(new Batches().malloc(0x1000, 8, 0)
                .exec("/bin/true", 0).build()))).expectNextCount(1).verifyComplete();
        assertFalse(execed.trailer.cutShort());
    }

    @Test
    void anErrorReachesTheSubscriberAndAbortsEverySink() {
        Recording file = new Recording();
        Recording live = new Recording();
        IOException broken = new IOException("the agent's stream ended inside a record");
        StepVerifier.create(pipeline(file, live).run(program().take(2).concatWith(Flux.error(broken))))
                .verifyErrorMatches(e -> e == broken);
        assertEquals(2, file.firstAddresses.size());
        assertSame(broken, file.aborted);
        assertSame(broken, live.aborted);
        assertNull(file.trailer);
        assertNull(live.trailer);
    }

    @Test
    void aFailingAnalysisKeepsTheSinksGoingWithTotalsUnavailable() {
        Recording sink = new Recording();
        // Node -1 was never defined: the aggregator's per-node arrays throw on it.
        EventBatch broken = new Batches().malloc(0x2000, 8, -1).build();
        Flux<EventBatch> batches = Flux.just(new Batches().malloc(0x1000, 10, 0).build(), broken,
                new Batches().malloc(0x3000, 10, 0).end().build());
        StepVerifier.create(pipeline(sink).run(batches))
                .assertNext(a -> assertFalse(a.available()))
                .verifyComplete();
        assertEquals(List.of("ArrayIndexOutOfBoundsException with 1 live"), failures);
        assertEquals(List.of(0x1000L, 0x2000L, 0x3000L), sink.firstAddresses);
        assertTrue(sink.trailer.totalsUnavailable());
        assertEquals(4, sink.trailer.events());
        assertFalse(sink.trailer.cutShort());
    }

    @Test
    void aSinkThatFailsEndsTheRunWithItsError() {
        Recording other = new Recording();
        StreamSink failing = new StreamSink() {
            @Override
            public void accept(EventBatch batch) {
                throw new IllegalStateException("sink broke");
            }

            @Override
            public void finish(Trailer trailer) {
            }
        };
        StepVerifier.create(pipeline(failing, other).run(program()))
                .verifyErrorMessage("sink broke");
        assertEquals("sink broke", other.aborted.getMessage());
    }

    @Test
    void fromTheRingEverySinkSeesEveryBatchInOrder() throws Exception {
        EventRing ring = new EventRing(8);
        Recording file = new Recording();
        Recording live = new Recording();
        var result = pipeline(file, live).run(ring).toFuture();
        RingProducer.start(ring, 5, null);
        assertEquals(5 * 8, result.get().peakBytes());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), file.firstAddresses);
        assertEquals(file.firstAddresses, live.firstAddresses);
        assertTrue(file.trailer.cutShort()); // no END record
    }
}
