package dev.memflux.live;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a live viewer draws, once: the program, its heap now and at its peak, the heap
 * over time, and the locations table of every thread and of all threads merged. Made on
 * the pipeline thread from the run's aggregation engine, immutable, then handed to the
 * server's threads, which send it as one frame (see {@link #write} and docs/FORMAT.md,
 * "The live feed").
 *
 * @param durationMillis time since tracking started
 * @param history the heap at each snapshot so far (oldest first), at most {@link #HISTORY}
 * @param ended the program ended: this is the last snapshot
 * @param views index 0: all threads merged; then one per thread, by thread number
 */
public record LiveSnapshot(long pid, String commandLine, long durationMillis, long heapBytes, long peakBytes,
                           long[] history, boolean ended, List<View> views) {
    /** Heap samples kept for the chart: ten minutes at one a second. */
    public static final int HISTORY = 600;

    /** One table: all threads ({@code thread} 0) or one thread. */
    public record View(int thread, int tid, long heapBytes, List<Row> rows) {}

    /** One location: bytes live now with it on the stack (total) and as the innermost frame (own). */
    public record Row(String function, String file, int line, long totalBytes, long ownBytes, long totalCount) {
        public String place() {
            return line > 0 ? file + ":" + line : file;
        }
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(pid);
        out.writeUTF(clip(commandLine));
        out.writeLong(durationMillis);
        out.writeLong(heapBytes);
        out.writeLong(peakBytes);
        out.writeBoolean(ended);
        out.writeInt(history.length);
        for (long h : history) {
            out.writeLong(h);
        }
        out.writeInt(views.size());
        for (View v : views) {
            out.writeInt(v.thread);
            out.writeInt(v.tid);
            out.writeLong(v.heapBytes);
            out.writeInt(v.rows.size());
            for (Row r : v.rows) {
                out.writeUTF(clip(r.function));
                out.writeUTF(clip(r.file));
                out.writeInt(r.line);
                out.writeLong(r.totalBytes);
                out.writeLong(r.ownBytes);
                out.writeLong(r.totalCount);
            }
        }
    }

    static LiveSnapshot read(DataInputStream in) throws IOException {
        long pid = in.readLong();
        String commandLine = in.readUTF();
        long duration = in.readLong();
        long heap = in.readLong();
        long peak = in.readLong();
        boolean ended = in.readBoolean();
        long[] history = new long[bounded(in.readInt(), HISTORY)];
        for (int i = 0; i < history.length; i++) {
            history[i] = in.readLong();
        }
        int viewCount = bounded(in.readInt(), 1 << 16);
        List<View> views = new ArrayList<>(viewCount);
        for (int v = 0; v < viewCount; v++) {
            int thread = in.readInt();
            int tid = in.readInt();
            long viewHeap = in.readLong();
            int rowCount = bounded(in.readInt(), 1 << 16);
            List<Row> rows = new ArrayList<>(rowCount);
            for (int r = 0; r < rowCount; r++) {
                rows.add(new Row(in.readUTF(), in.readUTF(), in.readInt(), in.readLong(), in.readLong(), in.readLong()));
            }
            views.add(new View(thread, tid, viewHeap, rows));
        }
        return new LiveSnapshot(pid, commandLine, duration, heap, peak, history, ended, views);
    }

    private static int bounded(int n, int limit) throws IOException {
        if (n < 0 || n > limit) {
            throw new IOException("a count of " + n + " in a live frame (at most " + limit + ")");
        }
        return n;
    }

    /**
     * writeUTF takes at most 64 KiB; nothing a viewer shows needs more than a line. A name
     * the stream never gave (a frame id past its FRAME records) must not end the feed.
     */
    private static String clip(String s) {
        return s == null ? "?" : s.length() > 2000 ? s.substring(0, 2000) : s;
    }
}
