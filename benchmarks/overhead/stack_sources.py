#!/usr/bin/env python3
"""Times the two Python stack sources against plain python, on one or more interpreters.

For each interpreter and workload, runs plain python, `memflux run` with the frame walk
and `memflux run` with the profile function (MEMFLUX_STACK_SOURCE=profile), interleaved
so that machine noise hits all three alike, and prints the medians and each slowdown:
of the wall time, and of the CPU time (user + system) of every process the run made
(memflux's JVM included), which a busy shared machine disturbs far less.
A capture whose metadata names another source than the one asked for (an interpreter
whose frames the agent could not validate) is an error, not a measurement.

    python3 benchmarks/overhead/stack_sources.py --runs 7 \\
        --python ~/.pyenv/versions/3.12.1/bin/python3 --python ~/.pyenv/versions/3.13.0/bin/python3
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SOURCES = {"frame-walk": {}, "profile-function": {"MEMFLUX_STACK_SOURCE": "profile"}}


def timed(cmd, env=None):
    """(wall seconds, CPU seconds of the command and everything it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def source_of(memflux, capture):
    stats = subprocess.run([memflux, "stats", "--json", capture], check=True, capture_output=True, text=True)
    return json.loads(stats.stdout)["metadata"]["python_stack_source"]


def version_of(python):
    return subprocess.run([python, "-c", "import platform; print(platform.python_version())"], check=True,
                          capture_output=True, text=True).stdout.strip()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--python", action="append", help="an interpreter (repeatable; default python3)")
    p.add_argument("--memflux", default=os.path.join(ROOT, "memflux"))
    p.add_argument("--workload", action="append", help="default: call_heavy.py and alloc_heavy.py")
    args = p.parse_args()
    # One untimed run: builds memflux if needed and its class-data archive.
    subprocess.run([args.memflux, "run", "-q", "-f", "-o", os.path.join(tempfile.gettempdir(), "memflux-warmup.bin"),
                    "-c", "pass"], check=True)
    print(f"runs: {args.runs}; medians in seconds; slowdown = memflux median / plain median")
    print(f"{'python':<9}{'workload':<16}{'':<6}{'plain':>8}{'walk':>8}{'profile':>9}{'walk x':>8}{'profile x':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for python in args.python or ["python3"]:
            for workload in args.workload or ["call_heavy.py", "alloc_heavy.py"]:
                script = os.path.join(HERE, workload)
                times = {"plain": []} | {source: [] for source in SOURCES}
                for _ in range(args.runs):
                    times["plain"].append(timed([python, script]))
                    for source, extra in SOURCES.items():
                        out = os.path.join(tmp, source + ".bin")
                        times[source].append(timed([args.memflux, "run", "-q", "-f", "--python", python, "-o", out,
                                                    script], dict(os.environ, **extra)))
                        if source_of(args.memflux, out) != source:
                            sys.exit(f"stack_sources.py: {python} ran {source_of(args.memflux, out)}, not {source}")
                for label, column in (("wall", 0), ("cpu", 1)):
                    plain, walk, profile = (statistics.median(t[column] for t in times[k]) for k in ["plain", *SOURCES])
                    print(f"{version_of(python):<9}{workload:<16}{label:<6}{plain:>8.3f}{walk:>8.3f}{profile:>9.3f}"
                          f"{walk / plain:>7.2f}x{profile / plain:>10.2f}x")


if __name__ == "__main__":
    main()
