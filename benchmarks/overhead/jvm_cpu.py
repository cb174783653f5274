#!/usr/bin/env python3
"""The JVM's CPU under `memflux run`, split into a fixed part and a part per event.

Runs memflux builds (or one build with different JVM options) on the empty program and on
an allocation-heavy one, interleaved RUNS times so machine load hits every variant alike.
The JVM's CPU is memflux's whole process tree's CPU less the program's own (in_program.py
prints the python process's CPU, its start and the agent's set-up included). The fixed
part is the median on empty.py; the per-event part is (median on the workload - fixed) /
events. Also prints the in-program time and the time the program waited in send (the
agent's MEMFLUX_AGENT_STATS line).

    python3 benchmarks/overhead/jvm_cpu.py --runs 9 \\
        --variant now=. --variant before=/tmp/before \\
        --variant c2=.:-XX:TieredStopAtLevel=4
A variant is LABEL=ROOT[:JAVA_OPTS] (ROOT: a built source tree with its ./memflux;
JAVA_OPTS go to MEMFLUX_JAVA_OPTS, after the script's own flags, so they override them).
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
IN_PROGRAM = os.path.join(HERE, "in_program.py")
FIGURES = re.compile(r"in_program_seconds=([\d.]+) cpu_seconds=([\d.]+) process_cpu_seconds=([\d.]+)")
SEND = re.compile(r"([\d.]+) ms in send")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(root, java_opts, python, workload, capture):
    """(JVM CPU s, in-program s, ms in send) of one memflux run."""
    env = dict(os.environ, MEMFLUX_AGENT_STATS="1", MEMFLUX_JAVA_OPTS=java_opts)
    before = children_cpu()
    done = subprocess.run([os.path.join(root, "memflux"), "run", "-q", "-f", "-o", capture, "--python", python,
                           IN_PROGRAM, workload], env=env, check=True, capture_output=True, text=True)
    tree = children_cpu() - before
    seconds, _, process_cpu = (float(g) for g in FIGURES.search(done.stdout).groups())
    send = SEND.search(done.stderr)
    return tree - process_cpu, seconds, float(send.group(1)) if send else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--workload", default="alloc_heavy.py")
    parser.add_argument("--events", type=int, default=4_200_000, help="events the workload makes")
    parser.add_argument("--variant", action="append", required=True, metavar="LABEL=ROOT[:JAVA_OPTS]")
    args = parser.parse_args()
    variants = []
    for v in args.variant:
        label, _, rest = v.partition("=")
        root, _, opts = rest.partition(":")
        variants.append((label, os.path.abspath(root), opts))
    workloads = [os.path.join(HERE, "empty.py"), os.path.join(HERE, args.workload)]
    results = {(label, w): [] for label, _, _ in variants for w in workloads}
    with tempfile.TemporaryDirectory() as directory:
        capture = os.path.join(directory, "capture.bin")
        for _ in range(args.runs):
            for w in workloads:
                for label, root, opts in variants:
                    results[(label, w)].append(run(root, opts, args.python, w, capture))
    print("%s, %s, %d runs each, interleaved; medians" % (args.workload, args.python, args.runs))
    for label, _, opts in variants:
        fixed = statistics.median(r[0] for r in results[(label, workloads[0])])
        loaded = results[(label, workloads[1])]
        jvm = statistics.median(r[0] for r in loaded)
        seconds = statistics.median(r[1] for r in loaded)
        send = statistics.median(r[2] for r in loaded)
        print("  %-10s JVM CPU: empty %.3f s, workload %.3f s, per event %.1f ns;"
              " in-program %.3f s, send %.0f ms  %s"
              % (label, fixed, jvm, (jvm - fixed) * 1e9 / args.events, seconds, send, opts))


if __name__ == "__main__":
    main()
