package dev.memflux.format;

/**
 * A run of decoded records in primitive columns. Batches live in the ring and are
 * reused forever: nothing on the per-event path allocates. A batch is valid only while
 * the stage that received it runs; a stage that needs data later copies it out.
 *
 * <p>Every record kind has one adder and named readers here, and only here is its layout
 * known: code elsewhere calls {@code addNode(parent, frame, line)} and
 * {@code nodeParent(i)}, never a column. The readers are one array load each, so the
 * JIT inlines them and the per-event path stays on primitive arrays. A reader is only
 * meaningful for a record of its kind ({@link #tag(int)} says which).
 *
 * <p>Where each record's fields live (see docs/FORMAT.md for the bytes):
 * <pre>
 * tag          address            size          stack              nativeStack
 * ALLOC+kind   address            bytes         stack node         native node (0: none)
 * FREE         address            -             -                  -
 * MUNMAP       address            length        -                  -
 * NODE         parent node        line          frame id           -
 * FRAME        -                  first line    text (function, file)
 * THREAD       thread number      OS tid        -                  -
 * TIME         delta millis       -             -                  -
 * MEMORY       rss bytes          -             -                  -
 * SAMPLING     mean bytes         -             -                  -
 * END          -                  -             -                  -
 * EXEC         errno (0: about    -             text (path)        -
 *              to exec)
 * NATIVE_NODE  instruction ptr    -             parent native node -
 * MODULE       load bias          segments      text (path,        numbers (start, length
 *                                               build id)          per segment)
 * SYMBOL       instruction ptr    frames        text (function,    numbers (line &lt;&lt; 1 |
 *                                               file per frame)    inlined, per frame)
 * NODE_FIGURES stack node         -             native node        numbers (7 figures)
 * NATIVE_FIG.. native node        -             -                  numbers (allocations, bytes)
 * RUN_TOTALS   -                  value count   text (exec path)   numbers (the values)
 * </pre>
 */
public final class EventBatch {
    public static final int CAPACITY = 4096;

    /*
     * The columns (and raw below) are made by the constructor, or for a ring's batch the
     * first time its slot is claimed (recycle): a short program claims a few of the ring's
     * 64 slots, and 8.6 MB made and zeroed up front would be start-up time and resident
     * memory for nothing.
     */
    private byte[] tag;
    private long[] address;
    private long[] size;
    private int[] stack;
    private int[] nativeStack;
    /** Numbers of MODULE and SYMBOL records; rare, so growable. */
    private long[] numbers = new long[16];
    private int numberCount;
    /** Strings of FRAME, EXEC, MODULE and SYMBOL records; rare, so a growable array is fine here. */
    private String[] text = new String[16];
    private int textCount;
    /** Records held: public for the loops that walk a batch (and the collector, which empties a failed one). */
    public int count;
    /**
     * The encoded bytes of exactly these records, when they were decoded from a stream
     * (the wire); empty for batches built in code. The file stores the same record
     * language, so the encoder copies these instead of encoding every record again.
     */
    byte[] raw;
    int rawLength;
    /**
     * Records a stage added after the decoded ones (memflux's own, such as SYMBOL): they
     * are not in {@link #raw}, so the encoder writes them after it. Created on first use.
     */
    private EventBatch extra;

