package dev.memflux.benchmarks;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordDecoder;
import dev.memflux.format.RecordEncoder;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.List;

/**
 * Batches written in the forms the agent picks (stream.c: ALLOC_NEXT, ALLOC_REUSE, the
 * 16-byte forms, FREE_RECENT, FREE16_U16/U24), so that JMH decodes what a capture holds and
 * not only the byte forms {@link RecordEncoder} writes. A mirror of the agent's encoder, for
 * measuring only: GoldenStreamTest proves the agent's own bytes decode.
 */
final class AgentForms {
    private final RecordEncoder others = new RecordEncoder(256);
    private final long[] recent = new long[RecordDecoder.RECENT_SLOTS];
    private final long[] reuse = new long[RecordDecoder.REUSE_SLOTS];
    private byte[] buf = new byte[1 << 20];
    private int length;
    private long lastAddress;
    private long lastNode;
    private int lastKind;
    private long nextGuess;

    static byte[] encode(List<EventBatch> batches) {
        AgentForms forms = new AgentForms();
        for (EventBatch b : batches) {
            for (int i = 0; i < b.count; i++) {
                byte tag = b.tag(i);
                if (RecordTag.isAlloc(tag)) {
                    forms.alloc(b.allocKind(i), b.allocAddress(i), b.allocSize(i), b.allocNode(i));
                } else if (tag == RecordTag.FREE) {
                    forms.free(b.freeAddress(i));
                } else {
                    forms.others.reset();
                    forms.others.encode(b, i);
                    forms.put(forms.others.buffer(), forms.others.length());
                }
            }
        }
        return Arrays.copyOf(forms.buf, forms.length);
    }

    private void alloc(int kind, long address, long size, long node) {
        int slot = reuseSlot(address);
        boolean sameNode = node == lastNode;
        long delta = address - lastAddress;
        if (address == nextGuess) {
            put((sameNode ? RecordTag.ALLOC_NEXT_SAME_NODE : RecordTag.ALLOC_NEXT) + kind);
        } else if (sameNode && kind == lastKind && reuse[slot] == address && address != 0) {
            put(RecordTag.ALLOC_REUSE + (slot >> 8));
            put(slot & 0xff);
        } else if ((delta & 15) == 0) {
            put((sameNode ? RecordTag.ALLOC16_SAME_NODE : RecordTag.ALLOC16) + kind);
            uvar(zigzag(delta >> 4));
        } else {
            put(RecordTag.ALLOC + kind);
            uvar(zigzag(delta));
            sameNode = false;
        }
        uvar(size);
        if (!sameNode) {
            uvar(node);
        }
        long end = address + Math.max(32, (size + 8 + 15) & ~15L);
        lastAddress = address;
        lastNode = node;
        lastKind = kind;
        nextGuess = end;
        recent[recentSlot(address)] = address;
        reuse[reuseSlot(end)] = end;
    }

    private void free(long address) {
        int slot = recentSlot(address);
        long delta = address - lastAddress;
        if (recent[slot] == address && address != 0) {
            recent[slot] = 0;
            put(RecordTag.FREE_RECENT + (slot >> 8));
            put(slot & 0xff);
        } else if ((delta & 15) != 0) {
            put(RecordTag.FREE);
            uvar(zigzag(delta));
        } else {
            long v = zigzag(delta >> 4);
            if (v >= 1 << 14 && v < 7 << 16) {
                put(RecordTag.FREE16_U16 + (int) (v >> 16));
                put((int) v & 0xff);
                put((int) (v >> 8) & 0xff);
            } else if (v >= 1 << 21 && v < 8 << 24) {
                put(RecordTag.FREE16_U24 + (int) (v >> 24));
                put((int) v & 0xff);
                put((int) (v >> 8) & 0xff);
                put((int) (v >> 16) & 0xff);
            } else {
                put(RecordTag.FREE16);
                uvar(v);
            }
        }
        lastAddress = address;
        reuse[reuseSlot(address)] = address;
    }

    private static int recentSlot(long a) {
        return (int) ((a >>> 4) ^ (a >>> 18)) & (RecordDecoder.RECENT_SLOTS - 1);
    }

    private static int reuseSlot(long a) {
        return (int) ((a >>> 4) ^ (a >>> 17)) & (RecordDecoder.REUSE_SLOTS - 1);
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private void uvar(long v) {
        while ((v & ~0x7fL) != 0) {
            put((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        put((int) v);
    }

    private void put(int b) {
        if (length == buf.length) {
            buf = Arrays.copyOf(buf, 2 * length);
        }
        buf[length++] = (byte) b;
    }

    private void put(byte[] bytes, int n) {
        for (int i = 0; i < n; i++) {
            put(bytes[i]);
        }
    }
}
