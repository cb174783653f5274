# Expected: 300,000 allocations of 1001 bytes (bytearray(1000), each freed at once) at the
# line marked "site: churn", about 2.4 MB of records uncompressed, then exit code 3. On a
# 2 MiB file system the capture fills it: memflux must say so and still exit with 3.
import sys

for _ in range(300_000):
    buf = bytearray(1000)  # site: churn
    del buf
sys.exit(3)
