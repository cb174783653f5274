package dev.memflux.format;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The capture file's header and block framing (docs/FORMAT.md, "The capture file"). */
public final class CaptureFileFormat {
    public static final byte[] MAGIC = "MEMFLUX\0".getBytes(StandardCharsets.US_ASCII);
    /** rawLength, storedLength, checksum: three little-endian u32 before each block. */
    public static final int BLOCK_FRAME_BYTES = 12;
    public static final int MAX_BLOCK_BYTES = 1 << 20;

    private CaptureFileFormat() {}

    public static byte[] encodeHeader(CaptureHeader h) {
        RecordEncoder body = new RecordEncoder(256);
        body.uvar(h.pid());
        body.uvar(h.ppid());
        body.uvar(h.startMillis());
        body.string(h.pythonVersion());
        body.string(h.commandLine());
        body.string(h.memfluxVersion());
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 8 + body.length()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC);
        out.putShort((short) RecordTag.FORMAT_VERSION);
        out.putShort((short) h.flags());
        out.putInt(body.length());
        out.put(body.buffer(), 0, body.length());
        return out.array();
    }

    /** Reads and checks the header; the stream is left at the first block. */
    public static CaptureHeader readHeader(DataInputStream in) throws IOException, CorruptCaptureException {
        byte[] magic = new byte[MAGIC.length];
        int got = in.readNBytes(magic, 0, magic.length);
        if (got < magic.length || !java.util.Arrays.equals(magic, MAGIC)) {
            throw new CorruptCaptureException("not a memflux capture file (bad magic)");
        }
        byte[] fixed = new byte[8];
        if (in.readNBytes(fixed, 0, 8) < 8) {
            throw new CorruptCaptureException("the file ends inside its header");
        }
        ByteBuffer f = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
        int version = f.getShort() & 0xffff;
        int flags = f.getShort() & 0xffff;
        int bodyLength = f.getInt();
        if (version != RecordTag.FORMAT_VERSION) {
            throw new CorruptCaptureException("format version " + version + " is not supported (this memflux reads "
                    + RecordTag.FORMAT_VERSION + ")");
        }
        if (bodyLength < 0 || bodyLength > 1 << 20) {
            throw new CorruptCaptureException("corrupt header (body of " + bodyLength + " bytes)");
        }
        byte[] body = new byte[bodyLength];
        try {
            in.readFully(body);
        } catch (EOFException e) {
            throw new CorruptCaptureException("the file ends inside its header");
        }
        HeaderReader r = new HeaderReader(body);
        long pid = r.uvar();
        long ppid = r.uvar();
        long start = r.uvar();
        String python = r.string();
        String commandLine = r.string();
        String memflux = r.string();
        return new CaptureHeader(pid, ppid, start, flags, python, commandLine, memflux);
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
                    throw new CorruptCaptureException("corrupt header");
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new CorruptCaptureException("corrupt header");
        }

        String string() throws CorruptCaptureException {
            long n = uvar();
            if (n < 0 || n > b.length - pos) {
                throw new CorruptCaptureException("corrupt header");
            }
            String s = new String(b, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }
    }
}
