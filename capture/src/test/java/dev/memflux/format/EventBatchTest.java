package dev.memflux.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventBatchTest {
    /** Every field given to an adder comes back from the reader of that name, whatever records share the batch. */
    @Test
    void everyRecordReadsBackFieldByField() {
        EventBatch b = new EventBatch();
        b.addThread(3, 70_001);
        b.addFrame("load", "/srv/app.py", 41);
        b.addNode(5, 2, 44);
        b.addModule("/usr/lib/libz.so.1", "9f1c", 0x7f00_0000_0000L, 2);
        b.addModuleSegment(0x7f00_0000_1000L, 0x5000);
        b.addModuleSegment(0x7f00_0001_0000L, 0x800);
        b.addSymbol(0x7f00_0000_2345L, 2);
        b.addSymbolFrame("inflate_fast", "inffast.c", 77, true);
        b.addSymbolFrame("inflate", "inflate.c", 1210, false);
        b.addExec(13, "/bin/ls");
        b.addNativeNode(9, 0x7f00_0000_1234L);
        b.addAlloc(AllocatorKind.POSIX_MEMALIGN.ordinal(), 0x5555_0000_1000L, 4096, 6, 8);
        b.addAlloc(AllocatorKind.CALLOC.ordinal(), 0x5555_0000_3000L, 24, 7, 0);
        b.addFree(0x5555_0000_1000L);
        b.addMunmap(0x7e00_0000_0000L, 8192);
        b.addTime(17);
        b.addMemory(123_456_789);
        b.addEnd();

        int i = 0;
        assertEquals(RecordTag.THREAD, b.tag(i));
        assertEquals(3, b.threadNumber(i));
        assertEquals(70_001, b.threadTid(i));
        i++;
        assertEquals(RecordTag.FRAME, b.tag(i));
        assertEquals("load", b.frameFunction(i));
        assertEquals("/srv/app.py", b.frameFile(i));
        assertEquals(41, b.frameFirstLine(i));
        i++;
        assertEquals(RecordTag.NODE, b.tag(i));
        assertEquals(5, b.nodeParent(i));
        assertEquals(2, b.nodeFrame(i));
        assertEquals(44, b.nodeLine(i));
        i++;
        assertEquals(RecordTag.MODULE, b.tag(i));
        assertEquals("/usr/lib/libz.so.1", b.modulePath(i));
        assertEquals("9f1c", b.moduleBuildId(i));
        assertEquals(0x7f00_0000_0000L, b.moduleBias(i));
        assertEquals(2, b.moduleSegments(i));
        assertEquals(0x7f00_0000_1000L, b.moduleSegmentStart(i, 0));
        assertEquals(0x5000, b.moduleSegmentLength(i, 0));
        assertEquals(0x7f00_0001_0000L, b.moduleSegmentStart(i, 1));
        assertEquals(0x800, b.moduleSegmentLength(i, 1));
        i++;
        assertEquals(RecordTag.SYMBOL, b.tag(i));
        assertEquals(0x7f00_0000_2345L, b.symbolIp(i));
        assertEquals(2, b.symbolFrames(i));
        assertEquals("inflate_fast", b.symbolFunction(i, 0));
        assertEquals("inffast.c", b.symbolFile(i, 0));
        assertEquals(77, b.symbolLine(i, 0));
        assertTrue(b.symbolInlined(i, 0));
        assertEquals("inflate", b.symbolFunction(i, 1));
        assertEquals("inflate.c", b.symbolFile(i, 1));
        assertEquals(1210, b.symbolLine(i, 1));
        assertFalse(b.symbolInlined(i, 1));
        i++;
        assertEquals(RecordTag.EXEC, b.tag(i));
        assertEquals(13, b.execError(i));
        assertEquals("/bin/ls", b.execPath(i));
        i++;
        assertEquals(RecordTag.NATIVE_NODE, b.tag(i));
        assertEquals(9, b.nativeNodeParent(i));
        assertEquals(0x7f00_0000_1234L, b.nativeNodeIp(i));
        i++;
        assertEquals(AllocatorKind.POSIX_MEMALIGN.tag(), b.tag(i));
        assertEquals(AllocatorKind.POSIX_MEMALIGN.ordinal(), b.allocKind(i));
        assertEquals(0x5555_0000_1000L, b.allocAddress(i));
        assertEquals(4096, b.allocSize(i));
        assertEquals(6, b.allocNode(i));
        assertEquals(8, b.allocNativeNode(i));
        i++;
        assertEquals(AllocatorKind.CALLOC.ordinal(), b.allocKind(i));
        assertEquals(24, b.allocSize(i));
        assertEquals(7, b.allocNode(i));
        assertEquals(0, b.allocNativeNode(i));
        i++;
        assertEquals(RecordTag.FREE, b.tag(i));
        assertEquals(0x5555_0000_1000L, b.freeAddress(i));
        i++;
        assertEquals(RecordTag.MUNMAP, b.tag(i));
        assertEquals(0x7e00_0000_0000L, b.munmapAddress(i));
        assertEquals(8192, b.munmapLength(i));
        i++;
        assertEquals(RecordTag.TIME, b.tag(i));
        assertEquals(17, b.timeDelta(i));
        i++;
        assertEquals(RecordTag.MEMORY, b.tag(i));
        assertEquals(123_456_789, b.memoryRss(i));
        i++;
        assertEquals(RecordTag.END, b.tag(i));
        assertEquals(i + 1, b.count);
    }

    /** A copy reads the same records by name, its strings and numbers included, and the original can be reused. */
    @Test
    void aCopyKeepsEveryRecordAfterTheOriginalIsCleared() {
        EventBatch b = new EventBatch();
        b.addFrame("main", "prog.py", 1);
        b.addSymbol(0x1234, 1);
        b.addSymbolFrame("helper", "helper.c", 9, false);
        b.addExec(0, "/bin/true");
        EventBatch copy = new EventBatch();
        copy.copyFrom(b);
        b.clear();
        b.addFrame("other", "other.py", 2);
        assertEquals(3, copy.count);
        assertEquals("main", copy.frameFunction(0));
        assertEquals("helper.c", copy.symbolFile(1, 0));
        assertEquals(9, copy.symbolLine(1, 0));
        assertEquals("/bin/true", copy.execPath(2));
        assertTrue(copy.hasExec());
    }

    /** The file's encoder seals blocks on capture time and at an EXEC without a pass over the records. */
    @Test
    void theTimeABatchSpansAndItsExecAreKnownFromTheAdders() {
        EventBatch b = new EventBatch();
        b.addTime(17);
        b.addFree(0x1000);
        b.addTime(5);
        assertEquals(22, b.timeMillis());
        assertFalse(b.hasExec());
        b.addExec(2, "/missing");
        assertTrue(b.hasExec());
        EventBatch copy = new EventBatch();
        copy.copyFrom(b);
        assertEquals(22, copy.timeMillis());
        b.clear();
        assertEquals(0, b.timeMillis());
        assertFalse(b.hasExec());
    }
}
