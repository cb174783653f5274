# Expected: prints its argv, sys.path[0], __name__ and whether __main__ is this module,
# then exits with the code given as argv[1].
import os
import sys

print("argv=" + repr(sys.argv))
print("path0=" + sys.path[0])
print("name=" + __name__)
print("main_is_me=" + str(sys.modules["__main__"].__dict__ is globals()))
print("stdin=" + sys.stdin.read().strip())
sys.exit(int(sys.argv[1]))
