# Expected with --native: the library (argv[1], built from resources/native/leaf.c) mallocs
# COUNT (argv[2]) blocks of 100,000 bytes through mid_alloc -> leaf_alloc -> grab (inlined:
# the innermost native frame, at leaf.c's "site: malloc"), all under the Python line marked
# "site: call", and never frees them: they are live at the peak and at the end. COUNT 100
# holds 10,000,000 bytes there, COUNT 130 30% (3,000,000 bytes, 30 allocations) more.
import ctypes
import sys

lib = ctypes.CDLL(sys.argv[1])
count = int(sys.argv[2])
out = (ctypes.c_void_p * count)()
lib.mid_alloc(count, 100_000, out)  # site: call
