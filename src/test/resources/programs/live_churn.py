# Expected: waits for the file <dir>/go (argv[1] is <dir>; gives up after 120 s, exit 3), then
# makes exactly N allocations of 10001 bytes (bytearray(10000) is one malloc of 10001) at the
# line marked "site: churn", in function churn, each freed at once. N is argv[2] (default
# 100000). Prints "churn seconds S", the time the N allocations took, measured by the program.
import os
import sys
import time


def churn(n):
    for _ in range(n):
        buf = bytearray(10000)  # site: churn
        del buf


work = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
deadline = time.monotonic() + 120
while not os.path.exists(os.path.join(work, "go")):
    if time.monotonic() > deadline:
        sys.exit(3)
    time.sleep(0.01)
started = time.perf_counter()
churn(n)
print("churn seconds %.3f" % (time.perf_counter() - started), flush=True)
