# Expected with --native: the library (argv[1], loaded with dlopen after tracking began)
# mallocs 37 blocks of 4321 bytes through mid_alloc -> leaf_alloc -> grab (inlined), all
# under the Python line marked "site: call".
import ctypes
import sys

lib = ctypes.CDLL(sys.argv[1])
out = (ctypes.c_void_p * 37)()
lib.mid_alloc(37, 4321, out)  # site: call
