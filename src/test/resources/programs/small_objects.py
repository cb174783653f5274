# Expected: N small objects (N = argv[1], default 10007) made at the line marked
# "site: make", in function make, all kept alive in a list until the end; then N more
# at "site: churn", in function churn, each dropped before the next is made. Each is a
# 3-tuple of fresh ints, well under pymalloc's 512 bytes, so it comes from pymalloc:
# with --trace-python-allocators at least N PYMALLOC_* allocations at each line (the
# tuples; the ints are made there too) and at least N frees at "churn"; without it, only
# the few allocations of the list's growth and pymalloc's arenas.
import sys


def make(n):
    kept = []
    for i in range(n):
        kept.append((i + 1_000_000, i + 2_000_000, i + 3_000_000))  # site: make
    return kept


def churn(n):
    for i in range(n):
        t = (i + 1_000_000, i + 2_000_000, i + 3_000_000)  # site: churn
        del t


n = int(sys.argv[1]) if len(sys.argv) > 1 else 10007
objects = make(n)
churn(n)
print(len(objects))
