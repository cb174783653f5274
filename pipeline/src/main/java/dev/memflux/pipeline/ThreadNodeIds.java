package dev.memflux.pipeline;

import java.util.Arrays;

/**
 * A small integer for each (thread, stack node) pair seen, handed out in order from 0: the
 * per-thread figures ({@link ThreadFigures}) are kept per pair, in plain arrays. Stack nodes
 * are shared by threads that run the same code, so the node alone cannot say whose an
 * allocation was. Open addressing with linear probing; pairs are never removed.
 *
 * <p>Owned by the pipeline thread; not thread-safe.
 */
final class ThreadNodeIds {
    private long[] keys = new long[1024];
    /** id + 1 of the pair in the same slot; 0: the slot is empty. */
    private int[] ids = new int[1024];
    private int[] threadOf = new int[512];
    private int[] nodeOf = new int[512];
    private int count;

    /** The pair's id, made on first sight. */
    int id(int thread, int node) {
        long key = ((long) thread << 32) | (node & 0xFFFF_FFFFL);
        int mask = keys.length - 1;
        int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
        while (ids[slot] != 0) {
            if (keys[slot] == key) {
                return ids[slot] - 1;
            }
            slot = (slot + 1) & mask;
        }
        int id = count++;
        if (id == threadOf.length) {
            threadOf = Arrays.copyOf(threadOf, id * 2);
            nodeOf = Arrays.copyOf(nodeOf, id * 2);
        }
        threadOf[id] = thread;
        nodeOf[id] = node;
        keys[slot] = key;
        ids[slot] = id + 1;
        if (count * 2 > keys.length) {
            rehash();
        }
        return id;
    }

    private void rehash() {
        long[] oldKeys = keys;
        int[] oldIds = ids;
        keys = new long[oldKeys.length * 2];
        ids = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldIds[i] != 0) {
                int slot = (int) ((oldKeys[i] * 0x9E3779B97F4A7C15L) >>> 32) & mask;
                while (ids[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                ids[slot] = oldIds[i];
            }
        }
    }

    int count() {
        return count;
    }

    int thread(int id) {
        return threadOf[id];
    }

    int node(int id) {
        return nodeOf[id];
    }
}
