package dev.memflux.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;

/**
 * The file read through the run's publisher: demand-exact, on the subscriber's thread, its
 * end and its errors signalled without demand, after every good batch.
 */
class FileSourceTest {
    /**
     * {@link CaptureBytes#smallCapture} of 60 blocks, uncompressed: FRAME and NODE, 60 times
     * (100 ALLOC+FREE pairs, one ALLOC, one TIME), END: 12,123 records in batches of 4096,
     * 4096 and 3931; and the TRAILER, which the reader keeps and no batch holds.
     */
    private static final int BLOCKS = 60;
    private static final long RECORDS = 2 + BLOCKS * 202L + 1;
    private static final int LAST = (int) (RECORDS - 2 * EventBatch.CAPACITY);

    /** A bound on a wrong reader that never signals; a right one signals on the calling thread. */
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Path capture() throws Exception {
        Path file = dir.resolve("sixty.bin");
        Files.write(file, CaptureBytes.smallCapture(dir, BLOCKS, false));
        return file;
    }

    @Test
    void everyRecordArrivesInFullBatchesOnTheSubscribersThread() throws Exception {
        try (FileSource source = FileSource.open(capture())) {
            List<Thread> threads = new ArrayList<>();
            StepVerifier.create(source.batches().doOnNext(b -> threads.add(Thread.currentThread())).map(b -> b.count))
                    .expectNext(EventBatch.CAPACITY, EventBatch.CAPACITY, LAST)
                    .expectComplete().verify(LIMIT);
            assertEquals(List.of(Thread.currentThread(), Thread.currentThread(), Thread.currentThread()), threads);
            assertEquals(RECORDS + 1, source.recordsRead());
            assertEquals(BLOCKS + 2, source.blocksRead()); // then END's block and the trailer's
            assertFalse(source.cutShort());
            assertEquals(BLOCKS * 101L, source.trailer().allocations());
        }
    }

    @Test
    void requestOneGivesOneBatchAndDecodesAtMostOneAhead() throws Exception {
        try (FileSource source = FileSource.open(capture())) {
            TestSubscriber<Integer> subscriber = TestSubscriber.<Integer>builder().initialRequest(0).build();
            source.batches().map(b -> b.count).subscribe(subscriber);
            assertEquals(List.of(), subscriber.getReceivedOnNext());
            assertEquals(EventBatch.CAPACITY, source.recordsRead()); // the first batch waits for demand

            subscriber.request(1);
            assertEquals(List.of(EventBatch.CAPACITY), subscriber.getReceivedOnNext());
            assertEquals(2L * EventBatch.CAPACITY, source.recordsRead());
            assertFalse(subscriber.isTerminated());

            subscriber.request(5);
            assertTrue(subscriber.isTerminatedComplete());
            assertEquals(3, subscriber.getReceivedOnNext().size());
        }
    }

    @Test
    void aCancelMidFileLeavesTheFileOpenForItsOwner() throws Exception {
        try (FileSource source = FileSource.open(capture())) {
            StepVerifier.create(source.batches().map(b -> b.count), 1)
                    .expectNext(EventBatch.CAPACITY)
                    .thenCancel()
                    .verify(LIMIT);
            // The batch decoded ahead was never delivered, so it stays next: nothing is skipped.
            StepVerifier.create(source.batches().map(b -> b.count))
                    .expectNext(EventBatch.CAPACITY, LAST)
                    .expectComplete().verify(LIMIT);
            assertEquals(RECORDS + 1, source.recordsRead());
            assertEquals(BLOCKS * 101L, source.trailer().allocations());
        }
    }

    @Test
    void aCorruptBlockFailsTheFluxAfterTheGoodBatches() throws Exception {
        byte[] bytes = CaptureBytes.smallCapture(dir, BLOCKS, false);
        // Block 45 starts after 2 + 45 * 202 = 9092 records: two whole batches before it.
        CaptureBytes.Block bad = CaptureBytes.blocks(bytes).get(45);
        bytes[bad.offset() + 20] ^= 0x5a;
        Path file = dir.resolve("bad.bin");
        Files.write(file, bytes);
        try (FileSource source = FileSource.open(file)) {
            StepVerifier.create(source.batches().map(b -> b.count), 0)
                    .thenRequest(1)
                    .expectNext(EventBatch.CAPACITY)
                    .thenRequest(1)
                    .expectNext(EventBatch.CAPACITY)
                    .expectErrorSatisfies(e -> {
                        assertTrue(e instanceof CorruptCaptureException, e.toString());
                        assertEquals("checksum mismatch in the block at byte " + bad.offset(), e.getMessage());
                    })
                    .verify(LIMIT);
        }
    }

    @Test
    void aFileWithoutBlocksCompletesWithoutDemand() throws Exception {
        byte[] bytes = CaptureBytes.smallCapture(dir, 1, false);
        Path file = dir.resolve("header-only.bin");
        Files.write(file, java.util.Arrays.copyOf(bytes, CaptureBytes.headerLength(bytes)));
        try (FileSource source = FileSource.open(file)) {
            StepVerifier.create(source.batches(), 0).expectComplete().verify(LIMIT);
            assertTrue(source.cutShort());
            assertEquals(0, source.recordsRead());
        }
    }

    @Test
    void aSecondSubscriberIsRefused() throws Exception {
        try (FileSource source = FileSource.open(capture())) {
            var batches = source.batches();
            StepVerifier.create(batches.map(b -> b.count), 1).expectNext(EventBatch.CAPACITY).thenCancel().verify(LIMIT);
            StepVerifier.create(batches).expectError(IllegalStateException.class).verify(LIMIT);
        }
    }
}
