# Expected: at the line marked "site: keep", in function churn, exactly 3 x 20000
# allocations of sizes 601..1600 bytes (bytearray(n) with n > 512 is one malloc(n + 1);
# size i % 1000 + 601 for i in 0..19999, so 3 x 20 x sum(601..1600) = 66,030,000 bytes
# over the 3 rounds), every one freed, in a shuffled order (fixed seed): the frees'
# addresses follow no pattern. The capture holds the 120000 events in at most 2.2
# bytes each (before the compact records: 2.8 on Python 3.11 and 3.13; after: 1.7).
import random


def churn():
    rng = random.Random(7)
    for _ in range(3):
        blocks = [None] * 20000
        for i in range(20000):
            blocks[i] = bytearray(i % 1000 + 600)  # site: keep
        order = list(range(len(blocks)))
        rng.shuffle(order)
        for i in order:
            blocks[i] = None


churn()
