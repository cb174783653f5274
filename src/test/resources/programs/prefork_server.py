# Expected with --follow-fork: a pre-fork server. The parent forks 3 workers before any
# request, each holding one end of its own socketpair, then sends every worker 4 requests,
# one line "SIZE" each, and reads each answer before the next request. For request k
# (0..3) of worker w (0..2) SIZE is 200_000 + 1000 * w + k; the worker allocates
# bytearray(SIZE), that is SIZE + 1 bytes ("site: request"), answers its length, and drops
# it before the next request. When the parent closes its end the worker leaves with
# os._exit(0). The parent prints "worker=W pid=PID answers=4" for each.
# Each worker's capture: 4 allocations at the request site, 4 x (200_001 + 1000 * w) + 6
# bytes, none live at its end. The parent's capture: none at that site.
import os
import socket

WORKERS = 3
REQUESTS = 4


def serve(conn):
    stream = conn.makefile("rb")
    for line in stream:
        buffer = bytearray(int(line))  # site: request
        conn.sendall(b"%d\n" % len(buffer))
        del buffer
    os._exit(0)


workers = []
for w in range(WORKERS):
    parent_end, child_end = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        parent_end.close()
        for _, _, earlier in workers:
            earlier.close()
        serve(child_end)
    child_end.close()
    workers.append((w, pid, parent_end))

for w, pid, conn in workers:
    answers = conn.makefile("rb")
    for k in range(REQUESTS):
        conn.sendall(b"%d\n" % (200_000 + 1000 * w + k))
        assert int(answers.readline()) == 200_000 + 1000 * w + k
    answers.close()
    conn.close()
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    print("worker=%d pid=%d answers=%d" % (w, pid, REQUESTS), flush=True)
