"""Many live allocations: 3 M bytearray(520) kept in a list until the end (each a malloc
of 521 bytes), so memflux's live set holds 3 M entries at once."""
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000
keep = [None] * N
for i in range(N):
    keep[i] = bytearray(520)
