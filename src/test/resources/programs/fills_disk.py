# Expected: 1,000,000 allocations of 1001 bytes (bytearray(1000), each freed at once) at
# the line marked "site: churn", about 6 MB of records uncompressed (compact records: a
# free of the block just allocated and an allocation at the same address take about 6
# bytes a pair), then exit code 3. On a
# 2 MiB file system the capture fills it: memflux must say so and still exit with 3.
import sys

for _ in range(1_000_000):
    buf = bytearray(1000)  # site: churn
    del buf
sys.exit(3)
