package dev.memflux.format;

/**
 * A run of decoded records in primitive columns. Batches live in the ring and are
 * reused forever: nothing on the per-event path allocates. A batch is valid only while
 * the stage that received it runs; a stage that needs data later copies it out.
 *
 * <p>Column meaning by tag (see docs/FORMAT.md):
 * <pre>
 * tag          address            size          stack
 * ALLOC+kind   address            bytes         stack node
 * FREE         address            -             -
 * MUNMAP       address            length        -
 * NODE         parent node        line          frame id
 * FRAME        -                  first line    index of function name in text (file at +1)
 * THREAD       thread number      OS tid        -
 * TIME         delta millis       -             -
 * MEMORY       rss bytes          -             -
 * END          -                  -             -
 * EXEC         errno (0: about    -             text index (path)
 *              to exec)
 * NATIVE_NODE  instruction ptr    -             parent native node
 * MODULE       load bias          segments      text index (path, build id); nativeStack: numbers index
 *                                               (start, length per segment)
 * SYMBOL       instruction ptr    frames        text index (function, file per frame); nativeStack:
 *                                               numbers index (line &lt;&lt; 1 | inlined, per frame)
 * </pre>
 * An ALLOC carries its native stack node in {@code nativeStack} (0: none).
 */
public final class EventBatch {
    public static final int CAPACITY = 4096;

    public final byte[] tag = new byte[CAPACITY];
    public final long[] address = new long[CAPACITY];
    public final long[] size = new long[CAPACITY];
    public final int[] stack = new int[CAPACITY];
    public final int[] nativeStack = new int[CAPACITY];
    /** Numbers of MODULE and SYMBOL records; rare, so growable. */
    public long[] numbers = new long[16];
    public int numberCount;
    /** Strings of FRAME records; rare, so a growable array is fine here. */
    public String[] text = new String[16];
    public int count;
    public int textCount;
    /**
     * The encoded bytes of exactly these records, when they were decoded from a stream
     * (the wire); empty for batches built in code. The file stores the same record
     * language, so the encoder copies these instead of encoding every record again.
     */
    public byte[] raw = new byte[CAPACITY * 8];
    public int rawLength;
    /**
     * Records a stage added after the decoded ones (memflux's own, such as SYMBOL): they
     * are not in {@link #raw}, so the encoder writes them after it. Created on first use.
     */
    private EventBatch extra;

    /** Set on the last batch of a stream: no records follow. */
    public boolean endOfStream;
    /**
     * Set on an empty batch the collector publishes at a pause in the agent's stream, a
     * second or more after its last tick, when records came since: the file's encoder seals
     * what it holds, so an idle program's records reach the disk (see Collector#pump).
     */
    public boolean tick;
    /** Set when the stream failed; the batch carries no records then. */
    public Throwable error;

    /*
     * The debug check of batch lifetimes (pipeline's BatchLifetime): the ring bumps the
     * generation each time it hands the slot to the producer again, and the pipeline
     * leases the batch for the length of one onNext. Plain batches (files, tests) are
     * never leased and always live.
     */
    private static final int NEVER_LEASED = -2;
    private static final int RELEASED = -1;
    private int generation;
    private volatile int leasedGeneration = NEVER_LEASED;

    public void clear() {
        count = 0;
        textCount = 0;
        numberCount = 0;
        rawLength = 0;
        if (extra != null) {
            extra.clear();
        }
        endOfStream = false;
        tick = false;
        error = null;
    }

    /** Empties the batch for its slot's next use (the ring's producer only). */
    public void recycle() {
        generation = (generation + 1) & Integer.MAX_VALUE;
        clear();
    }

    /** How many times the ring has reused this batch's slot. */
    public int generation() {
        return generation;
    }

    /** The pipeline delivers this batch now (debug check only). */
    public void lease() {
        leasedGeneration = generation;
    }

    /** The {@code onNext} that delivered it returned (debug check only). */
    public void endLease() {
        leasedGeneration = RELEASED;
    }

    /** False once the {@code onNext} that delivered this ring batch has returned, or its slot was reused. */
    public boolean isLive() {
        int leased = leasedGeneration;
        return leased == NEVER_LEASED || leased == generation;
    }

    public EventBatch extra() {
        if (extra == null) {
            extra = new EventBatch();
        }
        return extra;
    }

    /** The stage-added records, or null when there are none. */
    public EventBatch extraOrNull() {
        return extra != null && extra.count > 0 ? extra : null;
    }

    public boolean isFull() {
        return count == CAPACITY;
    }

    public void add(byte recordTag, long addr, long sz, int stk) {
        int i = count++;
        tag[i] = recordTag;
        address[i] = addr;
        size[i] = sz;
        stack[i] = stk;
        nativeStack[i] = 0;
    }

    public int addText(String s) {
        if (textCount == text.length) {
            text = java.util.Arrays.copyOf(text, text.length * 2);
        }
        text[textCount] = s;
        return textCount++;
    }

    public int addNumber(long n) {
        if (numberCount == numbers.length) {
            numbers = java.util.Arrays.copyOf(numbers, numbers.length * 2);
        }
        numbers[numberCount] = n;
        return numberCount++;
    }

    /** Appends {@code length} encoded bytes of the records just added (see {@link #raw}). */
    public void appendRaw(byte[] bytes, int offset, int length) {
        if (rawLength + length > raw.length) {
            raw = java.util.Arrays.copyOf(raw, Math.max(raw.length * 2, rawLength + length));
        }
        System.arraycopy(bytes, offset, raw, rawLength, length);
        rawLength += length;
    }

    public void addFrame(String function, String file, long firstLine) {
        if (textCount + 2 > text.length) {
            text = java.util.Arrays.copyOf(text, text.length * 2);
        }
        int at = textCount;
        text[textCount++] = function;
        text[textCount++] = file;
        add(RecordTag.FRAME, 0, firstLine, at);
    }

    /** Copies every record of {@code other} after this batch's records (test and tooling helper). */
    public void copyFrom(EventBatch other) {
        clear();
        System.arraycopy(other.tag, 0, tag, 0, other.count);
        System.arraycopy(other.address, 0, address, 0, other.count);
        System.arraycopy(other.size, 0, size, 0, other.count);
        System.arraycopy(other.stack, 0, stack, 0, other.count);
        System.arraycopy(other.nativeStack, 0, nativeStack, 0, other.count);
        count = other.count;
        for (int i = 0; i < other.textCount; i++) {
            addText(other.text[i]);
        }
        for (int i = 0; i < other.numberCount; i++) {
            addNumber(other.numbers[i]);
        }
        rawLength = 0;
        appendRaw(other.raw, 0, other.rawLength);
        endOfStream = other.endOfStream;
        tick = other.tick;
        error = other.error;
    }
}
