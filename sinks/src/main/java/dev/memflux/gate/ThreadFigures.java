package dev.memflux.gate;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.function.Consumer;

/**
 * Per-thread figures, seen in the same pass as the aggregator (an observer of the same
 * batches): an allocation belongs to the thread that made it (memflux's thread number:
 * 1 is the thread that started tracking, the others by first appearance), a free to the
 * allocation's thread whichever thread frees it. A thread's peak is the most its own
 * allocations held at once. Runs on the reader's thread; per event no allocation.
 */
public final class ThreadFigures implements Consumer<EventBatch> {
    private final GroupFigures figures = new GroupFigures();
    private int thread = 1;

    public ThreadFigures() {
        figures.ensure(1);
    }

    @Override
    public void accept(EventBatch batch) {
        for (int i = 0; i < batch.count; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                figures.allocated(batch.allocAddress(i), batch.allocSize(i), thread);
            } else if (tag == RecordTag.FREE) {
                figures.released(batch.freeAddress(i), Long.MAX_VALUE);
            } else if (tag == RecordTag.MUNMAP) {
                figures.released(batch.munmapAddress(i), batch.munmapLength(i));
            } else if (tag == RecordTag.THREAD) {
                thread = Math.max(0, batch.threadNumber(i));
                figures.ensure(thread); // a new thread: once per thread, not per event
            }
        }
    }

    /** The figures of thread {@code number} (all zero for a thread that never allocated). */
    public ScopeFigures of(int number) {
        if (number >= figures.groups()) {
            return ScopeFigures.of(0, 0, 0, 0);
        }
        return ScopeFigures.of(figures.peak(number), figures.live(number), figures.bytes(number), figures.count(number));
    }
}
