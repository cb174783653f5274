#!/usr/bin/env python3
"""Times plain python3 against memflux run on the same workloads.

Runs each workload RUNS times both ways, interleaved so that machine noise hits both
alike, and prints the medians, the slowdown ratio (from the same run), the events
recorded and the capture's bytes per event. JVM RSS is the peak resident set (VmHWM) of
memflux's own process (the JVM: ./memflux execs it), read from /proc in one more run.
With --memray, memray (python -m memray run) is timed in the same interleaving.

    python3 benchmarks/overhead/run_overhead.py [--runs 5] [--python python3] [--workload many_live.py] [--memray]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORKLOADS = ["empty.py", "alloc_heavy.py", "alloc_mixed.py", "call_heavy.py", "many_live.py", "random_free.py"]


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_rss_mib(cmd):
    """Runs cmd and returns the peak resident set of its own process (not its children's)."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak = [0]

    def watch():
        # VmHWM only grows: the last read before the process ends is its peak.
        while p.poll() is None:
            try:
                with open(f"/proc/{p.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak[0] = max(peak[0], int(line.split()[1]))
            except (OSError, ValueError):
                pass
            time.sleep(0.005)
    watcher = threading.Thread(target=watch)
    watcher.start()
    p.wait()
    watcher.join()
    if p.returncode != 0:
        raise subprocess.CalledProcessError(p.returncode, cmd)
    return peak[0] / 1024


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--python", default="python3")
    p.add_argument("--memflux", default=os.path.join(ROOT, "memflux"),
                   help="the memflux launcher (default: ./memflux, as a user runs it)")
    p.add_argument("--memflux-arg", action="append", default=[], help="extra flag for memflux run (e.g. --native)")
    p.add_argument("--workload", action="append", help="only these workloads")
    p.add_argument("--memray", action="store_true", help="time `python -m memray run` too (memray importable)")
    args = p.parse_args()
    memflux = [args.memflux]
    # One untimed run: builds memflux if needed and its class-data archive.
    subprocess.run(memflux + ["run", "-q", "-f", "-o", os.path.join(tempfile.gettempdir(), "memflux-warmup.bin"),
                              "-c", "pass"], check=True)
    print(f"python: {args.python}; runs: {args.runs}; memflux flags: {' '.join(args.memflux_arg) or '(none)'}")
    print(f"{'workload':<16}{'python3 s':>11}{'memflux s':>11}{'slowdown':>10}{'events':>12}{'bytes/event':>13}"
          f"{'JVM RSS MiB':>13}" + (f"{'memray s':>10}{'memray':>8}" if args.memray else ""))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "capture.bin")
        for workload in args.workload or WORKLOADS:
            script = os.path.join(HERE, workload)
            plain, profiled, memray = [], [], []
            run = memflux + ["run", "-q", "-f", "--python", args.python, "-o", out] + args.memflux_arg + [script]
            for _ in range(args.runs):
                plain.append(timed([args.python, script]))
                profiled.append(timed(run))
                if args.memray:
                    memray.append(timed([args.python, "-m", "memray", "run", "-q", "-f", "-o",
                                         os.path.join(tmp, "memray.bin"), script]))
            rss = peak_rss_mib(run)
            stats = json.loads(subprocess.run(memflux + ["stats", "--json", out], check=True,
                                              capture_output=True, text=True).stdout)
            events = stats["total_num_allocations"] + stats["metadata"]["total_frees"]
            size = os.path.getsize(out)
            p_med, m_med = statistics.median(plain), statistics.median(profiled)
            line = f"{workload:<16}{p_med:>11.3f}{m_med:>11.3f}{m_med / p_med:>9.2f}x{events:>12,}{size / max(events, 1):>13.2f}"
            line += f"{rss:>13.0f}"
            if memray:
                r_med = statistics.median(memray)
                line += f"{r_med:>10.3f}{r_med / p_med:>7.2f}x"
            print(line)


if __name__ == "__main__":
    main()
