# Expected: 11 allocations of 4099 bytes, made by libc's malloc through ctypes (the GIL
# released), at the line marked "site: leaf", whose stack is exactly leaf <- middle (line
# "site: calls-leaf") <- outer ("site: calls-middle") <- <module> ("site: calls-outer");
# all freed. No allocation in these three functions holds the GIL.
import ctypes

libc = ctypes.CDLL(None)
libc.malloc.argtypes = [ctypes.c_size_t]
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.free.restype = None


def leaf():
    libc.free(libc.malloc(4099))  # site: leaf


def middle():
    leaf()  # site: calls-leaf


def outer(n):
    for _ in range(n):
        middle()  # site: calls-middle


outer(11)  # site: calls-outer
