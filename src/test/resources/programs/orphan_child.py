# Expected with --follow-fork: the parent forks a child and ends at once (exit code 0).
# The child waits for the parent's end (end of file on a pipe whose writing end only the
# parent held), then allocates bytearray(4_000_036), 4,000,037 bytes ("site: orphan"),
# still allocated at its end, prints "orphan=PID" and leaves with os._exit(0).
# With the arguments "stay FIFO" the child allocates at once, the parent ends once it has
# (the child closes a second pipe), and the child then blocks until a line arrives on the
# FIFO (the test writes it after memflux gave up waiting).
import os
import sys

staying = len(sys.argv) > 2 and sys.argv[1] == "stay"
parent_alive, parent_end = os.pipe()
child_ready, child_allocated = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(parent_end)
    os.close(child_ready)
    if not staying:
        os.read(parent_alive, 1)  # b"": the parent has ended
    orphan = bytearray(4_000_036)  # site: orphan
    print("orphan=%d" % os.getpid(), flush=True)
    os.close(child_allocated)
    if staying:
        with open(sys.argv[2], "rb") as fifo:
            fifo.readline()
    os._exit(0)
os.close(parent_alive)
os.close(child_allocated)
if staying:
    os.read(child_ready, 1)
