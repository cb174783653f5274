# Expected: 50 allocations of 100001 bytes at the line marked "site: before-kill" are
# recorded, then the program kills itself with SIGKILL: memflux exits with 137 and the
# capture reads back with those 50 allocations, marked as cut short.
import os
import signal

kept = [bytearray(100_000) for _ in range(50)]  # site: before-kill
# The agent writes out what it buffered before any exec; this one fails, the program goes
# on, and its records are on memflux's socket before the SIGKILL (no waiting on a timer).
try:
    os.execv("/nonexistent/memflux-test", ["memflux-test"])
except OSError:
    pass
os.kill(os.getpid(), signal.SIGKILL)
