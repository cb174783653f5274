# Two threads churn at once, each making 300 bytearrays of 150,003 bytes (150,004 bytes
# from malloc) freed before it allocates anything else, while the main thread waits.
# Expected: 600 temporary allocations of 150,004 bytes (90,002,400 bytes) at the line
# marked "site: churn", at every threshold (0 included): temporaries are counted per
# thread, so an allocation of the other thread in between (a switch of the GIL between
# the bytearray and its free; rare) does not count.
import threading


def churn():
    total = 0
    for _ in range(300):
        total += len(bytearray(150_003))  # site: churn
    return total


threads = [threading.Thread(target=churn) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
