package dev.memflux.format;

/**
 * Decodes the record language (docs/FORMAT.md) into {@link EventBatch} columns. One
 * decoder reads one stream from its first record on — a socket or a file's blocks —
 * because addresses are delta-encoded against the previous record.
 *
 * <p>Runs on the thread that reads the stream (the collector, or a report's reader);
 * it never blocks and allocates only for FRAME strings, HELLO and TRAILER.
 */
public final class RecordDecoder {
    /** Thrown inside {@link #decode} when the buffer ends in the middle of a record. */
    private static final RuntimeException UNDERFLOW = new RuntimeException("underflow", null, false, false) {};

    private long lastAddress;
    private long records;
    private byte[] buf;
    private int pos;
    private int limit;
    private CaptureHeader hello;
    private Trailer trailer;
    private boolean ended;
    private boolean keepRaw;

    /**
     * Decodes whole records from {@code data[from, to)} into {@code out} until the data
     * ends, {@code out} is full, or a HELLO or END record is read.
     *
     * @return the offset of the first byte not consumed: the start of an unfinished record,
     *     or {@code to} when everything was decoded
     */
    public int decode(byte[] data, int from, int to, EventBatch out) throws CorruptCaptureException {
        int end = decodeRecords(data, from, to, out);
        if (keepRaw && end > from) {
            out.appendRaw(data, from, end - from);
        }
        return end;
    }

    /**
     * Also copy the decoded bytes into each batch's {@link EventBatch#raw}, so the file
     * sink can store them as they are. For the wire only (which has no TRAILER, and whose
     * HELLO is decoded into a scratch batch before the stream's batches).
     */
    public RecordDecoder keepRaw() {
        this.keepRaw = true;
        return this;
    }

    private int decodeRecords(byte[] data, int from, int to, EventBatch out) throws CorruptCaptureException {
        buf = data;
        pos = from;
        limit = to;
        int start = from;
        try {
            while (pos < limit && !out.isFull()) {
                start = pos;
                byte tag = buf[pos++];
                if (RecordTag.isAlloc(tag)) {
                    long address = lastAddress + unzigzag(readUvar());
                    long size = readUvar();
                    int node = (int) readUvar();
                    lastAddress = address;
                    out.add(tag, address, size, node);
                } else if (tag >= RecordTag.ALLOC_NATIVE && tag < RecordTag.ALLOC_NATIVE + AllocatorKind.COUNT) {
                    long address = lastAddress + unzigzag(readUvar());
                    long size = readUvar();
                    int node = (int) readUvar();
                    int nativeNode = (int) readUvar();
                    lastAddress = address;
                    out.add((byte) (tag - RecordTag.ALLOC_NATIVE + RecordTag.ALLOC), address, size, node);
                    out.nativeStack[out.count - 1] = nativeNode;
                } else {
                    switch (tag) {
                        case RecordTag.FREE -> {
                            long address = lastAddress + unzigzag(readUvar());
                            lastAddress = address;
                            out.add(tag, address, 0, 0);
                        }
                        case RecordTag.MUNMAP -> {
                            long address = lastAddress + unzigzag(readUvar());
                            long length = readUvar();
                            lastAddress = address;
                            out.add(tag, address, length, 0);
                        }
                        case RecordTag.NODE -> {
                            long parent = readUvar();
                            int frame = (int) readUvar();
                            long line = readUvar();
                            out.add(tag, parent, line, frame);
                        }
                        case RecordTag.FRAME -> {
                            String function = readString();
                            String file = readString();
                            long firstLine = readUvar();
                            out.addFrame(function, file, firstLine);
                        }
                        case RecordTag.THREAD -> {
                            long thread = readUvar();
                            long osTid = readUvar();
                            out.add(tag, thread, osTid, 0);
                        }
                        case RecordTag.TIME, RecordTag.MEMORY -> out.add(tag, readUvar(), 0, 0);
                        case RecordTag.NATIVE_NODE -> {
                            int parent = (int) readUvar();
                            out.add(tag, readUvar(), 0, parent);
                        }
                        case RecordTag.MODULE -> readModule(out);
                        case RecordTag.EXEC -> {
                            long error = readUvar();
                            String path = readString();
                            out.add(tag, error, 0, out.addText(path));
                        }
                        case RecordTag.SYMBOL -> readSymbol(out);
                        case RecordTag.END -> {
                            out.add(tag, 0, 0, 0);
                            ended = true;
                            records++;
                            return pos;
                        }
                        case RecordTag.HELLO -> {
                            hello = readHello();
                            records++;
                            return pos;
                        }
                        case RecordTag.TRAILER -> trailer = readTrailer();
                        default -> throw new CorruptCaptureException(String.format(
                                "unknown record tag 0x%02x after %d records", tag & 0xff, records));
                    }
                }
                records++;
            }
            return pos;
        } catch (RuntimeException e) {
            if (e != UNDERFLOW) {
                throw new CorruptCaptureException("malformed record after " + records + " records: " + e.getMessage());
            }
            return start;
        }
    }

