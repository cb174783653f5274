# Expected: N small objects (N = argv[1], default 10007) made at the line marked
# "site: make", in function make, all kept alive in a list until the end. Each is a
# 3-tuple of fresh ints, well under pymalloc's 512 bytes, so it comes from pymalloc:
# with --trace-python-allocators at least N PYMALLOC_* allocations at that line (the
# tuples; the ints are made there too), without it only the arenas' few mmaps and the
# list's growth.
import sys


def make(n):
    kept = []
    for i in range(n):
        kept.append((i + 1_000_000, i + 2_000_000, i + 3_000_000))  # site: make
    return kept


objects = make(int(sys.argv[1]) if len(sys.argv) > 1 else 10007)
print(len(objects))
