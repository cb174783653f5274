# Expected: the main thread records events before, while and after 4 other threads do,
# all of them in C with the GIL released (libchurn.so, argv[1], through ctypes), so the
# calls really overlap. Exactly 4N allocations of 7001 bytes at "site: main-churns" and
# 4N of 9001 bytes at "site: worker-churns", all freed; N is argv[2] (default 50000).
import ctypes
import sys
import threading

lib = ctypes.CDLL(sys.argv[1])
lib.churn.argtypes = [ctypes.c_int, ctypes.c_size_t]
lib.churn.restype = None
n = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
started = threading.Barrier(5)


def main_thread_churns():
    lib.churn(n, 7001)  # site: main-churns


def worker():
    started.wait()
    lib.churn(n, 9001)  # site: worker-churns


main_thread_churns()
threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
started.wait()
main_thread_churns()
main_thread_churns()
for t in threads:
    t.join()
main_thread_churns()
