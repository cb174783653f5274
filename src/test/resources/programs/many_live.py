# Expected (argv[1] = N): at "keep", N bytearrays of 520 bytes, each a malloc of 521 bytes
# (bytearray keeps a NUL after its data), all live when tracking stops; their object
# headers come from pymalloc's arenas (MMAP, and a few REALLOCs of pymalloc's table of
# arenas; how many depends on the arenas' state).
# Then the program exits with code 7.
import sys

n = int(sys.argv[1])
keep = [None] * n
for i in range(n):
    keep[i] = bytearray(520)  # site: keep
sys.exit(7)
