package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;

/** Builds batches for tests, one record per call. */
final class Batches {
    final EventBatch batch = new EventBatch();

    Batches frame(String function, String file) {
        batch.addFrame(function, file, 1);
        return this;
    }

    Batches node(int parent, int frame, int line) {
        batch.add(RecordTag.NODE, parent, line, frame);
        return this;
    }

    Batches malloc(long address, long size, int node) {
        batch.add(AllocatorKind.MALLOC.tag(), address, size, node);
        return this;
    }

    Batches mmap(long address, long size, int node) {
        batch.add(AllocatorKind.MMAP.tag(), address, size, node);
        return this;
    }

    Batches free(long address) {
        batch.add(RecordTag.FREE, address, 0, 0);
        return this;
    }

    Batches munmap(long address, long length) {
        batch.add(RecordTag.MUNMAP, address, length, 0);
        return this;
    }

    Batches time(long deltaMillis) {
        batch.add(RecordTag.TIME, deltaMillis, 0, 0);
        return this;
    }

    Batches exec(String path, int error) {
        batch.add(RecordTag.EXEC, error, 0, batch.addText(path));
        return this;
    }

    Batches end() {
        batch.add(RecordTag.END, 0, 0, 0);
        return this;
    }

    EventBatch build() {
        return batch;
    }
}
