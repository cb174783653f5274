# Expected: at the line marked "site: keep", in function churn, exactly 40000 allocations
# (bytes(n) with n > 512 is one calloc of n + 33, object header included; n = 600 +
# (i * 7919) % 2000 takes every value of 600..2599 once in each 2000 iterations, so
# 20 x sum(633..2632) = 65,300,000 bytes), every one freed: each replaces a random block of
# a 2048-block working set (freed there), and the set is dropped when churn returns. glibc
# hands most blocks out where a freed block or a split chunk starts. The capture holds the
# 80000 events in at most 3.4 bytes each (before ALLOC_REUSE: 3.94-3.95 on Python 3.11.7 and
# Debian's 3.11.2; after: 3.08-3.09).
import random


def churn():
    rng = random.Random(3)
    slots = [None] * 2048
    for i in range(40000):
        slots[rng.randrange(2048)] = bytes(600 + (i * 7919) % 2000)  # site: keep


churn()
