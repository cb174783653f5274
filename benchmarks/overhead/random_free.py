# Random-free workload: 200 k allocations of varied sizes (16 B to 4 KiB, from a fixed
# seed) kept in a list, freed in a shuffled order, five rounds: 1 M allocations and
# 1 M frees whose addresses do not follow the allocation order (the hard case for
# address deltas and for "free of a recent block").
import random

ROUNDS = 5
LIVE = 200_000


def work():
    rng = random.Random(12345)
    sizes = [rng.choice((16, 48, 100, 200, 520, 1000, 4000)) + rng.randrange(16) for _ in range(LIVE)]
    for _ in range(ROUNDS):
        blocks = [bytearray(s) for s in sizes]
        order = list(range(LIVE))
        rng.shuffle(order)
        for i in order:
            blocks[i] = None


work()