    /** The HELLO record, once decoded (the first record on the wire). */
    public CaptureHeader hello() {
        return hello;
    }

    /** The TRAILER record, once decoded (the last record of a complete file). */
    public Trailer trailer() {
        return trailer;
    }

    /** Whether an END record was decoded: the agent stopped tracking normally. */
    public boolean ended() {
        return ended;
    }

    /** Records decoded so far. */
    public long records() {
        return records;
    }

    /** MODULE: path, build id, bias, segments × (start, length). Nothing is added until it is whole. */
    private void readModule(EventBatch out) throws CorruptCaptureException {
        String path = readString();
        String buildId = readString();
        long bias = readUvar();
        int segments = (int) readUvar();
        if (segments < 0 || segments > 64) {
            throw new CorruptCaptureException("a module with " + segments + " segments after " + records + " records");
        }
        long[] ranges = new long[2 * segments];
        for (int i = 0; i < ranges.length; i++) {
            ranges[i] = readUvar();
        }
        int text = out.addText(path);
        out.addText(buildId);
        int numbers = out.numberCount;
        for (long r : ranges) {
            out.addNumber(r);
        }
        out.add(RecordTag.MODULE, bias, segments, text);
        out.nativeStack[out.count - 1] = numbers;
    }

    /** SYMBOL: ip, frames × (function, file, line, flags). */
    private void readSymbol(EventBatch out) throws CorruptCaptureException {
        long ip = readUvar();
        int frames = (int) readUvar();
        if (frames < 0 || frames > 256) {
            throw new CorruptCaptureException("a symbol with " + frames + " frames after " + records + " records");
        }
        String[] names = new String[2 * frames];
        long[] lines = new long[frames];
        for (int f = 0; f < frames; f++) {
            names[2 * f] = readString();
            names[2 * f + 1] = readString();
            long line = readUvar();
            int flags = readByte();
            lines[f] = line << 1 | (flags & 1);
        }
        int text = out.textCount;
        for (String name : names) {
            out.addText(name);
        }
        int numbers = out.numberCount;
        for (long line : lines) {
            out.addNumber(line);
        }
        out.add(RecordTag.SYMBOL, ip, frames, text);
        out.nativeStack[out.count - 1] = numbers;
    }

    /**
     * Reads the CONTINUE record that opens an agent's new connection, from
     * {@code data[0, length)}: {@code {pid, offset}}, or null while it is unfinished.
     */
    public static long[] continuation(byte[] data, int length) throws CorruptCaptureException {
        if (length > 0 && data[0] != RecordTag.CONTINUE) {
            throw new CorruptCaptureException(String.format(
                    "an agent's new connection starts with tag 0x%02x, not CONTINUE", data[0] & 0xff));
        }
        long[] values = new long[2];
        int pos = 1;
        for (int v = 0; v < 2; v++) {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= length) {
                    return null;
                }
                if (shift >= 70) {
                    throw new CorruptCaptureException("a CONTINUE record with a varint longer than 10 bytes");
                }
                byte b = data[pos++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    break;
                }
            }
            values[v] = value;
        }
        return values;
    }

    private int readByte() {
        if (pos >= limit) {
            throw UNDERFLOW;
        }
        return buf[pos++] & 0xff;
    }

    private CaptureHeader readHello() throws CorruptCaptureException {
        long pid = readUvar();
        long ppid = readUvar();
        long startMillis = readUvar();
        int flags = (int) readUvar();
        String version = readString();
        String commandLine = readString();
        return new CaptureHeader(pid, ppid, startMillis, flags, version, commandLine, "");
    }

    private Trailer readTrailer() throws CorruptCaptureException {
        long endMillis = readUvar();
        long flags = readUvar();
        return new Trailer(endMillis, (flags & 1) != 0, readUvar(), readUvar(), readUvar(), readUvar(),
                readUvar(), readUvar(), readUvar(), readUvar());
    }

    private long readUvar() {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= limit) {
                throw UNDERFLOW;
            }
            byte b = buf[pos++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalStateException("varint longer than 10 bytes");
    }

    private String readString() throws CorruptCaptureException {
        long length = readUvar();
        if (length < 0 || length > (1 << 20)) {
            throw new CorruptCaptureException("string of " + length + " bytes after " + records + " records");
        }
        if (limit - pos < length) {
            throw UNDERFLOW;
        }
        String s = new String(buf, pos, (int) length, java.nio.charset.StandardCharsets.UTF_8);
        pos += (int) length;
        return s;
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
