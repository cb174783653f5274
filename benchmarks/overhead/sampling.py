#!/usr/bin/env python3
"""--sample-rate against the exact capture and plain python, on one workload.

Runs the workload RUNS times each way, interleaved: plain python, memflux run (exact) and
memflux run --sample-rate=RATE. Prints two medians per way: the whole command's wall time
and the time the program itself took (measured inside it, so memflux's fixed start and
finish are left out), and the sampled estimates of bytes allocated and peak against the
exact capture's.

    python3 benchmarks/overhead/sampling.py [--runs 7] [--rate 512KiB] [--python /usr/bin/python3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# Runs the workload as __main__ and prints how long it took, from inside the program.
TIMED = """
import runpy, sys, time
start = time.perf_counter()
runpy.run_path(sys.argv[1], run_name="__main__")
print("INNER", time.perf_counter() - start, file=sys.stderr)
"""


def run(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    inner = [float(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("INNER ")]
    return wall, inner[0]


def stats(memflux, capture):
    out = subprocess.run([memflux, "stats", "--json", capture], check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    return data["total_bytes_allocated"], data["metadata"]["peak_memory"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--rate", default="512KiB")
    p.add_argument("--python", default="python3")
    p.add_argument("--workload", default=os.path.join(HERE, "alloc_heavy.py"))
    p.add_argument("--memflux", default=os.path.join(ROOT, "memflux"))
    p.add_argument("--before", help="another memflux (e.g. an older build) timed in the same loop")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        timed = os.path.join(tmp, "timed.py")
        with open(timed, "w") as f:
            f.write(TIMED)
        exact_file = os.path.join(tmp, "exact.bin")
        sampled_file = os.path.join(tmp, "sampled.bin")
        ways = {
            "plain": [args.python, timed, args.workload],
            "exact": [args.memflux, "run", "-q", "-f", "--python", args.python, "-o", exact_file, timed, args.workload],
            "sampled": [args.memflux, "run", "-q", "-f", "--python", args.python, "--sample-rate=" + args.rate, "-o",
                        sampled_file, timed, args.workload],
        }
        if args.before:
            ways["exact-before"] = [args.before] + ways["exact"][1:]
            ways["sampled-before"] = [args.before] + ways["sampled"][1:]
            run(ways["exact-before"])
        run(ways["exact"])  # builds memflux if needed, warms its class-data archive
        times = {way: [] for way in ways}
        for _ in range(args.runs):
            for way, cmd in ways.items():
                times[way].append(run(cmd))
        plain_wall = statistics.median(w for w, _ in times["plain"])
        plain_inner = statistics.median(i for _, i in times["plain"])
        print(f"python: {args.python}; workload: {os.path.basename(args.workload)}; runs: {args.runs}; "
              f"rate: {args.rate}")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
        print(f"{'way':15}{'wall s':>9}{'x plain':>9}{'program s':>11}{'x plain':>9}")
        for way in ways:
            wall = statistics.median(w for w, _ in times[way])
            inner = statistics.median(i for _, i in times[way])
            print(f"{way:15}{wall:9.3f}{wall / plain_wall:8.2f}x{inner:11.3f}{inner / plain_inner:8.2f}x")
        exact = stats(args.memflux, exact_file)
        sampled = stats(args.memflux, sampled_file)
        for name, e, s in zip(("bytes allocated", "peak"), exact, sampled):
            print(f"{name}: exact {e:,}, sampled estimate {s:,} ({100.0 * (s - e) / e:+.1f}%)")
        print(f"file: exact {os.path.getsize(exact_file):,} B, sampled {os.path.getsize(sampled_file):,} B")


if __name__ == "__main__":
    sys.exit(main())
