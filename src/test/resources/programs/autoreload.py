# Expected: what autoreloaders do: the first run re-execs itself with
# os.execv(sys.executable, sys.orig_argv); the re-exec'd run (untracked, so the capture
# is cut short at the exec) prints "reloaded argv=[...]" with the same arguments and
# exits 0.
import os
import sys

if os.environ.get("MFX_RELOADED") != "1":
    os.environ["MFX_RELOADED"] = "1"
    sys.stdout.flush()
    os.execv(sys.executable, sys.orig_argv)
print("reloaded argv=" + repr(sys.argv[1:]))
