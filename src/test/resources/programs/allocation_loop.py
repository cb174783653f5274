# Expected: 300,000 allocations at the line marked "site: loop", one bytearray a turn of
# 1,000 + (i % 4,093) bytes (bytearray(n) allocates n + 1), each freed before the next
# turn ends, none live at the end. Sizes vary so that the full capture's blocks do not
# compress to nothing: the full capture grows with the turns, an aggregated one does not.
TURNS = 300_000


def loop():
    total = 0
    for i in range(TURNS):
        b = bytearray(1000 + i % 4093)  # site: loop
        total += len(b)
    return total


print(loop())
