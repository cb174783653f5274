/* Record tags and allocator kinds of the memflux record format (docs/FORMAT.md).
 * dev.memflux.format.RecordTag and AllocatorKind say the same numbers; RecordTagTest
 * parses this file to prove it, so keep one "#define NAME value" per line. */
#ifndef MEMFLUX_RECORDS_H
#define MEMFLUX_RECORDS_H

#define MFX_FORMAT_VERSION 1

#define MFX_TAG_THREAD 0x01
#define MFX_TAG_FRAME 0x02
#define MFX_TAG_NODE 0x03
#define MFX_TAG_TIME 0x04
#define MFX_TAG_MEMORY 0x05
#define MFX_TAG_FREE 0x06
#define MFX_TAG_MUNMAP 0x07
#define MFX_TAG_END 0x08
#define MFX_TAG_HELLO 0x09
#define MFX_TAG_NATIVE_NODE 0x0A
#define MFX_TAG_MODULE 0x0B
#define MFX_TAG_EXEC 0x0C
#define MFX_TAG_CONTINUE 0x0D
#define MFX_TAG_SAMPLING 0x0E
#define MFX_TAG_ALLOC 0x10
#define MFX_TAG_TRAILER 0x20
#define MFX_TAG_SYMBOL 0x21
#define MFX_TAG_ALLOC_NATIVE 0x30
/* Compact forms (docs/FORMAT.md): addresses in 16-byte units, a free of a recent block in two bytes. */
#define MFX_TAG_ALLOC16 0x40
#define MFX_TAG_ALLOC16_NATIVE 0x50
#define MFX_TAG_FREE16 0x60
#define MFX_TAG_FREE16_U16 0x61
#define MFX_TAG_FREE16_U24 0x68
#define MFX_TAG_ALLOC16_SAME_NODE 0x70
#define MFX_TAG_FREE_RECENT 0x80
#define MFX_TAG_ALLOC_NEXT 0xC0
#define MFX_TAG_ALLOC_NEXT_SAME_NODE 0xD0
#define MFX_RECENT_SLOTS 16384
/* An allocation where a free chunk starts (a freed block, or the end of an allocation's chunk). */
#define MFX_TAG_ALLOC_REUSE 0xE0
#define MFX_REUSE_SLOTS 8192
/* Written by memflux into aggregated files only, never by the agent. */
#define MFX_TAG_NODE_FIGURES 0x24
#define MFX_TAG_NATIVE_FIGURES 0x25
#define MFX_TAG_RUN_TOTALS 0x26

#define MFX_KIND_MALLOC 0
#define MFX_KIND_CALLOC 1
#define MFX_KIND_REALLOC 2
#define MFX_KIND_POSIX_MEMALIGN 3
#define MFX_KIND_ALIGNED_ALLOC 4
#define MFX_KIND_MEMALIGN 5
#define MFX_KIND_VALLOC 6
#define MFX_KIND_PVALLOC 7
#define MFX_KIND_MMAP 8
#define MFX_KIND_PYMALLOC_MALLOC 9
#define MFX_KIND_PYMALLOC_CALLOC 10
#define MFX_KIND_PYMALLOC_REALLOC 11

#define MFX_FLAG_COMPRESSED 0x1
#define MFX_FLAG_NATIVE 0x2
#define MFX_FLAG_PYTHON_ALLOCATORS 0x4
#define MFX_FLAG_AGGREGATED 0x8
#define MFX_FLAG_FRAME_WALK 0x10
#define MFX_FLAG_FOLLOW_FORK 0x20

#endif
