# Expected, with either stack source: the program's own profile functions keep being
# called while memflux tracks, and see what they would without memflux.
# - sys.setprofile(counter): 5 allocations of 30011 bytes at the line marked
#   "site: traced" (in traced); counter sees the 5 calls; sys.getprofile() is counter;
#   the program's trace function (sys.settrace, set before) sees them too.
# - a cProfile.Profile enabled around 7 calls of profiled: 7 allocations of 30013 bytes
#   at "site: profiled"; cProfile counts 7 calls.
# - cProfile.run of 4 calls of ran: 4 allocations of 30015 bytes at "site: ran".
# - once all are removed: 3 allocations of 30017 bytes at "site: after";
#   sys.getprofile() is None.
# - threading.setprofile(counter), then a thread: 6 allocations of 30019 bytes at
#   "site: threaded"; counter sees the 6 calls on that thread.
# All kept to the end. The program exits non-zero when its own profilers saw otherwise.
import cProfile
import os
import pstats
import sys
import threading

calls = {}
traces = {}


def counter(frame, event, arg):
    if event == "call":
        calls[frame.f_code.co_name] = calls.get(frame.f_code.co_name, 0) + 1


def tracer(frame, event, arg):
    if event == "call":
        traces[frame.f_code.co_name] = traces.get(frame.f_code.co_name, 0) + 1


def traced():
    if sys.getprofile() is not counter or sys.gettrace() is not tracer:
        sys.exit("sys.getprofile() is %r and sys.gettrace() %r, not the program's" % (sys.getprofile(), sys.gettrace()))
    return bytearray(30_010)  # site: traced


def profiled():
    return bytearray(30_012)  # site: profiled


def ran():
    return bytearray(30_014)  # site: ran


def after():
    if sys.getprofile() is not None:
        sys.exit("sys.getprofile() is %r after the program removed its own" % (sys.getprofile(),))
    return bytearray(30_016)  # site: after


def threaded():
    if sys.getprofile() is not counter:
        sys.exit("sys.getprofile() is %r on the thread, not the program's counter" % (sys.getprofile(),))
    return bytearray(30_018)  # site: threaded


def thread_main():
    for _ in range(6):
        kept.append(threaded())


kept = []
sys.settrace(tracer)
sys.setprofile(counter)
for _ in range(5):
    kept.append(traced())
sys.setprofile(None)
sys.settrace(None)

profiler = cProfile.Profile()
profiler.enable()
for _ in range(7):
    kept.append(profiled())
profiler.disable()

cProfile.run("for _ in range(4): kept.append(ran())", os.devnull)

for _ in range(3):
    kept.append(after())

threading.setprofile(counter)
thread = threading.Thread(target=thread_main)
thread.start()
thread.join()
threading.setprofile(None)

profiled_calls = [v[1] for k, v in pstats.Stats(profiler).stats.items() if k[2] == "profiled"]
if calls.get("traced") != 5 or traces.get("traced") != 5 or profiled_calls != [7] or calls.get("threaded") != 6:
    sys.exit("the program's profilers saw traced=%s (traced %s) profiled=%s threaded=%s"
             % (calls.get("traced"), traces.get("traced"), profiled_calls, calls.get("threaded")))
