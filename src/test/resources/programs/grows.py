# Expected: load_table holds COUNT (argv[1], default 100) x 500,001 bytes at once
# ("site: load"; bytearray(n) allocates n + 1), which make the heap's peak, and frees them
# before the end. So COUNT=100 peaks at 50,000,100 bytes plus the list holding them,
# COUNT=130 at 30% more and COUNT=103 at 3% more. keep_cache leaves 1,000,001 bytes
# ("site: cache") allocated when the program ends.
import sys


def load_table(count):
    rows = [bytearray(500_000) for _ in range(count)]  # site: load
    return len(rows)


def keep_cache():
    return bytearray(1_000_000)  # site: cache


load_table(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
cache = keep_cache()
