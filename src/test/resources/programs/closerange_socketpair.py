# Expected: 3 allocations of 30,001 bytes at "site: before"; then twice: os.closerange
# closes every descriptor from 3 up (memflux's socket among them; first up to 1000, where
# the socket can move above the range, then up to the descriptor limit, where it cannot),
# socket.socketpair() takes the lowest numbers again, and 20,000 allocations of 10,001
# bytes at "site: during" in churn (freed: enough records for several of the agent's
# 64 KiB writes) happen while the pair is open: 40,000 in all. Then 5 allocations of
# 50,001 bytes at "site: after". Each pair must carry only the program's own bytes:
# prints "own_bytes_only=True". Exit code 0.
import os
import socket


def churn(n):
    for _ in range(n):
        buf = bytearray(10_000)  # site: during
        del buf


def only_own_bytes_after_closerange(last):
    os.closerange(3, last)
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
    a.close()
    b.close()
    return received_b == b"the program's own bytes" and received_a == b""


before = [bytearray(30_000) for _ in range(3)]  # site: before
ok = only_own_bytes_after_closerange(1000)
ok = only_own_bytes_after_closerange(os.sysconf("SC_OPEN_MAX")) and ok
after = [bytearray(50_000) for _ in range(5)]  # site: after
print("own_bytes_only=%s" % ok)
