package dev.memflux.format;

/**
 * Record tags of the memflux record format (docs/FORMAT.md). The agent's
 * {@code records.h} says the same numbers; {@code RecordTagTest} proves it.
 */
public final class RecordTag {
    public static final int FORMAT_VERSION = 1;

    public static final byte THREAD = 0x01;
    public static final byte FRAME = 0x02;
    public static final byte NODE = 0x03;
    public static final byte TIME = 0x04;
    public static final byte MEMORY = 0x05;
    public static final byte FREE = 0x06;
    public static final byte MUNMAP = 0x07;
    public static final byte END = 0x08;
    public static final byte HELLO = 0x09;
    public static final byte NATIVE_NODE = 0x0A;
    public static final byte MODULE = 0x0B;
    /** The process is about to exec a path (error 0), or that exec failed (its errno) and tracking goes on. */
    public static final byte EXEC = 0x0C;
    /** Wire only: the first record of a new connection, resuming the stream at a byte offset. */
    public static final byte CONTINUE = 0x0D;
    /** --sample-rate: allocations are a sample, one per this many bytes on average; before any allocation. */
    public static final byte SAMPLING = 0x0E;
    /** ALLOC tags are {@code ALLOC + kind}, kind being an {@link AllocatorKind} ordinal. */
    public static final byte ALLOC = 0x10;
    public static final byte TRAILER = 0x20;
    /** Written by memflux (never the agent): what an instruction pointer is, resolved during capture. */
    public static final byte SYMBOL = 0x21;
    /** On the wire and in files, an allocation with a native stack is {@code ALLOC_NATIVE + kind}. */
    public static final byte ALLOC_NATIVE = 0x30;
    /** ALLOC with the address delta in 16-byte units: {@code ALLOC16 + kind}. */
    public static final byte ALLOC16 = 0x40;
    /** ALLOC_NATIVE with the address delta in 16-byte units: {@code ALLOC16_NATIVE + kind}. */
    public static final byte ALLOC16_NATIVE = 0x50;
    /** ALLOC16 without its node, which is the last allocation's: {@code ALLOC16_SAME_NODE + kind}. */
    public static final byte ALLOC16_SAME_NODE = 0x70;
    /** FREE with the address delta in 16-byte units. */
    public static final byte FREE16 = 0x60;
    /** FREE16, the zig-zagged delta as {@code FREE16_U16 + v / 65536} and two little-endian bytes (to 7 * 2^16). */
    public static final byte FREE16_U16 = 0x61;
    /** FREE16, the zig-zagged delta as {@code FREE16_U24 + v / 2^24} and three little-endian bytes (to 2^27). */
    public static final byte FREE16_U24 = 0x68;
    /**
     * {@code FREE_RECENT + slot / 256}, then a byte {@code slot % 256} (an int: the tags 0x80-0xBF are
     * negative as bytes): the free of the last allocation whose address hashed to {@code slot}
     * (docs/FORMAT.md).
     */
    public static final int FREE_RECENT = 0x80;
    /**
     * {@code ALLOC_NEXT + kind} (an int, as FREE_RECENT): an allocation where the last one's chunk
     * ends (docs/FORMAT.md), no address written.
     */
    public static final int ALLOC_NEXT = 0xC0;
    /** {@code ALLOC_NEXT_SAME_NODE + kind}: ALLOC_NEXT from the last allocation's stack node. */
    public static final int ALLOC_NEXT_SAME_NODE = 0xD0;
    /**
     * {@code ALLOC_REUSE + slot / 256} (an int, as FREE_RECENT), then a byte {@code slot % 256} and
     * uvar size: an allocation with the last one's kind and node, where the reuse table's slot
     * says a free chunk starts (docs/FORMAT.md).
     */
    public static final int ALLOC_REUSE = 0xE0;
    /** Aggregated files only (written by memflux): one stack node's figures over the run. */
    public static final byte NODE_FIGURES = 0x24;
    /** Aggregated files only: one native stack node's allocation counts. */
    public static final byte NATIVE_FIGURES = 0x25;
    /** Aggregated files only: the run's totals, allocator distribution, size histogram and how the program ended. */
    public static final byte RUN_TOTALS = 0x26;

    public static final int FLAG_COMPRESSED = 0x1;
    public static final int FLAG_NATIVE = 0x2;
    public static final int FLAG_PYTHON_ALLOCATORS = 0x4;
    public static final int FLAG_AGGREGATED = 0x8;
    /** Python stacks were read from the interpreter's frames (else a profile function kept them). */
    public static final int FLAG_FRAME_WALK = 0x10;
    /** Forked children are tracked too, each into its own stream (and file). */
    public static final int FLAG_FOLLOW_FORK = 0x20;

    private RecordTag() {}

    public static boolean isAlloc(byte tag) {
        return tag >= ALLOC && tag < ALLOC + AllocatorKind.COUNT;
    }
}