    /**
     * The TIME records' deltas summed, and whether an EXEC is among the records: kept as
     * they are added, so the file's encoder, which needs only these, reads no column.
     */
    private long timeMillis;
    private boolean hasExec;

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
     * leases the batch for the length of one onNext (a file's one batch too). Plain
     * batches (tests) are never leased and always live.
     */
    private static final int NEVER_LEASED = -2;
    private static final int RELEASED = -1;
    private int generation;
    private volatile int leasedGeneration = NEVER_LEASED;

    public EventBatch() {
        allocate();
    }

    private EventBatch(boolean allocate) {
        if (allocate) {
            allocate();
        }
    }

    /** For a ring's slot: its arrays are made when the slot is first claimed ({@link #recycle}). */
    public static EventBatch forRing() {
        return new EventBatch(false);
    }

    private void allocate() {
        tag = new byte[CAPACITY];
        address = new long[CAPACITY];
        size = new long[CAPACITY];
        stack = new int[CAPACITY];
        nativeStack = new int[CAPACITY];
        raw = new byte[CAPACITY * 8];
    }

    public void clear() {
        count = 0;
        textCount = 0;
        numberCount = 0;
        rawLength = 0;
        timeMillis = 0;
        hasExec = false;
        if (extra != null) {
            extra.clear();
        }
        endOfStream = false;
        tick = false;
        error = null;
    }

    /** Empties the batch for its slot's next use (the ring's producer only). */
    public void recycle() {
        if (tag == null) {
            allocate();
        }
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

    /** Appends {@code length} encoded bytes of the records just added (see {@link #raw}). */
    void appendRaw(byte[] bytes, int offset, int length) {
        if (rawLength + length > raw.length) {
            raw = java.util.Arrays.copyOf(raw, Math.max(raw.length * 2, rawLength + length));
        }
        System.arraycopy(bytes, offset, raw, rawLength, length);
        rawLength += length;
    }

    /** The tag of record {@code i} ({@link RecordTag}); an ALLOC's is {@code ALLOC + kind}, with or without a native stack. */
    public byte tag(int i) {
        return tag[i];
    }

    private int add(byte recordTag, long addr, long sz, int stk, int nat) {
        int i = count++;
        tag[i] = recordTag;
        address[i] = addr;
        size[i] = sz;
        stack[i] = stk;
        nativeStack[i] = nat;
        return i;
    }

    private int addText(String s) {
        if (textCount == text.length) {
            text = java.util.Arrays.copyOf(text, text.length * 2);
        }
        text[textCount] = s;
        return textCount++;
    }

    private int addNumber(long n) {
        if (numberCount == numbers.length) {
            numbers = java.util.Arrays.copyOf(numbers, numbers.length * 2);
        }
        numbers[numberCount] = n;
        return numberCount++;
    }

    // ALLOC / ALLOC_NATIVE: svar addressDelta, uvar size, uvar node [, uvar nativeNode]

    /** ALLOC of {@code size} bytes at {@code address} by allocator {@code kind}; {@code nativeNode} 0 when it has no native stack. */
    public void addAlloc(int kind, long address, long size, int node, int nativeNode) {
        add((byte) (RecordTag.ALLOC + kind), address, size, node, nativeNode);
    }

    /** ALLOC: the allocator ({@link AllocatorKind}). */
    public int allocKind(int i) {
        return tag[i] - RecordTag.ALLOC;
    }

    /** ALLOC: where the block starts. */
    public long allocAddress(int i) {
        return address[i];
    }

    /** ALLOC: bytes asked for. */
    public long allocSize(int i) {
        return size[i];
    }

    /** ALLOC: its Python stack node (0: no Python frame). */
    public int allocNode(int i) {
        return stack[i];
    }

    /** ALLOC: its native stack node (0: none, the record was an ALLOC, not an ALLOC_NATIVE). */
    public int allocNativeNode(int i) {
        return nativeStack[i];
    }

    // FREE: svar addressDelta

    public void addFree(long address) {
        // Half of all records: small enough for C1 (the run's JIT) to inline into the decoder,
        // where add() is a call. The other columns are never read for a FREE.
        int i = count++;
        tag[i] = RecordTag.FREE;
        this.address[i] = address;
    }

    /** FREE: the block released. */
    public long freeAddress(int i) {
        return address[i];
    }

    // MUNMAP: svar addressDelta, uvar length

    public void addMunmap(long address, long length) {
        add(RecordTag.MUNMAP, address, length, 0, 0);
    }

    /** MUNMAP: start of the range unmapped. */
    public long munmapAddress(int i) {
        return address[i];
    }

    /** MUNMAP: its length in bytes, whole pages. */
    public long munmapLength(int i) {
        return size[i];
    }

    // NODE: uvar parent, uvar frame, uvar line

    /** NODE (the next node id): {@code frame} called at {@code line}, its caller node {@code parent} (0: outermost). */
    public void addNode(int parent, int frame, int line) {
        add(RecordTag.NODE, parent, line, frame, 0);
    }

    /** NODE: the caller's node (0: outermost). */
    public int nodeParent(int i) {
        return (int) address[i];
    }

    /** NODE: the frame id it runs. */
    public int nodeFrame(int i) {
        return stack[i];
    }

    /** NODE: the line it is at. */
    public int nodeLine(int i) {
        return (int) size[i];
    }

    // FRAME: str function, str file, uvar firstLine

    /** FRAME (the next frame id): one Python code object. */
    public void addFrame(String function, String file, int firstLine) {
        int at = addText(function);
        addText(file);
        add(RecordTag.FRAME, 0, firstLine, at, 0);
    }

    public String frameFunction(int i) {
        return text[stack[i]];
    }

    public String frameFile(int i) {
        return text[stack[i] + 1];
    }

    public int frameFirstLine(int i) {
        return (int) size[i];
    }

    // THREAD: uvar thread, uvar osTid

    public void addThread(int number, int tid) {
        add(RecordTag.THREAD, number, tid, 0, 0);
    }

    /** THREAD: memflux's number for the thread the following events happen on (1: the first). */
    public int threadNumber(int i) {
        return (int) address[i];
    }

    /** THREAD: the kernel's tid. */
    public int threadTid(int i) {
        return (int) size[i];
    }

    // TIME: uvar deltaMillis

    public void addTime(long deltaMillis) {
        add(RecordTag.TIME, deltaMillis, 0, 0, 0);
        timeMillis += deltaMillis;
    }

    /** The capture time these records span: every TIME's delta summed. */
    public long timeMillis() {
        return timeMillis;
    }

    /** Whether an EXEC is among these records. */
    public boolean hasExec() {
        return hasExec;
    }

    /** TIME: milliseconds the capture clock advances. */
    public long timeDelta(int i) {
        return address[i];
    }

    // MEMORY: uvar rssBytes

    public void addMemory(long rssBytes) {
        add(RecordTag.MEMORY, rssBytes, 0, 0, 0);
    }

    /** MEMORY: the process's resident set, bytes. */
    public long memoryRss(int i) {
        return address[i];
    }

    // SAMPLING: uvar meanBytes

    /** SAMPLING: the allocations that follow are a sample, one per {@code meanBytes} bytes on average. */
    public void addSampling(long meanBytes) {
        add(RecordTag.SAMPLING, meanBytes, 0, 0, 0);
    }

    /** SAMPLING: the mean bytes between two kept allocations. */
    public long samplingMeanBytes(int i) {
        return address[i];
    }

    // END: no body

    public void addEnd() {
        add(RecordTag.END, 0, 0, 0, 0);
    }

    // EXEC: uvar error, str path

    /** EXEC: error 0, the process is about to exec {@code path}; else that exec failed with this errno. */
    public void addExec(long error, String path) {
        add(RecordTag.EXEC, error, 0, addText(path), 0);
        hasExec = true;
    }

    /** EXEC: 0 (about to exec) or the errno of the exec that failed. */
    public long execError(int i) {
        return address[i];
    }

    public String execPath(int i) {
        return text[stack[i]];
    }

    // NATIVE_NODE: uvar parent, uvar ip

    /** NATIVE_NODE (the next native node id): return address {@code ip}, called from native node {@code parent}. */
    public void addNativeNode(int parent, long ip) {
        add(RecordTag.NATIVE_NODE, ip, 0, parent, 0);
    }

    /** NATIVE_NODE: the caller's native node (0: outermost). */
    public int nativeNodeParent(int i) {
        return stack[i];
    }

    /** NATIVE_NODE: the return address. */
    public long nativeNodeIp(int i) {
        return address[i];
    }

    // MODULE: str path, str buildId, uvar bias, uvar segments, segments x (uvar start, uvar length)

    /** MODULE with {@code segments} executable segments: follow it with that many {@link #addModuleSegment} calls. */
    public void addModule(String path, String buildId, long bias, int segments) {
        int at = addText(path);
        addText(buildId);
        add(RecordTag.MODULE, bias, segments, at, numberCount);
    }

    /** One executable segment of the MODULE added last. */
    public void addModuleSegment(long start, long length) {
        addNumber(start);
        addNumber(length);
    }

    public String modulePath(int i) {
        return text[stack[i]];
    }

    /** MODULE: GNU build id in hex, or empty. */
    public String moduleBuildId(int i) {
        return text[stack[i] + 1];
    }

    /** MODULE: its load bias. */
    public long moduleBias(int i) {
        return address[i];
    }

    public int moduleSegments(int i) {
        return (int) size[i];
    }

    /** MODULE: where executable segment {@code s} starts in the process. */
    public long moduleSegmentStart(int i, int s) {
        return numbers[nativeStack[i] + 2 * s];
    }

    public long moduleSegmentLength(int i, int s) {
        return numbers[nativeStack[i] + 2 * s + 1];
    }

    // SYMBOL: uvar ip, uvar frames, frames x (str function, str file, uvar line, u8 flags)

    /** SYMBOL for {@code ip} with {@code frames} frames, innermost first: follow it with that many {@link #addSymbolFrame} calls. */
    public void addSymbol(long ip, int frames) {
        add(RecordTag.SYMBOL, ip, frames, textCount, numberCount);
    }

    /** One frame of the SYMBOL added last: line 0 is unknown. */
    public void addSymbolFrame(String function, String file, int line, boolean inlined) {
        addText(function);
        addText(file);
        addNumber((long) line << 1 | (inlined ? 1 : 0));
    }

    /** SYMBOL: the return address it names. */
    public long symbolIp(int i) {
        return address[i];
    }

    public int symbolFrames(int i) {
        return (int) size[i];
    }

    public String symbolFunction(int i, int frame) {
        return text[stack[i] + 2 * frame];
    }

    public String symbolFile(int i, int frame) {
        return text[stack[i] + 2 * frame + 1];
    }

    public int symbolLine(int i, int frame) {
        return (int) (numbers[nativeStack[i] + frame] >>> 1);
    }

    /** SYMBOL: whether frame {@code frame} was inlined into the one after it. */
    public boolean symbolInlined(int i, int frame) {
        return (numbers[nativeStack[i] + frame] & 1) != 0;
    }

    // NODE_FIGURES: uvar node, uvar nativeNode, uvar allocations, uvar bytes, uvar frees,
    //               svar peakAllocations, svar peakBytes, svar leakedAllocations, svar leakedBytes

    /**
     * NODE_FIGURES (aggregated files): {@code node}'s allocations, bytes and frees over the run,
     * what of it was live at the heap's peak and when tracking stopped; {@code nativeNode} a
     * native stack seen with it (0: none).
     */
    public void addNodeFigures(int node, int nativeNode, long allocations, long bytes, long frees,
            long peakAllocations, long peakBytes, long leakedAllocations, long leakedBytes) {
        add(RecordTag.NODE_FIGURES, node, 0, nativeNode, numberCount);
        addNumber(allocations);
        addNumber(bytes);
        addNumber(frees);
        addNumber(peakAllocations);
        addNumber(peakBytes);
        addNumber(leakedAllocations);
        addNumber(leakedBytes);
    }

    public int figuresNode(int i) {
        return (int) address[i];
    }

    public int figuresNativeNode(int i) {
        return stack[i];
    }

    public long figuresAllocations(int i) {
        return numbers[nativeStack[i]];
    }

    public long figuresBytes(int i) {
        return numbers[nativeStack[i] + 1];
    }

    public long figuresFrees(int i) {
        return numbers[nativeStack[i] + 2];
    }

    public long figuresPeakAllocations(int i) {
        return numbers[nativeStack[i] + 3];
    }

    public long figuresPeakBytes(int i) {
        return numbers[nativeStack[i] + 4];
    }

    public long figuresLeakedAllocations(int i) {
        return numbers[nativeStack[i] + 5];
    }

    public long figuresLeakedBytes(int i) {
        return numbers[nativeStack[i] + 6];
    }

    // NATIVE_FIGURES: uvar nativeNode, uvar allocations, uvar bytes

    /** NATIVE_FIGURES (aggregated files): allocations whose native stack is exactly {@code nativeNode}. */
    public void addNativeFigures(int nativeNode, long allocations, long bytes) {
        add(RecordTag.NATIVE_FIGURES, nativeNode, 0, 0, numberCount);
        addNumber(allocations);
        addNumber(bytes);
    }

    public int nativeFiguresNode(int i) {
        return (int) address[i];
    }

    public long nativeFiguresAllocations(int i) {
        return numbers[nativeStack[i]];
    }

    public long nativeFiguresBytes(int i) {
        return numbers[nativeStack[i] + 1];
    }

    // RUN_TOTALS: uvar count, count x uvar value, str execPath

    /** RUN_TOTALS (aggregated files): the run's totals in the order docs/FORMAT.md gives, and the exec'd path (or ""). */
    public void addRunTotals(long[] values, String execPath) {
        add(RecordTag.RUN_TOTALS, 0, values.length, addText(execPath), numberCount);
        for (long v : values) {
            addNumber(v);
        }
    }

    public int runTotalsCount(int i) {
        return (int) size[i];
    }

    /** RUN_TOTALS: value {@code k} (0 to {@link #runTotalsCount} - 1). */
    public long runTotal(int i, int k) {
        return numbers[nativeStack[i] + k];
    }

    public String runTotalsExecPath(int i) {
        return text[stack[i]];
    }

    /** Makes this batch a copy of {@code other}, records and flags (test and tooling helper). */
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
        timeMillis = other.timeMillis;
        hasExec = other.hasExec;
        endOfStream = other.endOfStream;
        tick = other.tick;
        error = other.error;
    }
}
