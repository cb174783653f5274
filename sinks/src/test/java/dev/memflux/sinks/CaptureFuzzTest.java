package dev.memflux.sinks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordEncoder;
import dev.memflux.format.RecordTag;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.StatsReport;
import dev.memflux.report.SummaryReport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * Real small captures, damaged in every way a disk, a copy or an attacker can: cut,
 * bit-flipped, blocks swapped, repeated or dropped, records rewritten behind valid
 * checksums. Every case must end as a report (with a warning when the file was cut or
 * damaged) or as one line naming the byte, within a bound: never a hang, never an
 * exception escaping. Seeded and bounded by a case count, so a failure replays.
 */
class CaptureFuzzTest {
    private static final long SEED = 0x6d656d666c7578L;
    private static final int CASES = 1500;
    /** Far above what a case takes (milliseconds): only a hang reaches it. */
    private static final long CASE_BOUND_SECONDS = 20;

    @TempDir
    Path dir;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-case");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    /** One of everything the record language has, over three seconds (three blocks) and a trailer. */
    private byte[] capture(boolean compress, boolean withEnd) throws Exception {
        Path file = Files.createTempFile(dir, "base", ".bin");
        Files.delete(file);
        CaptureHeader h = CaptureBytes.HEADER.withFlags((compress ? RecordTag.FLAG_COMPRESSED : 0) | RecordTag.FLAG_NATIVE);
        Flux<EventBatch> program = Flux.range(0, 4).map(i -> {
            EventBatch b = new EventBatch();
            if (i == 0) {
                b.addThread(1, 4242);
                b.addFrame("main", "prog.py", 1);
                b.addFrame("work", "prog.py", 10);
                b.addNode(0, 1, 3);
                b.addNode(1, 2, 12);
                b.addNode(2, 2, 14); // recursion
                b.addModule("/usr/lib/libc.so.6", "abcdef", 0x7f00_0000_0000L, 1);
                b.addModuleSegment(0x7f00_0000_0000L, 0x10_0000);
                b.addNativeNode(0, 0x7f00_0000_1234L);
                b.addNativeNode(1, 0x7f00_0000_5678L);
                b.addSymbol(0x7f00_0000_1234L, 1);
                b.addSymbolFrame("malloc_wrapper", "wrap.c", 40, false);
            }
            if (i == 3) {
                if (withEnd) {
                    b.addEnd();
                }
                return b;
            }
            b.addTime(5);
            b.addMemory(50_000_000L + i);
            for (int j = 0; j < 30; j++) {
                long address = 0x5555_0000_0000L + 1024L * j;
                b.addAlloc(AllocatorKind.MALLOC.ordinal(), address, 100 + j, 1 + j % 3, j % 5 == 0 ? 1 + j % 2 : 0);
                b.addFree(address);
            }
            b.addAlloc(AllocatorKind.MMAP.ordinal(), 0x7e00_0000_0000L + (i << 24), 1 << 20, 3, 0);
            b.addMunmap(0x7e00_0000_0000L + (i << 24), 4096);
            b.addAlloc(AllocatorKind.CALLOC.ordinal(), 0x6000_0000_0000L + 64L * i, 3000, 2, 0);
            b.addTime(1000);
            return b;
        });
        RunCapture.write(file, h, compress, program);
        return Files.readAllBytes(file);
    }

    /** What a case ended as. */
    private record Outcome(boolean report, boolean warned, String error) {}

    private Outcome read(Path file) throws Exception {
        try {
            FileAnalysis a = FileAnalysis.of(file);
            String stats = new StatsReport(a, 5).text();
            String json = new StatsReport(a, 5).json();
            String summary = new SummaryReport(a, SummaryReport.SortKey.TOTAL, 20).text();
            assertFalse(stats.isEmpty() || json.isEmpty() || summary.isEmpty());
            assertTrue(a.totals().bytesAllocated() >= 0 && a.totals().peakBytes() >= 0 && a.totals().heapBytes() >= 0,
                    "negative totals");
            return new Outcome(true, a.cutShort(), null);
        } catch (CorruptCaptureException e) {
            return new Outcome(false, false, e.getMessage());
        }
    }

