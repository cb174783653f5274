package dev.memflux.pipeline;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The heap and the resident set over time, in at most {@code capacity} points, for the
 * reports' time charts. It runs after an {@link Aggregator} in the same pass and samples
 * the heap once a batch: at the batch's end, and at the peak when the batch raised it, so
 * the chart's highest point is the heap's true peak. The resident set is taken from each
 * MEMORY record at its own time (read from the batch's TIME records), so its peaks are
 * not lost between batches. A point that saw no sample of one series holds -1 for it.
 * When the points fill up, neighbours are merged pairwise (the higher values kept), which
 * doubles the time a point covers: memory stays bounded however long the capture is.
 *
 * <p>Runs on the thread that delivers the batches; not thread-safe. Allocates nothing
 * per batch (a merge works in place).
 */
public final class HeapTimeline implements Consumer<EventBatch> {
    private final Aggregator totals;
    private final long[] millis;
    private final long[] heap;
    private final long[] rss;
    private int size;
    /** A point covers {@code [k * span, (k + 1) * span)} ms. */
    private long span = 1;
    private long lastPeak = -1;
    /** The aggregator's clock when the last batch ended: where this batch's TIME deltas start. */
    private long batchStart;

    public HeapTimeline(Aggregator totals, int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("a timeline needs at least 2 points, not " + capacity);
        }
        this.totals = totals;
        millis = new long[capacity];
        heap = new long[capacity];
        rss = new long[capacity];
        add(0, 0, -1); // tracking starts with nothing allocated
        batchStart = totals.clockMillis();
    }

    @Override
    public void accept(EventBatch batch) {
        long end = totals.clockMillis();
        // The aggregator's clock is at the batch's end; it moves by TIME records alone, and
        // every batch it saw comes here, so the last batch's end is this one's start.
        long at = batchStart;
        batchStart = end;
        boolean peaked = totals.peakBytes() != lastPeak;
        lastPeak = totals.peakBytes();
        for (int i = 0; i < batch.count; i++) {
            byte tag = batch.tag(i);
            if (tag == RecordTag.TIME) {
                at += batch.timeDelta(i);
            } else if (tag == RecordTag.MEMORY) {
                if (peaked && at > totals.peakMillis()) {
                    peaked = false; // the points go in time order: the peak first
                    add(totals.peakMillis(), lastPeak, -1);
                }
                add(at, -1, batch.memoryRss(i));
            }
        }
        if (peaked) {
            add(totals.peakMillis(), lastPeak, -1);
        }
        add(end, totals.heapBytes(), -1);
    }

    private void add(long at, long heapBytes, long rssBytes) {
        if (size > 0 && at / span <= millis[size - 1] / span) {
            heap[size - 1] = Math.max(heap[size - 1], heapBytes);
            rss[size - 1] = Math.max(rss[size - 1], rssBytes);
            return;
        }
        if (size == millis.length) {
            coarsen();
            add(at, heapBytes, rssBytes);
            return;
        }
        millis[size] = at;
        heap[size] = heapBytes;
        rss[size] = rssBytes;
        size++;
    }

    private void coarsen() {
        span *= 2;
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (kept > 0 && millis[i] / span == millis[kept - 1] / span) {
                heap[kept - 1] = Math.max(heap[kept - 1], heap[i]);
                rss[kept - 1] = Math.max(rss[kept - 1], rss[i]);
            } else {
                millis[kept] = millis[i];
                heap[kept] = heap[i];
                rss[kept] = rss[i];
                kept++;
            }
        }
        size = kept;
    }

    public int size() {
        return size;
    }

    /** When each point starts, in ms since tracking started. */
    public long[] millis() {
        return Arrays.copyOf(millis, size);
    }

    /** The highest heap (bytes) each point saw, -1 where it saw none. */
    public long[] heapBytes() {
        return Arrays.copyOf(heap, size);
    }

    /** The highest resident set (bytes) each point saw, -1 where it saw none. */
    public long[] rssBytes() {
        return Arrays.copyOf(rss, size);
    }

    /** How many ms one point covers at most. */
    public long spanMillis() {
        return span;
    }
}
