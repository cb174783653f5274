# Allocation-heavy workload, shaped like memray's reference (about 4.2 M allocation +
# free events in a 1.1 s program): each iteration makes a 1001-byte bytearray and a
# 1033-byte bytes copy (both from the system allocator: larger than pymalloc's 512),
# frees both, and does a little arithmetic in between.
ITERATIONS = 1_050_000


def work():
    total = 0
    for i in range(ITERATIONS):
        b = bytearray(1000)
        c = bytes(b)
        x = i
        for _ in range(4):
            x = (x * 31 + 7) % 1000003
        total += x + len(c)
    return total


work()
