package dev.memflux.pipeline;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.EventBatch;

/** Builds batches for tests, one record per call. */
final class Batches {
    final EventBatch batch = new EventBatch();

    Batches frame(String function, String file) {
        batch.addFrame(function, file, 1);
        return this;
    }

    Batches node(int parent, int frame, int line) {
        batch.addNode(parent, frame, line);
        return this;
    }

    Batches malloc(long address, long size, int node) {
        batch.addAlloc(AllocatorKind.MALLOC.ordinal(), address, size, node, 0);
        return this;
    }

    Batches mmap(long address, long size, int node) {
        batch.addAlloc(AllocatorKind.MMAP.ordinal(), address, size, node, 0);
        return this;
    }

    Batches free(long address) {
        batch.addFree(address);
        return this;
    }

    Batches munmap(long address, long length) {
        batch.addMunmap(address, length);
        return this;
    }

    Batches thread(int number) {
        return thread(number, 1000 + number);
    }

    Batches thread(int number, int tid) {
        batch.addThread(number, tid);
        return this;
    }

    Batches time(long deltaMillis) {
        batch.addTime(deltaMillis);
        return this;
    }

    Batches memory(long rssBytes) {
        batch.addMemory(rssBytes);
        return this;
    }

    Batches exec(String path, int error) {
        batch.addExec(error, path);
        return this;
    }

    Batches sampling(long meanBytes) {
        batch.addSampling(meanBytes);
        return this;
    }

    Batches end() {
        batch.addEnd();
        return this;
    }

    EventBatch build() {
        return batch;
    }
}
