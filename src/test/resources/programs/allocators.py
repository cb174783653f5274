# Calls one allocator function of libc through ctypes (argv[1] names the case), with
# sizes that are primes and counts known. Expected, by allocator kind at the marked lines
# ("site: NAME"). The cases run at module level: the frame walk misses the frame of a
# function whose first allocations are ctypes calls (it reports its caller's line).
#   malloc          7 MALLOC of 1009 at "malloc"; all 7 freed at "malloc-free"
#   calloc          5 CALLOC of 3 x 331 = 993 at "calloc"; all kept
#   realloc-moved   1 MALLOC of 13 at "realloc-moved-from" (freed by the realloc),
#                   1 REALLOC of 1048583 at "realloc-moved" (a block that big moves to its own mapping)
#   realloc-inplace 1 MALLOC of 4099 at "realloc-inplace-from", freed by the realloc that
#                   shrinks it in place: 1 REALLOC of 4001 at the same address at "realloc-inplace"
#   realloc-zero    1 MALLOC of 521 at "realloc-zero-from", freed at "realloc-zero" (no allocation there)
#   realloc-null    3 REALLOC of 2003 at "realloc-null" (realloc(NULL, n) is malloc); all kept
#   posix_memalign  3 POSIX_MEMALIGN of 1031 (alignment 64) at "posix_memalign"
#   aligned_alloc   2 ALIGNED_ALLOC of 1283 (alignment 128) at "aligned_alloc"
#   memalign        4 MEMALIGN of 1291 (alignment 256) at "memalign"
#   valloc          2 VALLOC of 2039 at "valloc"
#   pvalloc         3 PVALLOC of 3067 at "pvalloc" (the size asked for, not the page it rounds to)
#   mmap            2 MMAP of 40961 at "mmap"; the first unmapped whole (1 free), of the
#                   second its first 8192 bytes, then its fourth page by unmapping 1 byte of it
#                   (the kernel unmaps whole pages): 40961 - 8192 - 4096 = 28673 bytes still
#                   live, in two pieces
#   mremap-fixed    1 MMAP of 65537 at "mremap-fixed-from", 1 MMAP of 16411 at "mremap-fixed-to";
#                   moved (MREMAP_FIXED) onto the second and grown to 81929 at "mremap-fixed":
#                   live at the end: 81929 at "mremap-fixed", nothing else
#   mremap-failed   1 MMAP of 8209 at "mremap-failed-from"; a failing mremap at "mremap-failed"
#                   (no MREMAP_MAYMOVE, the next page taken) records nothing: 8209 stay live
# (free_range's own mapping is unmapped whole before the case maps into its range; the
# mremap cases make 1 MMAP there, mremap-failed 1 more for the blocker.)
#   none            nothing: what the program allocates around the cases, for the others
#                   to subtract from the whole program's allocator distribution
import ctypes
import mmap
import sys

libc = ctypes.CDLL(None, use_errno=True)
P = ctypes.c_void_p
for name, restype, argtypes in [
    ("malloc", P, [ctypes.c_size_t]),
    ("calloc", P, [ctypes.c_size_t, ctypes.c_size_t]),
    ("realloc", P, [P, ctypes.c_size_t]),
    ("free", None, [P]),
    ("posix_memalign", ctypes.c_int, [ctypes.POINTER(P), ctypes.c_size_t, ctypes.c_size_t]),
    ("aligned_alloc", P, [ctypes.c_size_t, ctypes.c_size_t]),
    ("memalign", P, [ctypes.c_size_t, ctypes.c_size_t]),
    ("valloc", P, [ctypes.c_size_t]),
    ("pvalloc", P, [ctypes.c_size_t]),
    ("mmap", P, [P, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]),
    ("munmap", ctypes.c_int, [P, ctypes.c_size_t]),
    ("mremap", P, [P, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_int, P]),
]:
    getattr(libc, name).restype = restype
    getattr(libc, name).argtypes = argtypes

