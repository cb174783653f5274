# Expected: the main thread records events before, while and after 4 other threads do,
# all of them calling libc's malloc and free through ctypes (the GIL released: the calls
# really overlap). Exactly N allocations of 7001 bytes at "site: main-mallocs" and 4N of
# 9001 bytes at "site: worker-mallocs", all freed; N is argv[1] (default 20000).
import ctypes
import sys
import threading

libc = ctypes.CDLL(None)
libc.malloc.argtypes = [ctypes.c_size_t]
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.free.restype = None

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
started = threading.Event()


def main_thread_allocates(count):
    for _ in range(count):
        libc.free(libc.malloc(7001))  # site: main-mallocs


def worker():
    started.set()
    for _ in range(n):
        libc.free(libc.malloc(9001))  # site: worker-mallocs


main_thread_allocates(n // 4)
threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
started.wait()
main_thread_allocates(n // 2)
for t in threads:
    t.join()
main_thread_allocates(n - n // 4 - n // 2)
