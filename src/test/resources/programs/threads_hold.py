# Expected: still allocated when tracking stops, each on its own thread: the main thread
# holds 1 bytearray of 3,000,000 bytes (a malloc of 3,000,001: a bytearray keeps a NUL
# after its data) at the line marked "site: main"; worker thread i (i = 1, 2) holds i of
# them at the line marked "site: worker" (3,000,001 and 6,000,002 bytes).
import threading

held = {}


def worker(i):
    held[i] = [bytearray(3_000_000) for _ in range(i)]  # site: worker


mine = bytearray(3_000_000)  # site: main
for i in (1, 2):
    t = threading.Thread(target=worker, args=(i,))
    t.start()
    t.join()
