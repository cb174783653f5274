#!/usr/bin/env python3
"""Times memflux against memray on the same workload and interpreter, interleaved.

Five ways, one run of each in turn, RUNS rounds: plain python, memflux run, memflux run
--trace-python-allocators, memray run, memray run --trace-python-allocators. Prints the
medians, the slowdowns against plain python, each tool's start-up (the same command on an
empty program, timed in the same rounds) and the slowdown without it, the allocations
recorded and the capture's bytes per allocation (both tools' files as written, lz4 on
exit for both). memray is not installed here: point --memray-path at a source build
(see /work/wt/memray.md); memray's CLI needs its PYTHONPATH.

    python3 benchmarks/overhead/compare_memray.py --runs 7 --python /usr/bin/python3 \\
        --memray-path /work/memray-build/memray/src:/work/memray-build/pydeps
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(cmd, env):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--python", default="/usr/bin/python3")
    p.add_argument("--memflux", default=os.path.join(ROOT, "memflux"))
    p.add_argument("--memray-path", required=True, help="PYTHONPATH under which `python -m memray` runs")
    p.add_argument("--workload", default=os.path.join(HERE, "object_heavy.py"))
    args = p.parse_args()
    memray_env = dict(os.environ, PYTHONPATH=args.memray_path)
    plain_env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty.py")
        with open(empty, "w") as f:
            f.write("pass\n")
        out = {name: os.path.join(tmp, name + ".bin") for name in ("mf", "mft", "mr", "mrt")}

        def ways(script, keep):
            o = (lambda name: out[name]) if keep else (lambda name: os.path.join(tmp, "scratch-" + name + ".bin"))
            mf = [args.memflux, "run", "-q", "-f", "--python", args.python]
            mr = [args.python, "-m", "memray", "run", "-q", "-f"]
            return {
                "python": ([args.python, script], plain_env),
                "memflux": (mf + ["-o", o("mf"), script], plain_env),
                "memflux --trace-python-allocators": (mf + ["--trace-python-allocators", "-o", o("mft"), script],
                                                      plain_env),
                "memray": (mr + ["-o", o("mr"), script], memray_env),
                "memray --trace-python-allocators": (mr + ["--trace-python-allocators", "-o", o("mrt"), script],
                                                     memray_env),
            }

        work, start_up = ways(args.workload, True), ways(empty, False)
        for cmd, env in work.values():  # untimed: builds memflux, warms the page cache
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times = {name: [] for name in work}
        empties = {name: [] for name in work}
        for _ in range(args.runs):
            for name in work:
                times[name].append(timed(*work[name]))
                empties[name].append(timed(*start_up[name]))
        counts = {}
        for key, name in (("mf", "memflux"), ("mft", "memflux --trace-python-allocators")):
            stats = json.loads(subprocess.run([args.memflux, "stats", "--json", out[key]], check=True,
                                              capture_output=True, text=True).stdout)
            counts[name] = (stats["total_num_allocations"], stats["metadata"]["total_frees"], os.path.getsize(out[key]))
        for key, name in (("mr", "memray"), ("mrt", "memray --trace-python-allocators")):
            json_out = os.path.join(tmp, key + ".json")
            subprocess.run([args.python, "-m", "memray", "stats", "--json", "-f", "-o", json_out, out[key]],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=memray_env)
            with open(json_out) as f:
                stats = json.load(f)
            counts[name] = (stats["total_num_allocations"], None, os.path.getsize(out[key]))
    base = statistics.median(times["python"])
    base_empty = statistics.median(empties["python"])
    print(f"python: {args.python}; workload: {os.path.basename(args.workload)}; medians of {args.runs} interleaved runs")
    print(f"{'way':<36}{'time s':>8}{'slowdown':>10}{'start-up s':>12}{'net slowdown':>14}"
          f"{'allocations':>13}{'frees':>12}{'file bytes':>12}{'B/alloc':>9}")
    for name in work:
        t = statistics.median(times[name])
        e = statistics.median(empties[name])
        net = (t - (e - base_empty)) / base
        allocations, frees, size = counts.get(name, (None, None, None))
        frees_said = "-" if frees is None else f"{frees:,}"
        print(f"{name:<36}{t:>8.3f}{t / base:>9.2f}x{e:>12.3f}{net:>13.2f}x"
              + (f"{allocations:>13,}{frees_said:>12}{size:>12,}"
                 f"{size / max(allocations, 1):>9.3f}" if allocations is not None else ""))


if __name__ == "__main__":
    main()
