# Expected with --follow-fork: the parent allocates 2,000,003 bytes ("site: parent";
# bytearray(n) allocates n + 1), forks a child that allocates 3,000,007 ("site: child")
# and then execs a new Python program that allocates 9,000,001 bytes and leaves with 6.
# The exec'd program is not followed: two captures, the parent's and the child's, the
# child's ending at its exec (of sys.executable) with its one buffer; 9,000,001 bytes
# appear in neither. The parent prints "child=PID status=6".
import os
import sys

parent = bytearray(2_000_002)  # site: parent
pid = os.fork()
if pid == 0:
    child = bytearray(3_000_006)  # site: child
    os.execv(sys.executable, [sys.executable, "-c", "import os; x = bytearray(9_000_000); os._exit(6)"])
_, status = os.waitpid(pid, 0)
print("child=%d status=%d" % (pid, os.WEXITSTATUS(status)), flush=True)
