"""Runs a workload file and prints how long it ran, from inside the program: the time
that memflux's fixed cost (JVM start, agent load, finishing the file) does not touch;
and the CPU the program's process used in that time (the agent's hooks included).

    python3 benchmarks/overhead/in_program.py benchmarks/overhead/alloc_heavy.py
    memflux run -q -o x.bin benchmarks/overhead/in_program.py benchmarks/overhead/alloc_heavy.py
"""
import resource
import runpy
import sys
import time

path = sys.argv[1]
began, began_cpu = time.perf_counter(), time.process_time()
runpy.run_path(path, run_name="__main__")
ended, ended_cpu = time.perf_counter(), time.process_time()
# The whole process's CPU too (the interpreter's start and the agent's set-up included), so a
# driver can tell memflux's JVM apart from everything python spent.
usage = resource.getrusage(resource.RUSAGE_SELF)
print("in_program_seconds=%.4f cpu_seconds=%.4f process_cpu_seconds=%.4f"
      % (ended - began, ended_cpu - began_cpu, usage.ru_utime + usage.ru_stime))
