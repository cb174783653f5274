# A tiny test runner: imports test_memory_suite (beside it) and calls each test* function
# in the order defined, as pytest would, printing "passed N".
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_memory_suite as suite


def run_all():
    names = [n for n in vars(suite) if n.startswith("test") and callable(getattr(suite, n))]
    for name in names:
        getattr(suite, name)()
    print("passed %d" % len(names))


run_all()
