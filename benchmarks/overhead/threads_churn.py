#!/usr/bin/env python3
"""The agent's single stream lock under contention: N threads calling C code that does
malloc/free pairs with the GIL released (ctypes), plain and under memflux run.

    python3 benchmarks/overhead/threads_churn.py [--pairs 2000000] [--threads 1 2]

Prints nanoseconds per malloc/free pair (wall time / total pairs per thread) so the
figures compare with DESIGN.md's 116-135 ns a pair for one mutex with two threads.
"""
import argparse
import ctypes
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def work(lib_path, threads, pairs):
    lib = ctypes.CDLL(lib_path)
    lib.churn.argtypes = [ctypes.c_long]
    workers = [threading.Thread(target=lib.churn, args=(pairs,)) for _ in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pairs", type=int, default=2_000_000)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--inner", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.inner:
        lib, threads, pairs = args.inner
        print("%.6f" % work(lib, int(threads), int(pairs)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        lib = os.path.join(tmp, "libchurn.so")
        subprocess.run(["gcc", "-O2", "-fPIC", "-shared", "-o", lib, os.path.join(HERE, "churn.c")], check=True)
        out = os.path.join(tmp, "churn.bin")
        print(f"{'threads':>8}{'plain ns/pair':>16}{'memflux ns/pair':>18}")
        for n in args.threads:
            inner = [sys.executable, __file__, "--inner", lib, str(n), str(args.pairs)]
            plain = float(subprocess.run(inner, check=True, capture_output=True, text=True).stdout)
            traced = float(subprocess.run([os.path.join(ROOT, "memflux"), "run", "-q", "-f", "-o", out, "--python",
                                           sys.executable] + inner[1:], check=True, capture_output=True,
                                          text=True).stdout)
            print(f"{n:>8}{plain * 1e9 / args.pairs:>16.1f}{traced * 1e9 / args.pairs:>18.1f}")


if __name__ == "__main__":
    main()
