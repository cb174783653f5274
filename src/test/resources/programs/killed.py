# Expected: 50 allocations of 100001 bytes at the line marked "site: before-kill" are
# recorded, then the program kills itself with SIGKILL: memflux exits with 137 and the
# capture reads back with those 50 allocations, marked as cut short.
import os
import signal
import time

kept = [bytearray(100_000) for _ in range(50)]  # site: before-kill
time.sleep(0.3)  # longer than the agent's 10 ms flush tick
os.kill(os.getpid(), signal.SIGKILL)