    @Test
    void damagedCapturesEndAsAReportWithAWarningOrAsOneLine() throws Exception {
        List<byte[]> bases = new ArrayList<>();
        for (boolean compress : new boolean[] {true, false}) {
            bases.add(capture(compress, true));
            bases.add(capture(compress, false));
        }
        List<byte[]> v1Raw = rawBlocks(bases.get(0));
        bases.add(CaptureBytes.file(1, true, v1Raw));
        for (byte[] base : bases) {
            Outcome clean = run(base, "the undamaged base");
            assertTrue(clean.report(), "an undamaged capture failed: " + clean.error());
        }

        Random random = new Random(SEED);
        int reports = 0;
        int refusals = 0;
        for (int c = 0; c < CASES; c++) {
            byte[] base = bases.get(random.nextInt(bases.size()));
            int kind = random.nextInt(7);
            String what = "case " + c + " (seed " + SEED + "), mutation " + kind;
            byte[] damaged;
            boolean checksummed = false; // rewritten behind valid checksums: may read as a different valid capture
            switch (kind) {
                case 0 -> damaged = Arrays.copyOf(base, random.nextInt(base.length));
                case 1 -> {
                    damaged = base.clone();
                    int flips = 1 + random.nextInt(4);
                    for (int f = 0; f < flips; f++) {
                        int at = random.nextInt(damaged.length);
                        damaged[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 2 -> damaged = rearranged(base, random, "swap");
                case 3 -> damaged = rearranged(base, random, "repeat");
                case 4 -> damaged = rearranged(base, random, "drop");
                case 5 -> {
                    damaged = rewritten(base, random, false);
                    checksummed = true;
                }
                default -> {
                    damaged = rewritten(base, random, true);
                    checksummed = true;
                }
            }
            Outcome o = run(damaged, what);
            if (o.report()) {
                reports++;
                if (!o.warned() && !checksummed && base[8] == 2) {
                    // Anything the checksums and block numbers guard must not read as a whole, unwarned capture
                    // (version 1 has no block numbers: blocks of like content swapped there read alike).
                    assertArrayEquals(base, damaged, what + ": a damaged file read as a complete capture");
                }
            } else {
                refusals++;
                assertFalse(o.error().isBlank() || o.error().contains("\n"), what + ": " + o.error());
                assertTrue(o.error().contains("byte ") || o.error().equals("not a memflux capture file (bad magic)"),
                        what + ": no offset in: " + o.error());
            }
        }
        assertTrue(reports > CASES / 20 && refusals > CASES / 20, reports + " reports, " + refusals + " refusals");
    }

    private Outcome run(byte[] bytes, String what) throws Exception {
        Path file = dir.resolve("case.bin");
        Files.write(file, bytes);
        Future<Outcome> f = worker.submit(() -> read(file));
        try {
            return f.get(CASE_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError(what + ": still reading after " + CASE_BOUND_SECONDS + " s");
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": " + e.getCause(), e.getCause());
        }
    }

    private static byte[] rearranged(byte[] base, Random random, String how) {
        int n = CaptureBytes.blocks(base).size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        int a = random.nextInt(n);
        int b = random.nextInt(n);
        switch (how) {
            case "swap" -> java.util.Collections.swap(order, a, b == a ? (a + 1) % n : b);
            case "repeat" -> order.add(b, a);
            default -> order.remove(a);
        }
        return CaptureBytes.rearranged(base, order.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The same file with one block's records changed and every checksum made valid again:
     * a crafted record inserted at a record boundary, or a byte of the records overwritten.
     */
    private static byte[] rewritten(byte[] base, Random random, boolean insertRecord) {
        List<byte[]> raw = rawBlocks(base);
        int block = random.nextInt(raw.size());
        byte[] records = raw.get(block);
        byte[] changed;
        if (insertRecord || records.length == 0) {
            RecordEncoder e = new RecordEncoder(64);
            e.uvar(random.nextInt(4) == 0 ? random.nextInt(256) : craftedTag(random));
            int fields = 1 + random.nextInt(5);
            for (int i = 0; i < fields; i++) {
                e.uvar(craftedNumber(random));
            }
            byte[] crafted = Arrays.copyOf(e.buffer(), e.length());
            int at = random.nextBoolean() ? 0 : records.length;
            changed = CaptureBytes.concat(Arrays.copyOf(records, at), crafted,
                    Arrays.copyOfRange(records, at, records.length));
        } else {
            changed = records.clone();
            changed[random.nextInt(changed.length)] = (byte) random.nextInt(256);
        }
        raw.set(block, changed);
        boolean compressed = (base[10] & RecordTag.FLAG_COMPRESSED) != 0;
        byte[] laidOut = CaptureBytes.file(base[8], compressed, raw);
        // Keep the base's header (its flags say native), re-laid blocks after it.
        int header = CaptureBytes.headerLength(base);
        int newHeader = CaptureBytes.headerLength(laidOut);
        return CaptureBytes.concat(Arrays.copyOf(base, header), Arrays.copyOfRange(laidOut, newHeader, laidOut.length));
    }

    private static int craftedTag(Random random) {
        int[] tags = {RecordTag.THREAD, RecordTag.NODE, RecordTag.TIME, RecordTag.MEMORY, RecordTag.FREE,
            RecordTag.MUNMAP, RecordTag.NATIVE_NODE, RecordTag.ALLOC, RecordTag.ALLOC + 8, RecordTag.ALLOC_NATIVE,
            RecordTag.TRAILER, RecordTag.END, RecordTag.SYMBOL, RecordTag.MODULE, RecordTag.FRAME};
        return tags[random.nextInt(tags.length)];
    }

    /** Small ids, edge values and huge ones, where validation has to draw its lines. */
    private static long craftedNumber(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt(4);
            case 1 -> random.nextInt(1 << 20);
            case 2 -> -1L;
            case 3 -> 1L << (random.nextInt(63));
            case 4 -> Integer.MAX_VALUE + (long) random.nextInt(3) - 1;
            default -> random.nextLong();
        };
    }

    /** The raw records of each block of a well-formed file. */
    static List<byte[]> rawBlocks(byte[] file) {
        boolean compressed = (file[10] & RecordTag.FLAG_COMPRESSED) != 0;
        int frame = file[8] == 1 ? 12 : 16;
        List<byte[]> raw = new ArrayList<>();
        for (CaptureBytes.Block b : CaptureBytes.blocks(file)) {
            ByteBuffer f = ByteBuffer.wrap(file, b.offset() + frame - 12, 12).order(ByteOrder.LITTLE_ENDIAN);
            int rawLength = f.getInt();
            int storedLength = f.getInt();
            byte[] out = new byte[rawLength];
            if (compressed) {
                LZ4Factory.fastestInstance().safeDecompressor()
                        .decompress(file, b.offset() + frame, storedLength, out, 0, rawLength);
            } else {
                System.arraycopy(file, b.offset() + frame, out, 0, rawLength);
            }
            raw.add(out);
        }
        return raw;
    }
}
