package dev.memflux.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.BatchSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.subscriber.TestSubscriber;

/**
 * The capture decoded on a thread of its own: every record in order on the subscriber's
 * thread, never more than {@link ReadAheadSource#BATCHES} batches ahead, failures after the
 * good batches, and a reader that ends when its owner closes the file.
 */
class ReadAheadSourceTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** Batches whose one TIME record counts them: 1, 2, ..., then the end after {@code n}. */
    private static Consumer<EventBatch> numbered(int n, AtomicInteger calls) {
        return batch -> {
            int k = calls.incrementAndGet();
            if (k > n) {
                batch.endOfStream = true;
            } else {
                batch.addTime(k);
            }
        };
    }

    private static Flux<EventBatch> flux(BatchSource source) {
        return dev.memflux.pipeline.BatchFlux.onSubscriberThread(source);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    @Test
    void aFileReadsTheSameAheadAsInPlace() throws Exception {
        Path file = dir.resolve("big.bin");
        Files.write(file, CaptureBytes.smallCapture(dir, 300, true)); // 60,603 records: 15 batches
        List<Long> inPlace = new ArrayList<>();
        long records;
        try (FileSource source = FileSource.open(file)) {
            source.batches().doOnNext(b -> inPlace.add(digest(b))).blockLast(LIMIT);
            records = source.recordsRead();
        }
        List<Long> ahead = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (FileSource source = FileSource.open(file)) {
            source.readAhead().doOnNext(b -> {
                ahead.add(digest(b));
                threads.add(Thread.currentThread());
            }).blockLast(LIMIT);
            assertEquals(records, source.recordsRead());
            assertEquals(300L * 101, source.trailer().allocations());
            assertFalse(source.cutShort());
        }
        assertEquals(15, inPlace.size());
        assertEquals(inPlace, ahead);
        assertTrue(threads.stream().allMatch(t -> t == Thread.currentThread()), threads.toString());
    }

    /** Every record's tag, address and size, in order, as one number. */
    private static long digest(EventBatch b) {
        long h = b.count;
        for (int i = 0; i < b.count; i++) {
            byte tag = b.tag(i);
            h = h * 31 + tag;
            if (tag >= RecordTag.ALLOC && tag < RecordTag.ALLOC + 16) {
                h = h * 31 + b.allocAddress(i);
                h = h * 31 + b.allocSize(i);
            }
        }
        return h;
    }

    @Test
    void withoutDemandTheReaderStopsEightBatchesAhead() {
        AtomicInteger calls = new AtomicInteger();
        ReadAheadSource source = new ReadAheadSource(numbered(20, calls));
        TestSubscriber<Long> subscriber = TestSubscriber.<Long>builder().initialRequest(0).build();
        flux(source).map(b -> b.timeDelta(0)).subscribe(subscriber);
        await("the reader waits for a free batch", () -> calls.get() == ReadAheadSource.BATCHES && source.readerWaits());
        assertEquals(List.of(), subscriber.getReceivedOnNext());
        assertEquals(ReadAheadSource.BATCHES, calls.get());

        subscriber.request(3);
        assertEquals(List.of(1L, 2L, 3L), subscriber.getReceivedOnNext());
        subscriber.request(Long.MAX_VALUE);
        await("the flux completes", subscriber::isTerminated);
        assertTrue(subscriber.isTerminatedComplete());
        List<Long> expected = new ArrayList<>();
        for (long k = 1; k <= 20; k++) {
            expected.add(k);
        }
        assertEquals(expected, subscriber.getReceivedOnNext());
        source.stop();
        assertTrue(source.readerDone());
    }

    /**
     * The pull loop reads a batch's end-of-stream flag after releasing it: a reader that
     * reused the batch at once could end the stream early (the last 7 batches of a 40 M-event
     * capture were lost so, now and then).
     */
    @Test
    void aReleasedBatchKeepsItsRecordsUntilTheNextIsTaken() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ReadAheadSource source = new ReadAheadSource(numbered(20, calls));
        for (long k = 1; k <= 20; k++) {
            EventBatch batch = source.next();
            assertEquals(k, batch.timeDelta(0));
            source.release();
            await("the reader waits with no wake-up to come, or ended", () -> source.readerDone()
                    || (source.readerWaits() && source.freeBatches() < ReadAheadSource.WAKE_AT));
            assertEquals(k, batch.timeDelta(0), "the released batch was reused before the next was taken");
            assertFalse(batch.endOfStream);
        }
        assertTrue(source.next().endOfStream);
        source.stop();
    }

    @Test
    void anErrorOfTheReaderArrivesAfterTheGoodBatches() {
        OutOfMemoryError thrown = new OutOfMemoryError("Java heap space (decoding)");
        AtomicInteger calls = new AtomicInteger();
        ReadAheadSource source = new ReadAheadSource(batch -> {
            if (calls.incrementAndGet() == 3) {
                throw thrown;
            }
            batch.addTime(calls.get());
        });
        StepVerifier.create(flux(source).map(b -> b.timeDelta(0)))
                .expectNext(1L, 2L)
                .expectErrorSatisfies(e -> assertSame(thrown, e))
                .verify(LIMIT);
        source.stop();
        assertTrue(source.readerDone());
    }

    @Test
    void aCorruptBlockFailsWithTheSameMessageAfterTheGoodBatches() throws Exception {
        byte[] bytes = CaptureBytes.smallCapture(dir, 60, false);
        CaptureBytes.Block bad = CaptureBytes.blocks(bytes).get(45); // after two whole batches
        bytes[bad.offset() + 20] ^= 0x5a;
        Path file = dir.resolve("bad.bin");
        Files.write(file, bytes);
        try (FileSource source = FileSource.open(file)) {
            StepVerifier.create(source.readAhead().map(b -> b.count))
                    .expectNext(EventBatch.CAPACITY, EventBatch.CAPACITY)
                    .expectErrorSatisfies(e -> {
                        assertTrue(e instanceof CorruptCaptureException, e.toString());
                        assertEquals("checksum mismatch in the block at byte " + bad.offset(), e.getMessage());
                    })
                    .verify(LIMIT);
        }
    }

    @Test
    void aCancelWakesAConsumerWaitingForTheReader() throws Exception {
        CountDownLatch decodeSecond = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        int slow = ReadAheadSource.WAKE_AT + 1; // the batches before it wake the consumer
        ReadAheadSource source = new ReadAheadSource(batch -> {
            if (calls.incrementAndGet() == slow) {
                try {
                    decodeSecond.await(); // a slow block: the consumer waits for it
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            batch.addTime(calls.get());
        });
        // Unbounded demand from the start: the pull loop then runs on the consumer's thread alone.
        TestSubscriber<Long> subscriber = TestSubscriber.create();
        Flux<Long> deltas = flux(source).map(b -> b.timeDelta(0));
        Thread consumer = new Thread(() -> deltas.subscribe(subscriber), "test-consumer");
        consumer.start();
        await("the first batches arrive", () -> subscriber.getReceivedOnNext().size() == slow - 1);
        await("the consumer waits for the slow one", () -> consumer.getState() == Thread.State.WAITING
                || !consumer.isAlive());
        subscriber.cancel();
        consumer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(consumer.isAlive(), "the cancel did not wake the consumer");
        assertEquals(List.of(1L, 2L, 3L, 4L), subscriber.getReceivedOnNext());
        decodeSecond.countDown();
        source.stop();
        assertTrue(source.readerDone());
    }

    @Test
    void closingTheFileMidReadEndsTheReader() throws Exception {
        Path file = dir.resolve("big.bin");
        Files.write(file, CaptureBytes.smallCapture(dir, 300, true));
        FileSource source = FileSource.open(file);
        StepVerifier.create(source.readAhead().map(b -> b.count), 1)
                .expectNext(EventBatch.CAPACITY)
                .thenCancel()
                .verify(LIMIT);
        source.close();
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("memflux-file-reader") && t.isAlive()));
    }
}
