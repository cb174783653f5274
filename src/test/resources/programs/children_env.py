# Expected: a child started with exec sees neither LD_PRELOAD (unless the user had one)
# nor any MEMFLUX_ variable, and runs normally.
import subprocess
import sys

out = subprocess.run(["env"], capture_output=True, text=True, check=True).stdout
leaked = [line for line in out.splitlines() if line.startswith(("LD_PRELOAD", "MEMFLUX_"))]
print("leaked=" + repr(leaked))
rc = subprocess.run([sys.executable, "-c", "import sys; sys.exit(5)"]).returncode
print("child_rc=" + str(rc))
