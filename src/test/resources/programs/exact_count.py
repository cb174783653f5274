# Expected: exactly N allocations of 10001 bytes (bytearray(n) with n > 512 is one
# malloc(n + 1)) at the line marked "site: make", in function make, all N freed.
# N is argv[1] (default 1000).
import sys


def make(n):
    for _ in range(n):
        buf = bytearray(10000)  # site: make
        del buf


make(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
