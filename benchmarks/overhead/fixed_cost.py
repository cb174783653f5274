"""memflux's fixed cost on an empty program, split where it goes, for several memflux
builds side by side (e.g. one built from an older commit in a directory of its own).

    python3 benchmarks/overhead/fixed_cost.py --runs 20 --python /usr/bin/python3 \
        before=/tmp/before/memflux after=./memflux [--memflux-arg=--sample-rate=512KiB]

Plain python and each build run in turn, RUNS times, so they share the machine's load.
The program notes the time at its first line and in an atexit handler; per way the
medians of: the start of the command to the program's first line, the program's end to
the command's exit, the whole command, and the CPU time (user + sys) of the command's
whole process tree, which load moves far less than wall times.
"""
import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time

PROGRAM = ("import atexit, os, time\n"
           "first = time.time()\n"
           "atexit.register(lambda: open(os.environ['FIXED_COST_TIMES'], 'w').write('%r %r' % (first, time.time())))\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--python", default="python3")
    p.add_argument("--memflux-arg", action="append", default=[], help="extra flag for memflux run")
    p.add_argument("builds", nargs="+", metavar="LABEL=MEMFLUX", help="a memflux script to time, with its label")
    args = p.parse_args()
    ways = [("plain", None)] + [tuple(b.split("=", 1)) for b in args.builds]
    tmp = tempfile.mkdtemp()
    times_file, out = os.path.join(tmp, "times"), os.path.join(tmp, "out.bin")
    env = dict(os.environ, FIXED_COST_TIMES=times_file)
    results = {label: [] for label, _ in ways}
    loads = []
    for _ in range(args.runs):
        for label, memflux in ways:
            cmd = [args.python, "-c", PROGRAM] if memflux is None else \
                [memflux, "run", "-q", "-f", "-o", out, "--python", args.python, *args.memflux_arg, "-c", PROGRAM]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.time()
            subprocess.run(cmd, env=env, check=True)
            end = time.time()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            with open(times_file) as f:
                first, last = map(float, f.read().split())
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            results[label].append((first - start, end - last, end - start, cpu))
        loads.append(os.getloadavg()[0])
    print("load average %.1f-%.1f; medians of %d runs, ms" % (min(loads), max(loads), args.runs))
    print("%-14s %12s %12s %8s %10s" % ("way", "first line", "end to exit", "total", "CPU (tree)"))
    for label, rows in results.items():
        m = [statistics.median(r[i] for r in rows) * 1000 for i in range(4)]
        print("%-14s %12.1f %12.1f %8.1f %10.1f" % (label, *m))


if __name__ == "__main__":
    main()
