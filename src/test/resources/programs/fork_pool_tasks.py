# Expected with --follow-fork: a multiprocessing Pool of 3 long-lived workers (fork start
# method, no maxtasksperchild) runs 60 tasks, one at a time each (chunksize 1). Every task
# waits at a barrier of 3 before allocating, so each round of 3 tasks runs on the 3
# workers, one each: every worker runs exactly 20 tasks. Task i allocates
# bytearray(100_000 + i), that is 100_001 + i bytes ("site: task"), and frees it before
# returning. The parent prints one line per worker, "worker=PID tasks=20 bytes=B" (B: the
# sum of its tasks' allocations), then "total tasks=60 bytes=6001830" (60 x 100_001 +
# 0 + 1 + ... + 59). Each worker's capture holds exactly its 20 allocations and B bytes at
# the task site, none live at its end; the parent's capture has none there.
import collections
import multiprocessing
import os

context = multiprocessing.get_context("fork")
round_of_three = context.Barrier(3)


def task(i):
    round_of_three.wait(timeout=60)
    buffer = bytearray(100_000 + i)  # site: task
    return os.getpid(), len(buffer) + 1


if __name__ == "__main__":
    per_worker = collections.defaultdict(lambda: [0, 0])
    with context.Pool(3) as pool:
        for pid, size in pool.imap_unordered(task, range(60), chunksize=1):
            per_worker[pid][0] += 1
            per_worker[pid][1] += size
        pool.close()
        pool.join()
    for pid, (tasks, size) in sorted(per_worker.items()):
        print("worker=%d tasks=%d bytes=%d" % (pid, tasks, size))
    print("total tasks=%d bytes=%d" % (sum(t for t, _ in per_worker.values()),
                                        sum(b for _, b in per_worker.values())), flush=True)
