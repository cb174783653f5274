package dev.memflux.format;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The capture file's header and block framing (docs/FORMAT.md, "The capture file").
 * The file format has its own version, apart from the record language's: version 2
 * numbers the blocks and checksums the header; version 1 files still read.
 */
public final class CaptureFileFormat {
    public static final byte[] MAGIC = "MEMFLUX\0".getBytes(StandardCharsets.US_ASCII);
    /** The file format version this memflux writes. */
    public static final int VERSION = 2;
    /** sequence, rawLength, storedLength, checksum: four little-endian u32 before each block. */
    public static final int BLOCK_FRAME_BYTES = 16;
    /** Version 1 had no sequence number: rawLength, storedLength, checksum. */
    public static final int V1_BLOCK_FRAME_BYTES = 12;
    public static final int MAX_BLOCK_BYTES = 1 << 20;
    /** The largest stored length an lz4 block of {@link #MAX_BLOCK_BYTES} can take. */
    public static final int MAX_STORED_BYTES = MAX_BLOCK_BYTES + MAX_BLOCK_BYTES / 255 + 16;
    /** 9999-12-31T23:59:59.999Z: a later time is a corrupt header or trailer, not a capture. */
    public static final long MAX_EPOCH_MILLIS = 253_402_300_799_999L;

    private CaptureFileFormat() {}

    /**
     * A block's checksum: CRC32C of its number (u32, little-endian) and then its raw bytes,
     * so a block copied, moved or repeated elsewhere in the file does not check out
     * (version 1: of the raw bytes alone).
     */
    public static int blockChecksum(CRC32C crc, int version, int sequence, byte[] raw, int rawLength) {
        crc.reset();
        if (version >= 2) {
            crc.update(sequence & 0xff);
            crc.update(sequence >>> 8 & 0xff);
            crc.update(sequence >>> 16 & 0xff);
            crc.update(sequence >>> 24 & 0xff);
        }
        crc.update(raw, 0, rawLength);
        return (int) crc.getValue();
    }

    /** The header of a version-2 file, ending with the CRC32C of every byte before it. */
    public static byte[] encodeHeader(CaptureHeader h) {
        RecordEncoder body = new RecordEncoder(256);
        body.uvar(h.pid());
        body.uvar(h.ppid());
        body.uvar(h.startMillis());
        body.string(h.pythonVersion());
        body.string(h.commandLine());
        body.string(h.memfluxVersion());
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 8 + body.length() + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC);
        out.putShort((short) VERSION);
        out.putShort((short) h.flags());
        out.putInt(body.length());
        out.put(body.buffer(), 0, body.length());
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /** Reads and checks the header; the stream is left at the first block. */
    public static CaptureHeader readHeader(DataInputStream in) throws IOException, CorruptCaptureException {
        return readFileHeader(in).capture();
    }

    /** Reads and checks the header of a version 1 or 2 file; the stream is left at the first block. */
    public static FileHeader readFileHeader(DataInputStream in) throws IOException, CorruptCaptureException {
        byte[] magic = new byte[MAGIC.length];
        int got = in.readNBytes(magic, 0, magic.length);
        if (got < magic.length || !java.util.Arrays.equals(magic, MAGIC)) {
            throw new CorruptCaptureException("not a memflux capture file (bad magic)");
        }
        byte[] fixed = new byte[8];
        int fixedGot = in.readNBytes(fixed, 0, 8);
        if (fixedGot < 8) {
            throw new CorruptCaptureException("the file ends inside its header, at byte " + (MAGIC.length + fixedGot));
        }
        ByteBuffer f = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
        int version = f.getShort() & 0xffff;
        int flags = f.getShort() & 0xffff;
        int bodyLength = f.getInt();
        if (version < 1 || version > VERSION) {
            throw new CorruptCaptureException("file format version " + version + " at byte 8 is not supported (this "
                    + "memflux reads 1 to " + VERSION + ")");
        }
        // The body is three numbers and three strings: past 1 MiB it is damage, not data.
        if (bodyLength < 0 || bodyLength > 1 << 20) {
            throw new CorruptCaptureException("corrupt header at byte 12 (a body of " + Integer.toUnsignedString(bodyLength)
                    + " bytes)");
        }
        byte[] body = new byte[bodyLength];
        byte[] sum = new byte[4];
        int bodyGot = in.readNBytes(body, 0, bodyLength);
        int sumGot = bodyGot < bodyLength || version < 2 ? 0 : in.readNBytes(sum, 0, 4);
        if (bodyGot < bodyLength || (version >= 2 && sumGot < 4)) {
            throw new CorruptCaptureException("the file ends inside its header, at byte " + (16 + bodyGot + sumGot));
        }
        if (version >= 2) {
            CRC32C crc = new CRC32C();
            crc.update(magic);
            crc.update(fixed);
            crc.update(body);
            if ((int) crc.getValue() != ByteBuffer.wrap(sum).order(ByteOrder.LITTLE_ENDIAN).getInt()) {
                throw new CorruptCaptureException("the header's checksum does not match (byte " + (16 + bodyLength) + ")");
            }
        }
        HeaderReader r = new HeaderReader(body);
        long pid = r.uvar();
        long ppid = r.uvar();
        long start = r.uvar();
        String python = r.string();
        String commandLine = r.string();
        String memflux = r.string();
        if (Long.compareUnsigned(start, MAX_EPOCH_MILLIS) > 0 || Long.compareUnsigned(pid, Integer.MAX_VALUE) > 0
                || Long.compareUnsigned(ppid, Integer.MAX_VALUE) > 0) {
            throw new CorruptCaptureException("corrupt header at byte 16 (pid, ppid or start time out of range)");
        }
        long length = 16L + bodyLength + (version >= 2 ? 4 : 0);
        return new FileHeader(new CaptureHeader(pid, ppid, start, flags, python, commandLine, memflux), version, length);
    }

    /** A bounds-checked reader for the small header body. */
    private static final class HeaderReader {
        private final byte[] b;
        private int pos;

        HeaderReader(byte[] b) {
            this.b = b;
        }

        long uvar() throws CorruptCaptureException {
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (pos >= b.length) {
                    throw new CorruptCaptureException("corrupt header at byte " + (16 + pos));
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new CorruptCaptureException("corrupt header at byte " + (16 + pos));
        }

        String string() throws CorruptCaptureException {
            long n = uvar();
            if (n < 0 || n > b.length - pos) {
                throw new CorruptCaptureException("corrupt header at byte " + (16 + pos));
            }
            String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }
    }
}
