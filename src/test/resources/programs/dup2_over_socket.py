# Expected: 3 allocations of 30,001 bytes at "site: before"; then os.dup2 puts the write
# end of a pipe over memflux's socket (the program's only socket, found in /proc/self/fd);
# 20,000 allocations of 10,001 bytes at "site: during" in churn (freed: several of the
# agent's 64 KiB writes); the pipe must carry only the program's bytes ("own_bytes_only=True").
# Then the program finds the socket again (it moved) and os.close()s it; 5 allocations of
# 50,001 bytes at "site: after". Exit code 0.
import os


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
r, w = os.pipe()
os.dup2(w, agent_fd)
churn(20_000)
os.write(agent_fd, b"the program's own bytes")
os.close(agent_fd)
os.close(w)
received = b""
while chunk := os.read(r, 65536):
    received += chunk
for fd in sockets():
    os.close(fd)
after = [bytearray(50_000) for _ in range(5)]  # site: after
print("own_bytes_only=%s" % (received == b"the program's own bytes"))
