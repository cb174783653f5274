# Expected (argv[1] = how many unmaps to do, 0-3): one 10 MiB anonymous mapping made at
# "map"; unmap 1 takes its middle 4 MiB (from 3 MiB to 7 MiB), leaving two pieces, unmap 2
# its first 3 MiB, unmap 3 its last 3 MiB. Live at "map" when tracking stops: 10, 6, 3, 0
# MiB. At the heap's peak: exactly 10 MiB at "map".
import ctypes
import mmap
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
MIB = 1 << 20
cuts = [(3 * MIB, 4 * MIB), (0, 3 * MIB), (7 * MIB, 3 * MIB)][: int(sys.argv[1])]

base = libc.mmap(None, 10 * MIB, mmap.PROT_READ | mmap.PROT_WRITE, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, -1, 0)  # site: map
for offset, length in cuts:
    if libc.munmap(base + offset, length) != 0:
        sys.exit("munmap failed: errno %d" % ctypes.get_errno())
