# Expected: a second thread of the program's own is alive when it forks, so plain
# CPython 3.12+ prints its DeprecationWarning about forking a multi-threaded process on
# stderr (naming the pid); memflux must neither hide it nor add to it. The parent
# allocates 30 x 40,001 bytes after the fork ("site: after"). Prints "ok" on stdout.
import os
import threading

release = threading.Event()
waiter = threading.Thread(target=release.wait)
waiter.start()
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
after = [bytearray(40_000) for _ in range(30)]  # site: after
release.set()
waiter.join()
print("ok")
