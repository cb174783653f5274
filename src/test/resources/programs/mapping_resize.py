# Expected: an anonymous mmap.mmap of 4 MiB made at "map", grown to 12 MiB at "grow" and
# shrunk to 2 MiB at "shrink" (CPython resizes with mremap, MREMAP_MAYMOVE). A remap
# belongs to the line that made it: at the heap's peak "grow" holds exactly 12 MiB and
# "map" nothing; when tracking stops "shrink" holds exactly 2 MiB, "map" and "grow" nothing.
import mmap

MIB = 1 << 20
m = mmap.mmap(-1, 4 * MIB)  # site: map
m.resize(12 * MIB)  # site: grow
m.resize(2 * MIB)  # site: shrink
