# Expected with --follow-fork: a multiprocessing Pool of 2 workers (fork start method) runs
# 6 tasks; each task allocates 1,000,003 bytes ("site: task"; bytearray(n) allocates n + 1)
# and frees them. The printed sum of the tasks' results is 6 x 1,000,002 + 15.
# Each worker's capture (one file per worker) holds the tasks it ran: 6 allocations of
# 1,000,003 bytes at that line over the two files. The parent runs no task.
import multiprocessing


def task(i):
    buffer = bytearray(1_000_002)  # site: task
    return len(buffer) + i


if __name__ == "__main__":
    pool = multiprocessing.get_context("fork").Pool(2)
    results = pool.map(task, range(6), chunksize=1)
    pool.close()
    pool.join()
    print("results=%d" % sum(results), flush=True)
