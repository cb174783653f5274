package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.CaptureFileFormat;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.RecordEncoder;
import dev.memflux.format.RecordTag;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted and damaged captures through the real CLI: every report command ends at once
 * with exit 1 and one line naming the file and the byte, never a hang, an out-of-memory
 * or a stack trace.
 */
class DamagedCaptureTest {
    private static final CaptureHeader HEADER =
            new CaptureHeader(4242, 1, 1_700_000_000_000L, 0, "3.11.7", "crafted.py", "test");

    @TempDir
    Path dir;

    /** A version-2 file of one uncompressed block holding {@code records}. */
    private Path file(String name, RecordEncoder records) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(CaptureFileFormat.encodeHeader(HEADER));
        byte[] raw = Arrays.copyOf(records.buffer(), records.length());
        ByteBuffer frame = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(0).putInt(raw.length).putInt(raw.length)
                .putInt(CaptureFileFormat.blockChecksum(new CRC32C(), 2, 0, raw, raw.length));
        out.writeBytes(frame.array());
        out.writeBytes(raw);
        Path file = dir.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    private static RecordEncoder frameThen(long... values) {
        RecordEncoder e = new RecordEncoder(64);
        e.uvar(RecordTag.FRAME);
        e.string("f");
        e.string("crafted.py");
        e.uvar(1);
        for (long v : values) {
            e.uvar(v);
        }
        return e;
    }

    private void refusedByEveryReport(Path file, String expected) throws Exception {
        for (String[] command : new String[][] {{"stats"}, {"stats", "--json"}, {"summary"}}) {
            String[] args = Arrays.copyOf(command, command.length + 1);
            args[command.length] = file.toString();
            Memflux.Result r = Memflux.run(dir, args);
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("", r.stdout(), r.toString());
            assertEquals(1, r.stderr().lines().count(), r.toString());
            String line = r.stderr().strip();
            assertTrue(line.startsWith("memflux: " + file + ": ") && line.contains(expected), r.toString());
            assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), r.toString());
        }
    }

    @Test
    void aStackNodeThatIsItsOwnParentIsRefusedNotWalkedForever() throws Exception {
        Path file = file("cycle.bin", frameThen(RecordTag.NODE, 1, 1, 3, AllocatorKind.MALLOC.tag(), 2, 64, 1));
        // header (16 + 32 + 4) + block frame (16) + the FRAME record (15 bytes)
        refusedByEveryReport(file, "stack node 1 names parent 1, which is not defined before it (record 2) at byte 83");
    }

    @Test
    void aHugeNodeIdIsRefusedWithoutRunningOutOfMemory() throws Exception {
        Path file = file("huge.bin", frameThen(RecordTag.NODE, 0, 1, 3, AllocatorKind.MALLOC.tag(), 2, 64, 1L << 31));
        assertTrue(Files.size(file) < 110, "a file of " + Files.size(file) + " bytes");
        refusedByEveryReport(file, "an allocation names stack node 2147483648, which is not defined yet (record 3) at byte ");
    }

    @Test
    void aSmallFileThatExpandsPastTheHeapGetsOneLine() throws Exception {
        // 40 lz4 blocks of 1 MiB of NODE records each (4 bytes a node, 255:1 compressed):
        // some 10 million stack nodes from a file of about 170 KiB.
        byte[] raw = new byte[1 << 20];
        RecordEncoder node = new RecordEncoder(8);
        node.uvar(RecordTag.NODE);
        node.uvar(0);
        node.uvar(1);
        node.uvar(1);
        for (int at = 0; at + 4 <= raw.length; at += 4) {
            System.arraycopy(node.buffer(), 0, raw, at, 4);
        }
        RecordEncoder first = frameThen();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(CaptureFileFormat.encodeHeader(HEADER.withFlags(RecordTag.FLAG_COMPRESSED)));
        var lz4 = net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor();
        for (int seq = 0; seq < 40; seq++) {
            byte[] block = seq == 0 ? Arrays.copyOf(first.buffer(), first.length()) : raw;
            byte[] stored = new byte[lz4.maxCompressedLength(block.length)];
            int storedLength = lz4.compress(block, 0, block.length, stored, 0, stored.length);
            ByteBuffer frame = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            frame.putInt(seq).putInt(block.length).putInt(storedLength)
                    .putInt(CaptureFileFormat.blockChecksum(new CRC32C(), 2, seq, block, block.length));
            out.writeBytes(frame.array());
            out.write(stored, 0, storedLength);
        }
        Path file = dir.resolve("expands.bin");
        Files.write(file, out.toByteArray());
        Process p = Memflux.process(dir, Memflux.command(java.util.List.of(), java.util.List.of("-Xmx48m"), "stats",
                file.toString())).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "stats did not end");
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(1, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("memflux: " + file + ": its stacks do not fit in "), err);
    }

        @Test
    void aCraftedSizeIsRefusedRatherThanPrintedNegative() throws Exception {
        Path file = file("size.bin", frameThen(AllocatorKind.MALLOC.tag(), 2, -2L, 0));
        refusedByEveryReport(file, "an allocation of 18446744073709551614 bytes (record 2) at byte ");
    }
}
