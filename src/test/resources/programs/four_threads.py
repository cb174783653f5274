# Expected: 4 threads x N allocations of 10001 bytes = exactly 4N at the line marked
# "site: worker", all freed. N is argv[1] (default 1000). The threads start after
# tracking began, so they must be tracked too.
import sys
import threading


def worker(n):
    for _ in range(n):
        buf = bytearray(10000)  # site: worker
        del buf


n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
threads = [threading.Thread(target=worker, args=(n,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
