# Expected: the program closes memflux's socket with a raw close system call (no libc
# wrapper that memflux could see) and then fills every descriptor it may open (its limit
# lowered to 64), so the agent can neither write to its socket nor connect again. It
# must not write into the program's descriptors, tracking stops, and memflux says the
# stream was lost (not "killed or crashed", not complete). Then 20,000 allocations of
# 10,001 bytes ("site: during"), and the program prints "descriptors_untouched=True"
# (none of its /dev/null descriptors turned into anything else) and exits with 0.
import ctypes
import os
import resource

SYS_CLOSE = {"x86_64": 3, "aarch64": 57}[os.uname().machine]


def sockets():
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink("/proc/self/fd/" + name).startswith("socket:"):
                found.append(int(name))
        except OSError:
            pass
    return found


def churn(n):
    for _ in range(n):
        buf = bytearray(10_000)  # site: during
        del buf


[agent_fd] = sockets()
resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
ctypes.CDLL(None).syscall(SYS_CLOSE, agent_fd)
mine = []
try:
    while True:
        mine.append(os.open("/dev/null", os.O_RDONLY))
except OSError:
    pass
churn(20_000)
untouched = all(os.path.samestat(os.fstat(fd), os.stat("/dev/null")) for fd in mine)
for fd in mine:
    os.close(fd)
print("descriptors_untouched=%s" % untouched)
