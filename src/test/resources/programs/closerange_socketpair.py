# Expected: 3 allocations of 30,001 bytes at "site: before"; then os.closerange(3, 1000)
# closes every descriptor (memflux's socket among them) and socket.socketpair() takes the
# lowest numbers again; 20,000 allocations of 10,001 bytes at "site: during" in churn
# (freed: enough records for several of the agent's 64 KiB writes) while the pair is open; 5 allocations
# of 50,001 bytes at "site: after". The pair must carry only the program's own bytes:
# prints "own_bytes_only=True". Exit code 0.
import os
import socket

def churn(n):
    for _ in range(n):
        buf = bytearray(10_000)  # site: during
        del buf


before = [bytearray(30_000) for _ in range(3)]  # site: before
os.closerange(3, 1000)
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
