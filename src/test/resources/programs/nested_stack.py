# Expected: 7 allocations of 30001 bytes at the line marked "site: leaf", whose stack is
# exactly leaf <- middle (line marked "site: calls-leaf") <- outer ("site: calls-middle")
# <- <module> ("site: calls-outer"); a generator frame in between must not confuse it.
def leaf():
    return bytearray(30_000)  # site: leaf


def middle():
    return [leaf() for _ in range(1)][0]  # site: calls-leaf


def outer(n):
    for _ in range(n):
        yield middle()  # site: calls-middle


kept = list(outer(7))  # site: calls-outer
