# Expected: 8 threads x N allocations of 7777 bytes (N is argv[1], default 1000), made by
# libc's malloc through ctypes (so with the GIL released: no allocation in worker ever
# holds the GIL), exactly 8N at the line marked "site: worker", all freed.
import ctypes
import sys
import threading

libc = ctypes.CDLL(None)
libc.malloc.argtypes = [ctypes.c_size_t]
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.free.restype = None


def worker(n):
    for _ in range(n):
        block = libc.malloc(7777)  # site: worker
        libc.free(block)


n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
threads = [threading.Thread(target=worker, args=(n,)) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
