# Expected: 3 allocations of 30,001 bytes at "site: before"; then the program closes
# memflux's socket with a raw close system call (no libc wrapper that memflux could see)
# and opens a socket.socketpair(); 20,000 allocations of 10,001 bytes at
# "site: during" in churn (freed: several of the agent's 64 KiB writes), 5 of 50,001 bytes
# at "site: after". The pair carries only the program's own bytes ("own_bytes_only=True"),
# and the agent, finding its descriptor gone, reconnects: nothing is lost. Exit 0.
import ctypes
import os
import socket

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


before = [bytearray(30_000) for _ in range(3)]  # site: before
[agent_fd] = sockets()
ctypes.CDLL(None, use_errno=True).syscall(SYS_CLOSE, agent_fd)
a, b = socket.socketpair()
churn(20_000)
a.sendall(b"the program's own bytes")
a.shutdown(socket.SHUT_WR)
b.shutdown(socket.SHUT_WR)
received_b = b""
while chunk := b.recv(65536):
    received_b += chunk
received_a = b""
while chunk := a.recv(65536):
    received_a += chunk
after = [bytearray(50_000) for _ in range(5)]  # site: after
print("own_bytes_only=%s" % (received_b == b"the program's own bytes" and received_a == b""))
