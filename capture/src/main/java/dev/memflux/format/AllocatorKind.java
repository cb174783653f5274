package dev.memflux.format;

/** Which allocator function made an allocation; the ordinal is the wire's kind number. */
public enum AllocatorKind {
    MALLOC, CALLOC, REALLOC, POSIX_MEMALIGN, ALIGNED_ALLOC, MEMALIGN, VALLOC, PVALLOC, MMAP,
    /** Python's object and memory allocators (--trace-python-allocators), as memray names them. */
    PYMALLOC_MALLOC, PYMALLOC_CALLOC, PYMALLOC_REALLOC;

    /** Below 16: ALLOC is {@code 0x10 + kind}, and {@code 0x20} is the next tag. */
    public static final int COUNT = 12;
    private static final AllocatorKind[] BY_ORDINAL = values();

    public static AllocatorKind of(int kind) {
        return BY_ORDINAL[kind];
    }

    /** The tag of an ALLOC record made by this allocator. */
    public byte tag() {
        return (byte) (RecordTag.ALLOC + ordinal());
    }

    /** The function a user knows it by, as memray names it ({@code malloc}, {@code posix_memalign}, ...). */
    public String functionName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
