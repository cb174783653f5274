# Expected: exactly 100,000 allocations of 1,001 bytes (bytearray(1000) is one
# malloc(1001)) at the line marked "site: make", each freed; then an os.execv of a missing
# path fails (OSError, tracking goes on), 3 allocations of 30,001 bytes follow at "site:
# after-failed-exec", and the program execs /bin/true (exit code 0). Every record written
# before the exec is in the capture, which says the program exec'd /bin/true.
import os
import sys


def make(n):
    for _ in range(n):
        buf = bytearray(1000)  # site: make
        del buf


make(100_000)
try:
    os.execv("/nonexistent/memflux-missing-binary", ["missing"])
except OSError:
    pass
kept = [bytearray(30_000) for _ in range(3)]  # site: after-failed-exec
sys.stdout.flush()
os.execv("/bin/true", ["true"])
