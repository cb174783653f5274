package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The figures of an {@link Aggregator} kept apart by thread ({@code --split-threads}): a
 * second aggregator sees every allocation under a stack id of its own for each pair
 * (thread, stack node), so its per-node arrays ({@code peakBytesByNode()} and the
 * others) are indexed by pair, and {@link #thread} and {@link #node} say what a pair is.
 * Frees and unmaps need no thread: the live set finds the pair by address. The heap is
 * the same, so the peak is the same moment as the main aggregator's.
 *
 * <p>Costs a second live set and a second pass over each batch's allocations, so only
 * the reports that ask for it run it. Runs on the thread that delivers the batches (a
 * copy of each batch's allocation records is made into one reused batch); not
 * thread-safe; the pair map grows by doubling, nothing else allocates per batch.
 */
public final class ThreadSplit implements Consumer<EventBatch> {
    private static final long EMPTY = -1;
    private final Aggregator byPair = new Aggregator();
    private final EventBatch copy = new EventBatch();
    /** The thread the records being read happen on (THREAD records switch it; 0 before the first). */
    private int thread;
    private int[] tids = new int[16];
    /** Open addressing: (thread << 32 | node) → pair id. */
    private long[] keys = new long[1024];
    private int[] ids = new int[1024];
    private int[] pairThread = new int[1024];
    private int[] pairNode = new int[1024];
    /** Pair ids run from 1; 0 is never given, as stack node 0 is no stack. */
    private int pairs = 1;

    public ThreadSplit() {
        Arrays.fill(keys, EMPTY);
    }

    @Override
    public void accept(EventBatch batch) {
        copy.clear();
        for (int i = 0; i < batch.count; i++) {
            byte tag = batch.tag(i);
            if (RecordTag.isAlloc(tag)) {
                copy.addAlloc(batch.allocKind(i), batch.allocAddress(i), batch.allocSize(i),
                        pair(thread, batch.allocNode(i)), batch.allocNativeNode(i));
            } else if (tag == RecordTag.FREE) {
                copy.addFree(batch.freeAddress(i));
            } else if (tag == RecordTag.MUNMAP) {
                copy.addMunmap(batch.munmapAddress(i), batch.munmapLength(i));
            } else if (tag == RecordTag.THREAD) {
                thread = batch.threadNumber(i);
                if (thread >= tids.length) {
                    tids = Arrays.copyOf(tids, Math.max(tids.length * 2, thread + 1));
                }
                tids[thread] = batch.threadTid(i);
            }
        }
        byPair.accept(copy);
    }

    private int pair(int threadNumber, int node) {
        long key = (long) threadNumber << 32 | node;
        int mask = keys.length - 1;
        int slot = Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask;
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return ids[slot];
            }
            slot = (slot + 1) & mask;
        }
        if (pairs == pairThread.length) {
            pairThread = Arrays.copyOf(pairThread, pairs * 2);
            pairNode = Arrays.copyOf(pairNode, pairs * 2);
        }
        pairThread[pairs] = threadNumber;
        pairNode[pairs] = node;
        keys[slot] = key;
        ids[slot] = pairs;
        if (pairs * 2 > keys.length) {
            rehash();
        }
        return pairs++;
    }

    private void rehash() {
        long[] oldKeys = keys;
        int[] oldIds = ids;
        keys = new long[oldKeys.length * 2];
        ids = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        int mask = keys.length - 1;
        for (int s = 0; s < oldKeys.length; s++) {
            if (oldKeys[s] != EMPTY) {
                int slot = Long.hashCode(oldKeys[s] * 0x9E3779B97F4A7C15L) & mask;
                while (keys[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[s];
                ids[slot] = oldIds[s];
            }
        }
    }

    /** The aggregator whose per-node figures are indexed by pair. */
    public Aggregator byPair() {
        return byPair;
    }

    /** Pair ids run from 1 to {@code pairs() - 1}. */
    public int pairs() {
        return pairs;
    }

    /** memflux's number of the pair's thread (1: the thread that started tracking; 0: before any THREAD record). */
    public int thread(int pair) {
        return pairThread[pair];
    }

    /** The pair's stack node, in the main aggregator's stack table. */
    public int node(int pair) {
        return pairNode[pair];
    }

    /** The kernel's tid of a thread, 0 if unknown. */
    public int tid(int threadNumber) {
        return threadNumber < tids.length ? tids[threadNumber] : 0;
    }
}
