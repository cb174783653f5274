# Expected: keeps allocating (bytearray(100000) at the line marked "site: loop") for about
# 3 s, then writes "done <count>" to the file named by argv[1]. memflux is killed
# meanwhile: the program must run on untouched and finish.
import sys
import time

count = 0
end = time.time() + 3.0
while time.time() < end:
    buf = bytearray(100_000)  # site: loop
    count += 1
    time.sleep(0.001)
with open(sys.argv[1], "w") as f:
    f.write("done %d" % count)