RW = mmap.PROT_READ | mmap.PROT_WRITE
ANON = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
MAP_FAILED = 2**64 - 1
MREMAP_MAYMOVE, MREMAP_FIXED = 1, 2
MAP_FIXED = 0x10
kept = []
case = sys.argv[1]


def check(ok, what):
    if not ok:
        sys.exit("%s failed: errno %d" % (what, ctypes.get_errno()))


if case == "malloc":
    blocks = [libc.malloc(1009) for _ in range(7)]  # site: malloc
    for p in blocks:
        libc.free(p)  # site: malloc-free


if case == "calloc":
    kept.extend(libc.calloc(3, 331) for _ in range(5))  # site: calloc


if case == "realloc-moved":
    p = libc.malloc(13)  # site: realloc-moved-from
    q = libc.realloc(p, 1048583)  # site: realloc-moved
    check(q and q != p, "moving realloc")
    kept.append(q)


if case == "realloc-inplace":
    p = libc.malloc(4099)  # site: realloc-inplace-from
    q = libc.realloc(p, 4001)  # site: realloc-inplace
    check(q == p, "in-place realloc")
    kept.append(q)


if case == "realloc-zero":
    p = libc.malloc(521)  # site: realloc-zero-from
    q = libc.realloc(p, 0)  # site: realloc-zero
    check(not q, "realloc(p, 0)")


if case == "realloc-null":
    kept.extend(libc.realloc(None, 2003) for _ in range(3))  # site: realloc-null


if case == "posix_memalign":
    for _ in range(3):
        out = P()
        check(libc.posix_memalign(ctypes.byref(out), 64, 1031) == 0 and out.value % 64 == 0, "posix_memalign")  # site: posix_memalign
        kept.append(out.value)


if case == "aligned_alloc":
    kept.extend(libc.aligned_alloc(128, 1283) for _ in range(2))  # site: aligned_alloc


if case == "memalign":
    kept.extend(libc.memalign(256, 1291) for _ in range(4))  # site: memalign


if case == "valloc":
    kept.extend(libc.valloc(2039) for _ in range(2))  # site: valloc


if case == "pvalloc":
    kept.extend(libc.pvalloc(3067) for _ in range(3))  # site: pvalloc


if case == "mmap":
    first, second = [libc.mmap(None, 40961, RW, ANON, -1, 0) for _ in range(2)]  # site: mmap
    check(libc.munmap(first, 40961) == 0, "munmap")
    check(libc.munmap(second, 8192) == 0, "munmap of the head")
    check(libc.munmap(second + 3 * 4096, 1) == 0, "munmap of a page, by one byte")


def free_range(length):
    """An address range nothing is mapped in (mapped, then unmapped: it is not tracked)."""
    p = libc.mmap(None, length, RW, ANON, -1, 0)
    check(libc.munmap(p, length) == 0, "munmap")
    return p


if case == "mremap-fixed":
    room = free_range(260 * 1024)  # not 256 KiB: that is a pymalloc arena to the test
    old = libc.mmap(room, 65537, RW, ANON | MAP_FIXED, -1, 0)  # site: mremap-fixed-from
    target = libc.mmap(room + 128 * 1024, 16411, RW, ANON | MAP_FIXED, -1, 0)  # site: mremap-fixed-to
    moved = libc.mremap(old, 65537, 81929, MREMAP_MAYMOVE | MREMAP_FIXED, target)  # site: mremap-fixed
    check(moved == target, "mremap(MREMAP_FIXED)")


if case == "mremap-failed":
    # 8209 bytes with a mapping right after them, so growing in place must fail.
    room = free_range(16 * 4096)
    p = libc.mmap(room, 8209, RW, ANON | MAP_FIXED, -1, 0)  # site: mremap-failed-from
    blocker = libc.mmap(p + 3 * 4096, 4096, RW, ANON | MAP_FIXED, -1, 0)
    check(libc.mremap(p, 8209, 8 * 4096, 0, None) == MAP_FAILED, "mremap without room")  # site: mremap-failed
    libc.munmap(blocker, 4096)


if case == "none":
    pass
