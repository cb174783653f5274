#!/usr/bin/env python3
"""Splits memflux's per-event cost into the agent's part and the JVM's part.

Three ways to run one workload, interleaved RUNS times (machine noise hits all alike),
each timed from inside the program (in_program.py: the fixed start and finish cost is
left out):
  plain   python alone;
  agent   python with the agent LD_PRELOADed, its stream read and dropped by a Python
          socket reader in this process (no JVM): the agent's own cost per event;
  memflux memflux run: the agent, plus the program waiting for the JVM and sharing the
          machine's cores with it.
For memflux runs the JVM's CPU is the CPU of memflux's whole process tree minus the
program's own (in_program.py prints it). The agent's MEMFLUX_AGENT_STATS line says how
long the program waited in send. Prints medians and ns per event.

    python3 benchmarks/overhead/per_event_budget.py [--runs 7] [--python /usr/bin/python3]
        [--workload alloc_heavy.py] [--events 4200000] [--agent-only] [--baseline-agent DIR]
"""
import argparse
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
IN_PROGRAM = os.path.join(HERE, "in_program.py")
AGENT_DIR = os.path.join(ROOT, "capture", "target", "classes", "dev", "memflux", "agent")
FIGURES = re.compile(r"in_program_seconds=([\d.]+) cpu_seconds=([\d.]+)")
SEND = re.compile(r"([\d.]+) ms in send")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd, env=None):
    """Returns (in-program seconds, program CPU seconds, tree CPU seconds, ms in send)."""
    before = children_cpu()
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    tree = children_cpu() - before
    seconds, cpu = (float(g) for g in FIGURES.search(done.stdout).groups())
    send = SEND.search(done.stderr)
    return seconds, cpu, tree, float(send.group(1)) if send else 0.0


def agent_only(python, workload, directory, agent_dir=AGENT_DIR):
    """The agent streaming into a reader that drops everything."""
    path = os.path.join(directory, "drop.sock")
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(8)

    def drain():
        connection, _ = server.accept()
        while connection.recv(1 << 20):
            pass
        connection.close()

    reader = threading.Thread(target=drain)
    reader.start()
    env = dict(os.environ, LD_PRELOAD=os.path.join(agent_dir, "libmemflux-agent.so"),
               MEMFLUX_AGENT=os.path.join(agent_dir, "libmemflux-agent.so"),
               MEMFLUX_SOCKET=path, MEMFLUX_PYTHON=python, MEMFLUX_AGENT_STATS="1")
    try:
        return run([python, os.path.join(agent_dir, "memflux_bootstrap.py"), "file", IN_PROGRAM, workload], env)
    finally:
        reader.join()
        server.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--workload", default="alloc_heavy.py")
    parser.add_argument("--events", type=int, default=4_200_000,
                        help="events the workload makes (alloc_heavy.py: 2 allocations and 2 frees an iteration)")
    parser.add_argument("--agent-only", action="store_true",
                        help="leave out the memflux runs: plain python and the agent(s) only")
    parser.add_argument("--baseline-agent", metavar="DIR",
                        help="a directory with another build's libmemflux-agent.so and memflux_bootstrap.py,"
                             " timed the same way in the same interleaving (before/after a change)")
    parser.add_argument("--baseline-memflux", metavar="ROOT",
                        help="another build's source tree (its ./memflux script, built), run the same way as"
                             " memflux in the same interleaving (before/after a JVM change)")
    args = parser.parse_args()
    workload = os.path.join(HERE, args.workload)
    memflux = os.path.join(ROOT, "memflux")
    results = {"plain": [], "agent": []} if args.agent_only else {"plain": [], "agent": [], "memflux": []}
    if args.baseline_agent:
        results["baseline"] = []
    if args.baseline_memflux:
        results["memflux-before"] = []
    with tempfile.TemporaryDirectory() as directory:
        capture = os.path.join(directory, "capture.bin")
        for _ in range(args.runs):
            results["plain"].append(run([args.python, IN_PROGRAM, workload]))
            results["agent"].append(agent_only(args.python, workload, directory))
            if args.baseline_agent:
                results["baseline"].append(agent_only(args.python, workload, directory, args.baseline_agent))
            if args.agent_only:
                continue
            results["memflux"].append(run([memflux, "run", "-q", "-f", "-o", capture, "--python", args.python,
                                           IN_PROGRAM, workload], dict(os.environ, MEMFLUX_AGENT_STATS="1")))
            if args.baseline_memflux:
                results["memflux-before"].append(run(
                    [os.path.join(args.baseline_memflux, "memflux"), "run", "-q", "-f", "-o", capture,
                     "--python", args.python, IN_PROGRAM, workload], dict(os.environ, MEMFLUX_AGENT_STATS="1")))
    median = {k: [statistics.median(r[i] for r in v) for i in range(4)] for k, v in results.items()}
    plain = median["plain"][0]
    per_event = lambda seconds: seconds * 1e9 / args.events
    print("%s, %s, %d runs each, interleaved; medians, in-program time" % (args.workload, args.python, args.runs))
    for kind in results:
        seconds, cpu, tree, send = median[kind]
        print("  %-14s %.3f s  %.2fx plain  program CPU %.3f s (%.0f ns/event over plain)  waited in send %.0f ms"
              % (kind, seconds, seconds / plain, cpu, per_event(cpu - median["plain"][1]), send))
    if args.agent_only:
        return
    for kind in ("memflux", "memflux-before"):
        if kind not in results:
            continue
        jvm = statistics.median(r[2] - r[1] for r in results[kind])
        print("per event (%s): agent %.0f ns (agent - plain), memflux %.0f ns (memflux - plain), of which"
              " waiting in send %.0f ns; JVM CPU %.0f ns"
              % (kind, per_event(median["agent"][0] - plain), per_event(median[kind][0] - plain),
                 per_event(median[kind][3] / 1000), per_event(jvm)))


if __name__ == "__main__":
    main()
