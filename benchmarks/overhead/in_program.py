"""Runs a workload file and prints how long it ran, from inside the program: the time
that memflux's fixed cost (JVM start, agent load, finishing the file) does not touch;
and the CPU the program's process used in that time (the agent's hooks included).

    python3 benchmarks/overhead/in_program.py benchmarks/overhead/alloc_heavy.py
    memflux run -q -o x.bin benchmarks/overhead/in_program.py benchmarks/overhead/alloc_heavy.py
"""
import runpy
import sys
import time

path = sys.argv[1]
began, began_cpu = time.perf_counter(), time.process_time()
runpy.run_path(path, run_name="__main__")
print("in_program_seconds=%.4f cpu_seconds=%.4f"
      % (time.perf_counter() - began, time.process_time() - began_cpu))
