# Report benchmark workload: argv[1] iterations, each making a 1001-byte bytearray and a
# 1033-byte bytes copy (system allocator, both freed at once: temporaries) three calls
# deep; every 1000th iteration's bytearray is kept (a slowly growing heap, so the peak is
# at the end). About 4 events per iteration: 1,000,000 iterations ≈ 4 M events.
import sys


def leaf(i, kept):
    b = bytearray(1000)
    c = bytes(b)
    if i % 1000 == 0:
        kept.append(b)
    return len(c)


def middle(i, kept):
    return leaf(i, kept)


def work(n):
    kept = []
    total = 0
    for i in range(n):
        total += middle(i, kept)
    return total, kept


RESULT = work(int(sys.argv[1]))
