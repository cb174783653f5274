package dev.memflux.format;

import java.util.ArrayList;
import java.util.List;

/** Records of a batch as text, every field named, for tests that compare whole streams. */
final class RecordText {
    private RecordText() {}

    static List<String> of(EventBatch b) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < b.count; i++) {
            rows.add(of(b, i));
        }
        return rows;
    }

    static String of(EventBatch b, int i) {
        byte tag = b.tag[i];
        if (RecordTag.isAlloc(tag)) {
            return String.format("ALLOC %s 0x%x size=%d node=%d native=%d", AllocatorKind.of(tag - RecordTag.ALLOC).functionName(),
                    b.address[i], b.size[i], b.stack[i], b.nativeStack[i]);
        }
        return switch (tag) {
            case RecordTag.THREAD -> "THREAD " + b.address[i] + " tid=" + b.size[i];
            case RecordTag.FRAME -> "FRAME " + b.text[b.stack[i]] + " " + b.text[b.stack[i] + 1] + " first=" + b.size[i];
            case RecordTag.NODE -> "NODE parent=" + b.address[i] + " frame=" + b.stack[i] + " line=" + b.size[i];
            case RecordTag.TIME -> "TIME +" + b.address[i];
            case RecordTag.MEMORY -> "MEMORY rss=" + b.address[i];
            case RecordTag.FREE -> String.format("FREE 0x%x", b.address[i]);
            case RecordTag.MUNMAP -> String.format("MUNMAP 0x%x length=%d", b.address[i], b.size[i]);
            case RecordTag.END -> "END";
            case RecordTag.NATIVE_NODE -> String.format("NATIVE_NODE parent=%d ip=0x%x", b.stack[i], b.address[i]);
            case RecordTag.MODULE -> {
                StringBuilder s = new StringBuilder(String.format("MODULE %s build=%s bias=0x%x", b.text[b.stack[i]],
                        b.text[b.stack[i] + 1], b.address[i]));
                for (int k = 0; k < b.size[i]; k++) {
                    s.append(String.format(" [0x%x+0x%x]", b.numbers[b.nativeStack[i] + 2 * k],
                            b.numbers[b.nativeStack[i] + 2 * k + 1]));
                }
                yield s.toString();
            }
            case RecordTag.SYMBOL -> {
                StringBuilder s = new StringBuilder(String.format("SYMBOL ip=0x%x", b.address[i]));
                for (int f = 0; f < b.size[i]; f++) {
                    long line = b.numbers[b.nativeStack[i] + f];
                    s.append(" [").append(b.text[b.stack[i] + 2 * f]).append(' ').append(b.text[b.stack[i] + 2 * f + 1])
                            .append(':').append(line >>> 1).append((line & 1) != 0 ? " inlined]" : "]");
                }
                yield s.toString();
            }
            default -> throw new IllegalArgumentException("no text for tag " + tag);
        };
    }
}
