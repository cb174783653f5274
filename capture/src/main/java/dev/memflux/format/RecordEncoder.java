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
            byte tag = batch.tag[i];
            if (RecordTag.isAlloc(tag) || tag == RecordTag.FREE || tag == RecordTag.MUNMAP) {
                lastAddress = batch.address[i];
                break;
            }
        }
    }

    /** Appends the record at {@code i} of {@code batch}. */
    public void encode(EventBatch batch, int i) {
        ensure(64);
        byte tag = batch.tag[i];
        if (RecordTag.isAlloc(tag)) {
            int nativeNode = batch.nativeStack[i];
            buf[length++] = nativeNode != 0 ? (byte) (tag - RecordTag.ALLOC + RecordTag.ALLOC_NATIVE) : tag;
            address(batch.address[i]);
            uvar(batch.size[i]);
            uvar(batch.stack[i] & 0xffffffffL);
            if (nativeNode != 0) {
                uvar(nativeNode & 0xffffffffL);
            }
            return;
        }
        buf[length++] = tag;
        switch (tag) {
            case RecordTag.FREE -> address(batch.address[i]);
            case RecordTag.MUNMAP -> {
                address(batch.address[i]);
                uvar(batch.size[i]);
            }
            case RecordTag.NODE -> {
                uvar(batch.address[i]);
                uvar(batch.stack[i] & 0xffffffffL);
                uvar(batch.size[i]);
            }
            case RecordTag.FRAME -> {
                string(batch.text[batch.stack[i]]);
                string(batch.text[batch.stack[i] + 1]);
                uvar(batch.size[i]);
            }
            case RecordTag.THREAD -> {
                uvar(batch.address[i]);
                uvar(batch.size[i]);
            }
            case RecordTag.TIME, RecordTag.MEMORY -> uvar(batch.address[i]);
            case RecordTag.NATIVE_NODE -> {
                uvar(batch.stack[i] & 0xffffffffL);
                uvar(batch.address[i]);
            }
            case RecordTag.MODULE -> {
                int text = batch.stack[i];
                string(batch.text[text]);
                string(batch.text[text + 1]);
                uvar(batch.address[i]);
                int segments = (int) batch.size[i];
                uvar(segments);
                for (int k = 0; k < 2 * segments; k++) {
                    uvar(batch.numbers[batch.nativeStack[i] + k]);
                }
            }
            case RecordTag.SYMBOL -> {
                int frames = (int) batch.size[i];
                uvar(batch.address[i]);
                uvar(frames);
                for (int f = 0; f < frames; f++) {
                    long line = batch.numbers[batch.nativeStack[i] + f];
                    string(batch.text[batch.stack[i] + 2 * f]);
                    string(batch.text[batch.stack[i] + 2 * f + 1]);
                    uvar(line >>> 1);
                    ensure(1);
                    buf[length++] = (byte) (line & 1);
                }
            }
            case RecordTag.EXEC -> {
                uvar(batch.address[i]);
                string(batch.text[batch.stack[i]]);
            }
            case RecordTag.END -> { }
            default -> throw new IllegalArgumentException("cannot encode tag " + tag);
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
        uvar((delta << 1) ^ (delta >> 63));
    }

    private void ensure(int more) {
        if (length + more > buf.length) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}
