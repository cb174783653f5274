package dev.memflux.format;

import java.nio.charset.StandardCharsets;

/**
 * Encodes records in the record language (docs/FORMAT.md) into a growable byte array.
 * The mirror of {@link RecordDecoder}: one encoder writes one stream, since addresses
 * are delta-encoded against the previous record.
 *
 * <p>Used by the thread that owns the stream (the file sink's stage); not thread-safe.
 */
public final class RecordEncoder {
    private byte[] buf;
    private int length;
    private long lastAddress;

    public RecordEncoder(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return length;
    }

    /** Forgets the bytes written (not the address state: the stream goes on). */
    public void reset() {
        length = 0;
    }

    /**
     * Appends every record of {@code batch}: a copy of its {@link EventBatch#raw} bytes when
     * it was decoded from a stream (the same language, so nothing to encode), otherwise
     * record by record.
     */
    public void encodeAll(EventBatch batch) {
        EventBatch extra = batch.extraOrNull();
        if (extra != null) {
            for (int i = 0; i < extra.count; i++) {
                encode(extra, i);
            }
        }
        if (batch.rawLength == 0 || batch.count == 0) {
            for (int i = 0; i < batch.count; i++) {
                encode(batch, i);
            }
            return;
        }
        ensure(batch.rawLength);
        System.arraycopy(batch.raw, 0, buf, length, batch.rawLength);
        length += batch.rawLength;
        // Keep the delta state in step, in case records encoded one by one follow.
        for (int i = batch.count - 1; i >= 0; i--) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                lastAddress = batch.allocAddress(i);
                break;
            } else if (tag == RecordTag.FREE) {
                lastAddress = batch.freeAddress(i);
                break;
            } else if (tag == RecordTag.MUNMAP) {
                lastAddress = batch.munmapAddress(i);
                break;
            }
        }
    }

    /** Appends the record at {@code i} of {@code batch}, laid out as docs/FORMAT.md says. */
    public void encode(EventBatch batch, int i) {
        ensure(64);
        byte tag = batch.tag(i);
        if (RecordTag.isAlloc(tag)) {
            encodeAlloc(batch, i);
            return;
        }
        buf[length++] = tag;
        switch (tag) {
            case RecordTag.FREE -> address(batch.freeAddress(i));
            case RecordTag.MUNMAP -> {
                address(batch.munmapAddress(i));
                uvar(batch.munmapLength(i));
            }
            case RecordTag.NODE -> {
                uvar(batch.nodeParent(i));
                uvar(batch.nodeFrame(i));
                uvar(batch.nodeLine(i));
            }
            case RecordTag.FRAME -> {
                string(batch.frameFunction(i));
                string(batch.frameFile(i));
                uvar(batch.frameFirstLine(i));
            }
            case RecordTag.THREAD -> {
                uvar(batch.threadNumber(i));
                uvar(batch.threadTid(i));
            }
            case RecordTag.TIME -> uvar(batch.timeDelta(i));
            case RecordTag.MEMORY -> uvar(batch.memoryRss(i));
            case RecordTag.SAMPLING -> uvar(batch.samplingMeanBytes(i));
            case RecordTag.NATIVE_NODE -> {
                uvar(batch.nativeNodeParent(i));
                uvar(batch.nativeNodeIp(i));
            }
            case RecordTag.MODULE -> encodeModule(batch, i);
            case RecordTag.SYMBOL -> encodeSymbol(batch, i);
            case RecordTag.EXEC -> {
                uvar(batch.execError(i));
                string(batch.execPath(i));
            }
            case RecordTag.END -> { }
            case RecordTag.NODE_FIGURES -> encodeNodeFigures(batch, i);
            case RecordTag.NATIVE_FIGURES -> {
                uvar(batch.nativeFiguresNode(i));
                uvar(batch.nativeFiguresAllocations(i));
                uvar(batch.nativeFiguresBytes(i));
            }
            case RecordTag.RUN_TOTALS -> {
                int n = batch.runTotalsCount(i);
                uvar(n);
                for (int k = 0; k < n; k++) {
                    uvar(batch.runTotal(i, k));
                }
                string(batch.runTotalsExecPath(i));
            }
            default -> throw new IllegalArgumentException("cannot encode tag " + tag);
        }
    }

    /** ALLOC, or ALLOC_NATIVE when it has a native stack: svar addressDelta, uvar size, uvar node [, uvar nativeNode]. */
    private void encodeAlloc(EventBatch batch, int i) {
        int nativeNode = batch.allocNativeNode(i);
        int kind = batch.allocKind(i);
        buf[length++] = (byte) ((nativeNode != 0 ? RecordTag.ALLOC_NATIVE : RecordTag.ALLOC) + kind);
        address(batch.allocAddress(i));
        uvar(batch.allocSize(i));
        uvar(batch.allocNode(i) & 0xffffffffL);
        if (nativeNode != 0) {
            uvar(nativeNode & 0xffffffffL);
        }
    }

    private void encodeNodeFigures(EventBatch batch, int i) {
        uvar(batch.figuresNode(i));
        uvar(batch.figuresNativeNode(i));
        uvar(batch.figuresAllocations(i));
        uvar(batch.figuresBytes(i));
        uvar(batch.figuresFrees(i));
        svar(batch.figuresPeakAllocations(i));
        svar(batch.figuresPeakBytes(i));
        svar(batch.figuresLeakedAllocations(i));
        svar(batch.figuresLeakedBytes(i));
    }

    private void encodeModule(EventBatch batch, int i) {
        string(batch.modulePath(i));
        string(batch.moduleBuildId(i));
        uvar(batch.moduleBias(i));
        int segments = batch.moduleSegments(i);
        uvar(segments);
        for (int s = 0; s < segments; s++) {
            uvar(batch.moduleSegmentStart(i, s));
            uvar(batch.moduleSegmentLength(i, s));
        }
    }

    private void encodeSymbol(EventBatch batch, int i) {
        int frames = batch.symbolFrames(i);
        uvar(batch.symbolIp(i));
        uvar(frames);
        for (int f = 0; f < frames; f++) {
            string(batch.symbolFunction(i, f));
            string(batch.symbolFile(i, f));
            uvar(batch.symbolLine(i, f));
            ensure(1);
            buf[length++] = (byte) (batch.symbolInlined(i, f) ? 1 : 0);
        }
    }

    public void encodeHello(CaptureHeader h) {
        ensure(32);
        buf[length++] = RecordTag.HELLO;
        uvar(h.pid());
        uvar(h.ppid());
        uvar(h.startMillis());
        uvar(h.flags());
        string(h.pythonVersion());
        string(h.commandLine());
    }

    public void encodeTrailer(Trailer t) {
        ensure(128);
        buf[length++] = RecordTag.TRAILER;
        uvar(t.endMillis());
        uvar((t.cutShort() ? 1 : 0) | (t.totalsUnavailable() ? 2 : 0));
        uvar(t.allocations());
        uvar(t.frees());
        uvar(t.bytesAllocated());
        uvar(t.peakBytes());
        uvar(t.peakMillis());
        uvar(t.leakedBytes());
        uvar(t.leakedAllocations());
        uvar(t.events());
    }

    public void uvar(long v) {
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            buf[length++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[length++] = (byte) v;
    }

    public void string(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        uvar(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, length, bytes.length);
        length += bytes.length;
    }

    private void address(long address) {
        long delta = address - lastAddress;
        lastAddress = address;
        svar(delta);
    }

    private void svar(long v) {
        uvar((v << 1) ^ (v >> 63));
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}
