# Expected: plain CPython 3.12+ prints nothing on stderr here (the process has one
# thread when it forks), so neither may memflux. The parent allocates 40 x 20,001 bytes
# before the first fork ("site: before"), 3,000 x 5,001 bytes between the forks, all
# live at the end ("site: between"; plus, on 3.12, one 1 MiB pymalloc arena for the
# bytearray objects), 40 x 30,001 bytes after the second ("site: after");
# each child allocates 9 x 9,001 bytes ("site: child") and leaves with os._exit(child number).
# Prints "children=1,2" on stdout.
import os


def child(number):
    mine = [bytearray(9_000) for _ in range(9)]  # site: child
    os._exit(number)


def fork_and_wait(number):
    pid = os.fork()
    if pid == 0:
        child(number)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


before = [bytearray(20_000) for _ in range(40)]  # site: before
first = fork_and_wait(1)
between = [None] * 3_000  # one block, so that the line below allocates nothing else
for i in range(3_000):
    between[i] = bytearray(5_000)  # site: between
second = fork_and_wait(2)
after = [bytearray(30_000) for _ in range(40)]  # site: after
print("children=%d,%d" % (first, second))
