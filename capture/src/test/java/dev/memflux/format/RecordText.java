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
        byte tag = b.tag(i);
        if (RecordTag.isAlloc(tag)) {
            return String.format("ALLOC %s 0x%x size=%d node=%d native=%d", AllocatorKind.of(b.allocKind(i)).functionName(),
                    b.allocAddress(i), b.allocSize(i), b.allocNode(i), b.allocNativeNode(i));
        }
        return switch (tag) {
            case RecordTag.THREAD -> "THREAD " + b.threadNumber(i) + " tid=" + b.threadTid(i);
            case RecordTag.FRAME -> "FRAME " + b.frameFunction(i) + " " + b.frameFile(i) + " first=" + b.frameFirstLine(i);
            case RecordTag.NODE -> "NODE parent=" + b.nodeParent(i) + " frame=" + b.nodeFrame(i) + " line=" + b.nodeLine(i);
            case RecordTag.TIME -> "TIME +" + b.timeDelta(i);
            case RecordTag.MEMORY -> "MEMORY rss=" + b.memoryRss(i);
            case RecordTag.SAMPLING -> "SAMPLING meanBytes=" + b.samplingMeanBytes(i);
            case RecordTag.FREE -> String.format("FREE 0x%x", b.freeAddress(i));
            case RecordTag.MUNMAP -> String.format("MUNMAP 0x%x length=%d", b.munmapAddress(i), b.munmapLength(i));
            case RecordTag.END -> "END";
            case RecordTag.EXEC -> "EXEC error=" + b.execError(i) + " " + b.execPath(i);
            case RecordTag.NATIVE_NODE -> String.format("NATIVE_NODE parent=%d ip=0x%x", b.nativeNodeParent(i), b.nativeNodeIp(i));
            case RecordTag.MODULE -> {
                StringBuilder s = new StringBuilder(String.format("MODULE %s build=%s bias=0x%x", b.modulePath(i),
                        b.moduleBuildId(i), b.moduleBias(i)));
                for (int k = 0; k < b.moduleSegments(i); k++) {
                    s.append(String.format(" [0x%x+0x%x]", b.moduleSegmentStart(i, k), b.moduleSegmentLength(i, k)));
                }
                yield s.toString();
            }
            case RecordTag.SYMBOL -> {
                StringBuilder s = new StringBuilder(String.format("SYMBOL ip=0x%x", b.symbolIp(i)));
                for (int f = 0; f < b.symbolFrames(i); f++) {
                    s.append(" [").append(b.symbolFunction(i, f)).append(' ').append(b.symbolFile(i, f))
                            .append(':').append(b.symbolLine(i, f)).append(b.symbolInlined(i, f) ? " inlined]" : "]");
                }
                yield s.toString();
            }
            case RecordTag.NODE_FIGURES -> String.format("NODE_FIGURES node=%d native=%d allocations=%d bytes=%d "
                    + "frees=%d peak=%d/%d leaked=%d/%d", b.figuresNode(i), b.figuresNativeNode(i),
                    b.figuresAllocations(i), b.figuresBytes(i), b.figuresFrees(i), b.figuresPeakAllocations(i),
                    b.figuresPeakBytes(i), b.figuresLeakedAllocations(i), b.figuresLeakedBytes(i));
            case RecordTag.NATIVE_FIGURES -> "NATIVE_FIGURES native=" + b.nativeFiguresNode(i) + " allocations="
                    + b.nativeFiguresAllocations(i) + " bytes=" + b.nativeFiguresBytes(i);
            case RecordTag.RUN_TOTALS -> {
                StringBuilder s = new StringBuilder("RUN_TOTALS exec=" + b.runTotalsExecPath(i));
                for (int k = 0; k < b.runTotalsCount(i); k++) {
                    s.append(' ').append(b.runTotal(i, k));
                }
                yield s.toString();
            }
            default -> throw new IllegalArgumentException("no text for tag " + tag);
        };
    }
}
