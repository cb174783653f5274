# Run as "-m mfx_module_prog A B": prints argv and __name__, and allocates exactly one
# 20001-byte buffer at the line marked "site: module".
import sys

print("argv=" + repr(sys.argv))
print("name=" + __name__)
buf = bytearray(20000)  # site: module
