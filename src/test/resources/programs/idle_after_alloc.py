# Expected: one bytearray(3_000_000) at the line marked "site: buffer" (an allocation of
# at least 3,000,000 bytes, live), then the program idles, allocating nothing (blocked in
# select, so the agent sends no record at all), until a line arrives on stdin or 120 s
# pass, and exits 0.
import select
import sys

buffer = bytearray(3_000_000)  # site: buffer
select.select([sys.stdin], [], [], 120)
