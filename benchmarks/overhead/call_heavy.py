# Call-heavy workload: deep recursion, few allocations. Measures what the Python stack
# tracking costs on calls (memray: 3.3x on a comparable workload).
import sys

sys.setrecursionlimit(10_000)


def down(n):
    return 0 if n == 0 else 1 + down(n - 1)


for _ in range(2_500):
    down(800)
