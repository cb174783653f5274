# Expected with --follow-fork: three captures. The parent holds one allocation of 3,000,017
# bytes ("site: parent"; bytearray(n) allocates n + 1), its forked child one of 5,000,011
# ("site: child"), and the grandchild (forked by the child) one of 7,000,003 ("site: grandchild"), each still
# allocated at its end. Each process's capture holds its own buffer only. The child
# leaves with os._exit(4) after waiting for the grandchild, which leaves with os._exit(5).
import os

parent = bytearray(3_000_016)  # site: parent
pid = os.fork()
if pid == 0:
    child = bytearray(5_000_010)  # site: child
    grandchild_pid = os.fork()
    if grandchild_pid == 0:
        grandchild = bytearray(7_000_002)  # site: grandchild
        os._exit(5)
    _, status = os.waitpid(grandchild_pid, 0)
    print("grandchild=%d status=%d" % (grandchild_pid, os.WEXITSTATUS(status)), flush=True)
    os._exit(4)
_, status = os.waitpid(pid, 0)
print("child=%d status=%d" % (pid, os.WEXITSTATUS(status)), flush=True)
