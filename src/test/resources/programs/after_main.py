# Expected: work that runs after the script's last line is tracked: a non-daemon thread
# allocates 300,008 bytes (bytearray(300_007), line marked "site: thread-late") and a
# ThreadPoolExecutor job allocates 500,010 bytes (line marked "site: job-late"), both
# only once the interpreter's thread shutdown has begun (threading's own atexit hook,
# where concurrent.futures joins its workers), and both still allocated at the end.
import threading
from concurrent.futures import ThreadPoolExecutor

shutting_down = threading.Event()
kept = []


def late_thread():
    shutting_down.wait()
    kept.append(bytearray(300_007))  # site: thread-late


def late_job():
    shutting_down.wait()
    kept.append(bytearray(500_009))  # site: job-late


threading.Thread(target=late_thread).start()
ThreadPoolExecutor(1).submit(late_job)
# Runs when python starts waiting for threads, after this module's last line.
threading._register_atexit(shutting_down.set)
