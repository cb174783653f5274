#!/usr/bin/env python3
"""Times memflux's HTML reports (flamegraph, table) beside memray's on the same program.

For each size, alloc_heavy.py is scaled (ITERATIONS; 4 events an iteration), run once
under `memflux run` and once under `memray run` (same interpreter), and each report is
made from its capture under /usr/bin/time -v: wall time, CPU time, peak RSS, output size.
Then the same for many_paths.py (64,000 distinct paths, all live at the end; --leaks), with
memflux's default --min-share and with --min-share 0, to show what bounds the page.

    python3 benchmarks/reports/html_reports.py [--iterations 1050000 10500000] [--python /usr/bin/python3]
        [--memray-path /work/memray-build/memray/src:/work/memray-build/pydeps]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMFLUX = ROOT / "memflux"
WORKLOAD = ROOT / "benchmarks" / "overhead" / "alloc_heavy.py"


def timed(command, env=None):
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of a command, as /usr/bin/time -v says."""
    result = subprocess.run(["/usr/bin/time", "-v"] + command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", result.stderr).group(1))
              for kind in ("User", "System"))
    return seconds, cpu, rss


def row(label, tool, report, command, out, env=None):
    s, cpu, rss = timed(command, env=env)
    print(f"| {label} | {tool} | {report} | {s:.2f} s | {cpu:.2f} s | {rss / 1024:.0f} MiB | "
          f"{out.stat().st_size / 1024:,.0f} KiB |", flush=True)


def captures(tmp, name, program, python, memray_env):
    """The program's memflux capture and memray capture."""
    mf = tmp / f"memflux-{name}.bin"
    subprocess.run([str(MEMFLUX), "run", "-q", "-f", "--python", python, "-o", str(mf), str(program)], check=True)
    mr = tmp / f"memray-{name}.bin"
    subprocess.run([python, "-m", "memray", "run", "-q", "-f", "-o", str(mr), str(program)],
                   env=memray_env, check=True, stderr=subprocess.DEVNULL)
    return mf, mr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, nargs="+", default=[1_050_000, 10_500_000])
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--memray-path", default="/work/memray-build/memray/src:/work/memray-build/pydeps")
    args = parser.parse_args()
    memray_env = dict(os.environ, PYTHONPATH=args.memray_path)
    memray = [args.python, "-m", "memray"]
    with tempfile.TemporaryDirectory(prefix="memflux-reports-") as tmp:
        tmp = Path(tmp)
        print("| capture | tool | report | wall time | CPU time | peak RSS | output |")
        print("|---|---|---|---|---|---|---|")
        for iterations in args.iterations:
            program = tmp / f"alloc_heavy_{iterations}.py"
            program.write_text(re.sub(r"ITERATIONS = [\d_]+", f"ITERATIONS = {iterations}", WORKLOAD.read_text()))
            label = f"alloc_heavy, {4 * iterations:,} events"
            mf, mr = captures(tmp, str(iterations), program, args.python, memray_env)
            for report in ("flamegraph", "table"):
                out = tmp / f"memflux-{report}-{iterations}.html"
                row(label, "memflux", report, [str(MEMFLUX), report, "-f", "-o", str(out), str(mf)], out)
                out = tmp / f"memray-{report}-{iterations}.html"
                row(label, "memray", report, memray + [report, "-f", "-o", str(out), str(mr)], out, memray_env)
        mf, mr = captures(tmp, "paths", ROOT / "benchmarks" / "reports" / "many_paths.py", args.python, memray_env)
        label = "many_paths (64,000 paths live)"
        for extra in ([], ["--min-share", "0"]):
            out = tmp / f"memflux-paths-{len(extra)}.html"
            row(label, "memflux", " ".join(["flamegraph --leaks"] + extra),
                [str(MEMFLUX), "flamegraph", "--leaks", "-f", "-o", str(out)] + extra + [str(mf)], out)
        out = tmp / "memray-paths.html"
        row(label, "memray", "flamegraph --leaks", memray + ["flamegraph", "--leaks", "-f", "-o", str(out), str(mr)],
            out, memray_env)


if __name__ == "__main__":
    main()
