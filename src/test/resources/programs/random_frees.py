# Expected: at the line marked "site: keep", in function churn, exactly 3 x 20000
# allocations of sizes 633..1632 bytes (bytes(n) with n > 512 is one calloc of n + 33,
# object header included, so no pymalloc arena grows there; size i % 1000 + 633 for i in
# 0..19999, so 3 x 20 x sum(633..1632) = 67,950,000 bytes over the 3 rounds), every one
# freed, in a shuffled order (fixed seed): the frees'
# addresses follow no pattern. The capture holds the 120000 events in at most 2.2
# bytes each (before the compact records: 2.7-2.8 on Python 3.11 and 3.13; after: 1.6).
import random


def churn():
    rng = random.Random(7)
    for _ in range(3):
        blocks = [None] * 20000
        for i in range(20000):
            blocks[i] = bytes(i % 1000 + 600)  # site: keep
        order = list(range(len(blocks)))
        rng.shuffle(order)
        for i in order:
            blocks[i] = None


churn()
