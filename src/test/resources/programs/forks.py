# Expected: the parent allocates 5 x 50,001 bytes (line marked "site: parent"); a forked
# child (no exec) allocates 7 x 70,001 bytes ("site: child") and leaves with os._exit(3).
# The child is not tracked (--follow-fork is not there yet) and not disturbed: the parent
# sees its exit status 3, and the capture holds the parent's 5 allocations only.
import os

before = [bytearray(50_000) for _ in range(5)]  # site: parent
pid = os.fork()
if pid == 0:
    mine = [bytearray(70_000) for _ in range(7)]  # site: child
    os._exit(3)
_, status = os.waitpid(pid, 0)
print("child_status=%d" % os.waitstatus_to_exitcode(status))
