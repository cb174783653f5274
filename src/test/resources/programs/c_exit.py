# Expected: exactly 100,000 allocations of 1,001 bytes (bytearray(1000) is one
# malloc(1001)) at the line marked "site: make", each freed, then libc's exit(3) through
# ctypes: no Python cleanup runs, exit code 3, and tracking still ends normally.
import ctypes


def make(n):
    for _ in range(n):
        buf = bytearray(1000)  # site: make
        del buf


make(100_000)
ctypes.CDLL(None).exit(3)
