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
    /** ALLOC tags are {@code ALLOC + kind}, kind being an {@link AllocatorKind} ordinal. */
    public static final byte ALLOC = 0x10;
    public static final byte TRAILER = 0x20;

    public static final int FLAG_COMPRESSED = 0x1;
    public static final int FLAG_NATIVE = 0x2;
    public static final int FLAG_PYTHON_ALLOCATORS = 0x4;
    public static final int FLAG_AGGREGATED = 0x8;

    private RecordTag() {}

    public static boolean isAlloc(byte tag) {
        return tag >= ALLOC && tag < ALLOC + AllocatorKind.COUNT;
    }
}
