# Expected: prints sys.argv, sys.orig_argv and the sorted names in sys.modules as its
# first act, one per line, exactly as plain python3 (FILE or -m mfx_startup_state) would.
import sys

print("argv=" + repr(sys.argv))
print("orig_argv=" + repr(sys.orig_argv))
print("modules=" + " ".join(sorted(sys.modules)))
