package dev.memflux.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

class CaptureFileTest {
    private static final CaptureHeader HEADER =
            new CaptureHeader(123, 1, 1_700_000_000_000L, RecordTag.FLAG_COMPRESSED, "3.11.7", "prog.py", "test");

    @TempDir
    Path dir;

    /** 200 batches of 2048 malloc(1000)+free pairs at node 1, and one 5000-byte leak. */
    private static Flux<EventBatch> program(boolean withEnd) {
        return Flux.range(0, 201).map(i -> {
            EventBatch b = new EventBatch();
            if (i == 0) {
                b.addFrame("work", "prog.py", 1);
                b.addNode(0, 1, 7);
                b.addAlloc(AllocatorKind.MALLOC.ordinal(), 0x10, 5000, 1, 0);
                return b;
            }
            if (i == 200) {
                if (withEnd) {
                    b.addEnd();
                }
                return b;
            }
            for (int j = 0; j < 2048; j++) {
                long address = 0x5555_0000_0000L + 1024L * j;
                b.addAlloc(AllocatorKind.MALLOC.ordinal(), address, 1000, 1, 0);
                b.addFree(address);
            }
            return b;
        });
    }

    private Path write(String name, boolean compress, boolean withEnd) throws Exception {
        Path file = dir.resolve(name);
        CaptureHeader header = compress ? HEADER : HEADER.withFlags(0);
        Aggregator totals = RunCapture.write(file, header, compress, program(withEnd));
        assertNotNull(totals);
        return file;
    }

    @Test
    void whatIsWrittenReadsBackWithTheSameNumbers() throws Exception {
        for (boolean compress : new boolean[] {true, false}) {
            Path file = write("c" + compress + ".bin", compress, true);
            FileAnalysis a = FileAnalysis.of(file);
            assertEquals(199L * 2048 + 1, a.totals().allocations());
            assertEquals(199L * 2048, a.totals().frees());
            assertEquals(6000, a.totals().peakBytes());
            assertEquals(5000, a.totals().heapBytes());
            assertFalse(a.cutShort());
            assertNotNull(a.trailer());
            assertEquals(a.totals().allocations(), a.trailer().allocations());
            assertEquals(a.totals().peakBytes(), a.trailer().peakBytes());
            assertEquals(HEADER.pid(), a.header().pid());
            assertEquals(6000, a.totals().peakBytesByNode()[1]);
        }
    }

    @Test
    void aStreamWithoutEndIsMarkedCutShortInTheTrailer() throws Exception {
        FileAnalysis a = FileAnalysis.of(write("noend.bin", true, false));
        assertTrue(a.cutShort());
        assertTrue(a.trailer().cutShort());
    }

    @Test
    void aFileCutInTheMiddleReadsUpToItsLastWholeBlock() throws Exception {
        Path file = write("full.bin", true, true);
        long size = Files.size(file);
        Path cut = dir.resolve("cut.bin");
        Files.copy(file, cut);
        try (RandomAccessFile raf = new RandomAccessFile(cut.toFile(), "rw")) {
            raf.setLength(size / 2);
        }
        FileAnalysis a = FileAnalysis.of(cut);
        assertTrue(a.cutShort());
        assertTrue(a.cutShortReason().startsWith("the file ends inside"), a.cutShortReason());
        long allocations = a.totals().allocations();
        assertTrue(allocations > 0 && allocations < 199L * 2048, "read " + allocations);
        // Whole blocks only: every allocation read is a complete malloc/free pair or the leak.
        assertEquals(allocations - 1, a.totals().frees());
    }

    @Test
    void aFlippedByteIsReportedAsCorruptWithItsOffset() throws Exception {
        Path file = write("flip.bin", false, true);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(Files.size(file) / 2);
            int b = raf.read();
            raf.seek(Files.size(file) / 2);
            raf.write(b ^ 0x55);
        }
        var e = assertThrows(CorruptCaptureException.class, () -> FileAnalysis.of(file));
        assertTrue(e.getMessage().contains("at byte"), e.getMessage());
    }

    @Test
    void aFileThatCannotBeWrittenStopsTheFileNotTheCapture() throws Exception {
        Files.writeString(dir.resolve("plain"), "a file, not a directory");
        Path file = dir.resolve("plain").resolve("out.bin");
        CaptureFileSink sink = new CaptureFileSink(file, HEADER, true);
        Aggregator totals = RunCapture.write(sink, program(true));
        assertEquals(199L * 2048 + 1, totals.allocations(), "the capture went on to the end");
        assertEquals("cannot write " + file + " (Not a directory): the capture is cut short at 0.0 MiB",
                sink.failure());
    }

        @Test
    void aForeignFileIsNotACapture() throws Exception {
        Path file = dir.resolve("foreign.bin");
        Files.writeString(file, "#!/usr/bin/env python3\nprint('hello')\n");
        var e = assertThrows(CorruptCaptureException.class, () -> FileAnalysis.of(file));
        assertEquals("not a memflux capture file (bad magic)", e.getMessage());
        Files.write(file, new byte[0]);
        assertThrows(CorruptCaptureException.class, () -> FileAnalysis.of(file));
    }
}
