# Many distinct call paths, all live at the end: FAN functions a_i each call FAN functions
# b_i_j, each of which keeps FAN bytearrays of 600-1499 bytes (from the system allocator:
# above pymalloc's 512), one per line: FAN^3 leaf paths (64,000 for the default FAN = 40),
# each about 1/FAN^3 of the total.
import sys

FAN = int(sys.argv[1]) if len(sys.argv) > 1 else 40
source = []
for i in range(FAN):
    source.append(f"def a{i}(keep):\n" + "".join(f"    b{i}_{j}(keep)\n" for j in range(FAN)))
    for j in range(FAN):
        source.append(f"def b{i}_{j}(keep):\n"
                      + "".join(f"    keep.append(bytearray({600 + (i * FAN + j + k) % 900}))\n" for k in range(FAN)))
exec(compile("\n".join(source), "many_paths_generated.py", "exec"))
keep = []
for i in range(FAN):
    globals()[f"a{i}"](keep)
