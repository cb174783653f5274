# Expected: main recurses 20,000 calls deep and, at the bottom (line "site: bottom"),
# allocates one block of 64 MiB, alive at the heap's peak: main holds 100% of the peak
# (everything else alive then is far below 0.05% of it), and that block's stack is
# down x 20,001 <- main ("site: calls-down") <- <module> ("site: calls-main").
import sys

sys.setrecursionlimit(30_000)


def down(n):
    if n == 0:
        return bytearray(64 << 20)  # site: bottom
    return down(n - 1)  # site: recurse


def main():
    block = down(20_000)  # site: calls-down
    del block


main()  # site: calls-main
