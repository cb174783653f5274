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
    /**
     * No size, length or resident set can exceed this (256 TiB, more than x86-64's and
     * arm64's user address space with 4-level page tables): larger means a corrupt record.
     */
    public static final long MAX_BYTES = 1L << 48;
    /** Capture time advances by less than this (about 35 years): more is a corrupt TIME. */
    public static final long MAX_MILLIS = 1L << 40;
    /** Ids index arrays: past this a stream is corrupt, not just big. */
    private static final long MAX_ID = Integer.MAX_VALUE - 16;

    /** Slots of the recent-allocation table; records.h's MFX_RECENT_SLOTS says the same. */
    public static final int RECENT_SLOTS = 16384;
    /** Slots of the reuse table; records.h's MFX_REUSE_SLOTS says the same. */
    public static final int REUSE_SLOTS = 8192;
    /** Tag groups ({@code tag >> 4}) whose low nibble is an allocator kind. */
    private static final int KIND_GROUPS = 1 << 0x1 | 1 << 0x3 | 1 << 0x4 | 1 << 0x5 | 1 << 0x7 | 1 << 0xC | 1 << 0xD;

    private long lastAddress;
    /**
     * The last allocation whose address hashed to each slot (0: none, or freed since), kept
     * as the agent keeps it, so that FREE_RECENT names a block in two bytes. Like
     * {@link #lastAddress} it lives as long as the stream: over every block of a file, and
     * over a CONTINUE (a forked child's stream is a new one, starting from zeros).
     */
    private final long[] recent = new long[RECENT_SLOTS];
    /**
     * Where free chunks start (ALLOC_REUSE): every freed address and every allocation's chunk end,
     * each in its slot, kept as the agent keeps it; per stream, as {@link #recent}.
     */
    private final long[] reuse = new long[REUSE_SLOTS];
    /** The last allocation's stack node (ALLOC16_SAME_NODE): per stream, as {@link #lastAddress}. */
    private long lastAllocNode;
    /** The last allocation's kind (ALLOC_REUSE): per stream, as {@link #lastAddress}. */
    private int lastAllocKind;
    /** Where the last allocation's chunk ends (ALLOC_NEXT): per stream, as {@link #lastAddress}. */
    private long nextAllocGuess;
    private long records;
    /** Ids are implicit (docs/FORMAT.md): the next id each definition takes, so every use can be checked. */
    private long nextFrameId = 1;
    private long nextNodeId = 1;
    private long nextNativeNodeId = 1;
    private long clockMillis;
    /** The sum of every allocation's size: kept below 2^63 so that no total derived from it can overflow. */
    private long bytesAllocated;
    private int recordStart;
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
                if (trailer != null) {
                    throw corrupt("a record follows the trailer");
                }
                if (!readEvent(tag & 0xff, out)) {
                    switch (tag) {
                        case RecordTag.FREE -> readFree(out);
                        case RecordTag.MUNMAP -> readMunmap(out);
                        case RecordTag.NODE -> readNode(out);
                        case RecordTag.FRAME -> readFrame(out);
                        case RecordTag.THREAD -> readThread(out);
                        case RecordTag.TIME -> readTime(out);
                        case RecordTag.MEMORY -> readMemory(out);
                        case RecordTag.SAMPLING -> readSampling(out);
                        case RecordTag.NATIVE_NODE -> readNativeNode(out);
                        case RecordTag.MODULE -> readModule(out);
                        case RecordTag.EXEC -> readExec(out);
                        case RecordTag.SYMBOL -> readSymbol(out);
                        case RecordTag.NODE_FIGURES -> readNodeFigures(out);
                        case RecordTag.NATIVE_FIGURES -> readNativeFigures(out);
                        case RecordTag.RUN_TOTALS -> readRunTotals(out);
                        case RecordTag.END -> {
                            out.addEnd();
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
                        default -> throw corrupt(String.format("unknown record tag 0x%02x", tag & 0xff));
                    }
                }
                records++;
            }
            return pos;
        } catch (CorruptCaptureException e) {
            // Set only here: where a record starts matters only for the error's offset.
            recordStart = start;
            throw e;
        } catch (RuntimeException e) {
            if (e != UNDERFLOW) {
                recordStart = start;
                throw corrupt("malformed record: " + e.getMessage());
            }
            return start;
        }
    }

    /**
     * The allocation and free forms, dispatched on the tag's high nibble (one table jump: they
     * are nearly every record); false for any other tag, and for a kind past the last.
     */
    private boolean readEvent(int tag, EventBatch out) throws CorruptCaptureException {
        int low = tag & 0x0f;
        int group = tag >> 4;
        if (low >= AllocatorKind.COUNT && (KIND_GROUPS >> group & 1) != 0) {
            return false;
        }
        switch (group) {
            case 0x1 -> readAlloc(low, 0, false, out);
            case 0x3 -> readAllocNative(low, 0, out);
            case 0x4 -> readAlloc(low, 4, false, out);
            case 0x5 -> readAllocNative(low, 4, out);
            case 0x6 -> readFree16(low, out);
            case 0x7 -> readAlloc(low, 4, true, out);
            case 0x8, 0x9, 0xA, 0xB -> readFreeRecent((tag - RecordTag.FREE_RECENT) << 8, out);
            case 0xC -> readAllocNext(low, false, out);
            case 0xD -> readAllocNext(low, true, out);
            case 0xE, 0xF -> readAllocReuse((tag - RecordTag.ALLOC_REUSE) << 8, out);
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * ALLOC ({@code 0x10 + kind}, {@code shift} 0) or ALLOC16 ({@code 0x40 + kind}, {@code shift} 4:
     * the delta in 16-byte units): svar addressDelta, uvar size, uvar node; ALLOC16_SAME_NODE
     * ({@code 0x70 + kind}, {@code sameNode}) leaves out the node: it is the last allocation's.
     */
    private void readAlloc(int kind, int shift, boolean sameNode, EventBatch out) throws CorruptCaptureException {
        long address = lastAddress + (unzigzag(readUvar()) << shift);
        long size = readUvar();
        long node = sameNode ? lastAllocNode : readUvar();
        checkAllocation(size, node);
        allocated(kind, address, size, node);
        out.addAlloc(kind, address, size, (int) node, 0);
    }

    /** ALLOC_NATIVE ({@code 0x30 + kind}) or ALLOC16_NATIVE ({@code 0x50 + kind}): as ALLOC, then uvar nativeNode. */
    private void readAllocNative(int kind, int shift, EventBatch out) throws CorruptCaptureException {
        long address = lastAddress + (unzigzag(readUvar()) << shift);
        long size = readUvar();
        long node = readUvar();
        long nativeNode = readUvar();
        checkAllocation(size, node);
        if (Long.compareUnsigned(nativeNode, nextNativeNodeId) >= 0) {
            throw corrupt("an allocation names native node " + Long.toUnsignedString(nativeNode)
                    + ", which is not defined yet");
        }
        allocated(kind, address, size, node);
        out.addAlloc(kind, address, size, (int) node, (int) nativeNode);
    }

    /** ALLOC_NEXT ({@code 0xC0 + kind}): uvar size, uvar node; ALLOC_NEXT_SAME_NODE ({@code 0xD0 + kind}): uvar size. */
    private void readAllocNext(int kind, boolean sameNode, EventBatch out) throws CorruptCaptureException {
        long size = readUvar();
        long node = sameNode ? lastAllocNode : readUvar();
        checkAllocation(size, node);
        long address = nextAllocGuess;
        allocated(kind, address, size, node);
        out.addAlloc(kind, address, size, (int) node, 0);
    }

    /**
     * ALLOC_REUSE ({@code 0xE0 + slot / 256}, u8 {@code slot % 256}, uvar size): an allocation of
     * the last one's kind and node at the address the reuse table's slot holds; an empty slot is
     * a corrupt stream.
     */
    private void readAllocReuse(int slotHigh, EventBatch out) throws CorruptCaptureException {
        int slot = slotHigh | readByte();
        long size = readUvar();
        long address = reuse[slot];
        if (address == 0) {
            throw corrupt("an allocation at reuse slot " + slot + ", which holds no address");
        }
        long node = lastAllocNode;
        int kind = lastAllocKind;
        checkAllocation(size, node);
        allocated(kind, address, size, node);
        out.addAlloc(kind, address, size, (int) node, 0);
    }

    /** The agent's mfx_chunk_size(): glibc's chunk for a request, its 8-byte header included, 32 at least. */
    static long chunkSize(long size) {
        return Math.max(32, (size + 8 + 15) & ~15L);
    }

    private void allocated(int kind, long address, long size, long node) {
        long chunkEnd = address + chunkSize(size);
        lastAddress = address;
        lastAllocNode = node;
        lastAllocKind = kind;
        nextAllocGuess = chunkEnd;
        recent[recentSlot(address)] = address;
        reuse[reuseSlot(chunkEnd)] = chunkEnd;
    }

    /** The agent's recent_slot(): which slot of the recent-allocation table an address takes. */
    static int recentSlot(long address) {
        return (int) ((address >>> 4) ^ (address >>> 18)) & (RECENT_SLOTS - 1);
    }

    /** The agent's reuse_slot(): which slot of the reuse table an address takes. */
    static int reuseSlot(long address) {
        return (int) ((address >>> 4) ^ (address >>> 17)) & (REUSE_SLOTS - 1);
    }

    /** FREE: svar addressDelta. */
    private void readFree(EventBatch out) {
        long address = lastAddress + unzigzag(readUvar());
        freed(address);
        out.addFree(address);
    }

    /**
     * The address delta in 16-byte units, zig-zagged to v: FREE16 ({@code form} 0): uvar v;
     * FREE16_U16 ({@code 0x61 + v / 2^16}, forms 1-7): u16 v; FREE16_U24 ({@code 0x68 + v / 2^24},
     * forms 8-15): u24 v.
     */
    private void readFree16(int form, EventBatch out) {
        long v;
        if (form == 0) {
            v = readUvar();
        } else if (form < RecordTag.FREE16_U24 - RecordTag.FREE16) {
            v = (long) (form - 1) << 16 | readU16();
        } else {
            v = (long) (form - 8) << 24 | readU24();
        }
        long address = lastAddress + (unzigzag(v) << 4);
        freed(address);
        out.addFree(address);
    }

    /**
     * FREE_RECENT ({@code 0x80 + slot / 256}, u8 {@code slot % 256}): frees the block the slot
     * holds; an empty slot is a corrupt stream.
     */
    private void readFreeRecent(int slotHigh, EventBatch out) throws CorruptCaptureException {
        int slot = slotHigh | readByte();
        long address = recent[slot];
        if (address == 0) {
            throw corrupt("a free of recent-allocation slot " + slot + ", which holds no allocation");
        }
        // The slot is the address's own: empty it without freed()'s second look.
        recent[slot] = 0;
        lastAddress = address;
        reuse[reuseSlot(address)] = address;
        out.addFree(address);
    }

    private void freed(long address) {
        lastAddress = address;
        int slot = recentSlot(address);
        long held = recent[slot];
        long differs = held ^ address;
        // Branch-free: whether a random free hits its slot is a coin toss to the branch predictor.
        recent[slot] = held & ((differs | -differs) >> 63);
        reuse[reuseSlot(address)] = address;
    }

    /** MUNMAP: svar addressDelta, uvar length. */
    private void readMunmap(EventBatch out) throws CorruptCaptureException {
        long address = lastAddress + unzigzag(readUvar());
        long length = readUvar();
        if (Long.compareUnsigned(length, MAX_BYTES) > 0) {
            throw corrupt("an munmap of " + Long.toUnsignedString(length) + " bytes");
        }
        lastAddress = address;
        out.addMunmap(address, length);
    }

    /** NODE: uvar parent, uvar frame, uvar line. */
    private void readNode(EventBatch out) throws CorruptCaptureException {
        long parent = readUvar();
        long frame = readUvar();
        long line = readUvar();
        // A parent defined before its child makes every chain end at node 0: no cycle.
        if (Long.compareUnsigned(parent, nextNodeId) >= 0) {
            throw corrupt("stack node " + nextNodeId + " names parent "
                    + Long.toUnsignedString(parent) + ", which is not defined before it");
        }
        if (frame == 0 || Long.compareUnsigned(frame, nextFrameId) >= 0) {
            throw corrupt("stack node " + nextNodeId + " names frame "
                    + Long.toUnsignedString(frame) + ", which is not defined");
        }
        checkLine(line);
        nextNodeId = nextId(nextNodeId, "stack nodes");
        out.addNode((int) parent, (int) frame, (int) line);
    }

    /** FRAME: str function, str file, uvar firstLine. */
    private void readFrame(EventBatch out) throws CorruptCaptureException {
        String function = readString();
        String file = readString();
        long firstLine = readUvar();
        checkLine(firstLine);
        nextFrameId = nextId(nextFrameId, "frames");
        out.addFrame(function, file, (int) firstLine);
    }

    /** THREAD: uvar thread, uvar osTid. */
    private void readThread(EventBatch out) throws CorruptCaptureException {
        long thread = readUvar();
        long osTid = readUvar();
        // Thread 0 is legal: events of a thread the agent keeps no state for (yet, or any more).
        if (Long.compareUnsigned(thread, MAX_ID) > 0 || Long.compareUnsigned(osTid, MAX_ID) > 0) {
            throw corrupt("thread " + Long.toUnsignedString(thread) + " (tid "
                    + Long.toUnsignedString(osTid) + ") is out of range");
        }
        out.addThread((int) thread, (int) osTid);
    }

    /** TIME: uvar deltaMillis. */
    private void readTime(EventBatch out) throws CorruptCaptureException {
        long delta = readUvar();
        if (Long.compareUnsigned(delta, MAX_MILLIS) > 0 || clockMillis + delta > MAX_MILLIS) {
            throw corrupt("the clock jumps by " + Long.toUnsignedString(delta) + " ms");
        }
        clockMillis += delta;
        out.addTime(delta);
    }

    /** MEMORY: uvar rssBytes. */
    private void readSampling(EventBatch out) throws CorruptCaptureException {
        long meanBytes = readUvar();
        if (meanBytes == 0 || Long.compareUnsigned(meanBytes, MAX_BYTES) > 0) {
            throw corrupt("a sampling rate of one allocation per " + Long.toUnsignedString(meanBytes) + " bytes");
        }
        out.addSampling(meanBytes);
    }

    private void readMemory(EventBatch out) throws CorruptCaptureException {
        long rss = readUvar();
        if (Long.compareUnsigned(rss, MAX_BYTES) > 0) {
            throw corrupt("a resident set of " + Long.toUnsignedString(rss) + " bytes");
        }
        out.addMemory(rss);
    }

    /** NATIVE_NODE: uvar parent, uvar ip. */
    private void readNativeNode(EventBatch out) throws CorruptCaptureException {
        long parent = readUvar();
        long ip = readUvar();
        if (Long.compareUnsigned(parent, nextNativeNodeId) >= 0) {
            throw corrupt("native node " + nextNativeNodeId + " names parent "
                    + Long.toUnsignedString(parent) + ", which is not defined before it");
        }
        nextNativeNodeId = nextId(nextNativeNodeId, "native nodes");
        out.addNativeNode((int) parent, ip);
    }

    /** EXEC: uvar error, str path. */
    private void readExec(EventBatch out) throws CorruptCaptureException {
        long error = readUvar();
        String path = readString();
        out.addExec(error, path);
    }

    /** NODE_FIGURES: uvar node, uvar nativeNode, uvar allocations, uvar bytes, uvar frees, 4 x svar (peak, leaked). */
    private void readNodeFigures(EventBatch out) throws CorruptCaptureException {
        long node = readUvar();
        long nativeNode = readUvar();
        long[] v = new long[7];
        for (int k = 0; k < v.length; k++) {
            v[k] = k < 3 ? readUvar() : unzigzag(readUvar());
        }
        if (Long.compareUnsigned(node, nextNodeId) >= 0 || Long.compareUnsigned(nativeNode, nextNativeNodeId) >= 0) {
            throw corrupt("figures for stack node " + Long.toUnsignedString(node) + " (native node "
                    + Long.toUnsignedString(nativeNode) + "), which is not defined");
        }
        checkFigures(v, 3);
        out.addNodeFigures((int) node, (int) nativeNode, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }

    /** NATIVE_FIGURES: uvar nativeNode, uvar allocations, uvar bytes. */
    private void readNativeFigures(EventBatch out) throws CorruptCaptureException {
        long nativeNode = readUvar();
        long[] v = {readUvar(), readUvar()};
        if (nativeNode == 0 || Long.compareUnsigned(nativeNode, nextNativeNodeId) >= 0) {
            throw corrupt("figures for native node " + Long.toUnsignedString(nativeNode) + ", which is not defined");
        }
        checkFigures(v, v.length);
        out.addNativeFigures((int) nativeNode, v[0], v[1]);
    }

    /** RUN_TOTALS: uvar count, count x uvar, str execPath. */
    private void readRunTotals(EventBatch out) throws CorruptCaptureException {
        long n = readUvar();
        if (Long.compareUnsigned(n, 1024) > 0) {
            throw corrupt("run totals of " + Long.toUnsignedString(n) + " values");
        }
        long[] v = new long[(int) n];
        for (int k = 0; k < v.length; k++) {
            v[k] = readUvar();
        }
        String execPath = readString();
        checkFigures(v, v.length);
        out.addRunTotals(v, execPath);
    }

    /**
     * Aggregated figures: past 2^62 (or, for the signed ones from {@code signedFrom} on, below
     * -2^62) a figure is not a count of anything a capture can hold.
     */
    private void checkFigures(long[] values, int signedFrom) throws CorruptCaptureException {
        for (int k = 0; k < values.length; k++) {
            long v = values[k];
            if (k < signedFrom ? Long.compareUnsigned(v, 1L << 62) > 0 : v > 1L << 62 || v < -(1L << 62)) {
                throw corrupt("an aggregated figure of " + (k < signedFrom ? Long.toUnsignedString(v) : v));
            }
        }
    }

    private void checkAllocation(long size, long node) throws CorruptCaptureException {
        long total = bytesAllocated + size;
        // One branch for the three checks on every allocation; the slow path says which failed.
        if ((Long.compareUnsigned(size, MAX_BYTES) > 0) | (Long.compareUnsigned(node, nextNodeId) >= 0) | total < 0) {
            refuseAllocation(size, node);
        }
        bytesAllocated = total;
    }

    private void refuseAllocation(long size, long node) throws CorruptCaptureException {
        if (Long.compareUnsigned(size, MAX_BYTES) > 0) {
            throw corrupt("an allocation of " + Long.toUnsignedString(size) + " bytes");
        }
        if (Long.compareUnsigned(node, nextNodeId) >= 0) {
            throw corrupt("an allocation names stack node " + Long.toUnsignedString(node) + ", which is not defined yet");
        }
        throw corrupt("the allocations add up to more than 2^63 bytes");
    }

    private void checkLine(long line) throws CorruptCaptureException {
        if (Long.compareUnsigned(line, Integer.MAX_VALUE) > 0) {
            throw corrupt("line " + Long.toUnsignedString(line) + " is out of range");
        }
    }

    private long nextId(long id, String what) throws CorruptCaptureException {
        if (id >= MAX_ID) {
            throw corrupt("more than " + MAX_ID + " " + what);
        }
        return id + 1;
    }

    /** A malformed record: the message says which record it was (its number in the stream). */
    private CorruptCaptureException corrupt(String what) {
        return new CorruptCaptureException(what + " (record " + (records + 1) + ")");
    }

    /** Where, in the last buffer given to {@link #decode}, the record being decoded began (for error offsets). */
    public int recordStart() {
        return recordStart;
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

    /**
     * MODULE: str path, str buildId, uvar bias, uvar segments, segments × (uvar start, uvar length).
     * Nothing is added until it is whole.
     */
    private void readModule(EventBatch out) throws CorruptCaptureException {
        String path = readString();
        String buildId = readString();
        long bias = readUvar();
        int segments = (int) readUvar();
        if (segments < 0 || segments > 64) {
            throw corrupt("a module with " + segments + " segments");
        }
        long[] ranges = new long[2 * segments];
        for (int i = 0; i < ranges.length; i++) {
            ranges[i] = readUvar();
        }
        out.addModule(path, buildId, bias, segments);
        for (int s = 0; s < segments; s++) {
            out.addModuleSegment(ranges[2 * s], ranges[2 * s + 1]);
        }
    }

    /** SYMBOL: uvar ip, uvar frames, frames × (str function, str file, uvar line, u8 flags); added once whole. */
    private void readSymbol(EventBatch out) throws CorruptCaptureException {
        long ip = readUvar();
        int frames = (int) readUvar();
        if (frames < 0 || frames > 256) {
            throw corrupt("a symbol with " + frames + " frames");
        }
        String[] names = new String[2 * frames];
        int[] lines = new int[frames];
        boolean[] inlined = new boolean[frames];
        for (int f = 0; f < frames; f++) {
            names[2 * f] = readString();
            names[2 * f + 1] = readString();
            long line = readUvar();
            checkLine(line);
            lines[f] = (int) line;
            inlined[f] = (readByte() & 1) != 0;
        }
        out.addSymbol(ip, frames);
        for (int f = 0; f < frames; f++) {
            out.addSymbolFrame(names[2 * f], names[2 * f + 1], lines[f], inlined[f]);
        }
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

    /** Two bytes, little-endian. */
    private long readU16() {
        int p = pos;
        if (limit - p < 2) {
            throw UNDERFLOW;
        }
        byte[] b = buf;
        pos = p + 2;
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    /** Three bytes, little-endian. */
    private long readU24() {
        long low = readU16();
        return low | (long) readByte() << 16;
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
        long[] v = new long[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = readUvar();
            // Past 2^62 a total is not a count of anything a capture can hold; it would print negative.
            if (Long.compareUnsigned(v[i], 1L << 62) > 0) {
                throw corrupt("a trailer value of " + Long.toUnsignedString(v[i]));
            }
        }
        if (v[0] > CaptureFileFormat.MAX_EPOCH_MILLIS) {
            throw corrupt("the trailer's end time is out of range");
        }
        return new Trailer(v[0], (v[1] & 1) != 0, v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], (v[1] & 2) != 0);
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
            throw corrupt("a string of " + Long.toUnsignedString(length) + " bytes");
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
