# Expected: a heap that grows in steps, driven by the test. Thread 1 (main) runs step k = 1, 2, 3:
# grow() appends 8 bytearrays of 1 MiB at the line marked "site: grow", each a malloc of
# 1048577 bytes (the buffer and its NUL; the list's own array is pymalloc's, not malloc's),
# so after step k the bytes live at that line are exactly k * 8 * 1048577 (8,388,616 per step),
# in 8k live allocations. Thread 2 runs hold(), which keeps 2 bytearrays of 3 MiB live at the
# line marked "site: hold" (2 * 3145729 = 6,291,458 bytes), and 300 bytearrays of 1000 bytes at
# the line marked "site: many" (300 live allocations of 1001 bytes), for the whole run.
# After step k the program waits for the file <dir>/go<k> (argv[1] is <dir>), then ends when
# <dir>/stop exists; each wait gives up after 120 s (exit 3). It prints "step k" after each step.
import os
import sys
import threading
import time


def wait_for(path):
    deadline = time.monotonic() + 120
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            sys.exit(3)
        time.sleep(0.01)


def grow(held):
    for _ in range(8):
        held.append(bytearray(1 << 20))  # site: grow


def hold(ready, done):
    big, small = [], []
    for _ in range(2):
        big.append(bytearray(3 << 20))  # site: hold
    for _ in range(300):
        small.append(bytearray(1000))  # site: many
    ready.set()
    done.wait()
    return big, small


def main(work):
    ready, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold, args=(ready, done))
    holder.start()
    ready.wait()
    held = []
    for step in (1, 2, 3):
        grow(held)
        print("step", step, flush=True)
        wait_for(os.path.join(work, "go%d" % step))
    wait_for(os.path.join(work, "stop"))
    done.set()
    holder.join()


main(sys.argv[1])
