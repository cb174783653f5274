# Expected: 4 allocations of 40,001 bytes before (line "site: before") and 6 of 60,001
# bytes after (line "site: after"); in between, 5 times each, subprocess.run of a missing
# binary and of /bin/true with a missing cwd, both failing in the vfork child (which
# reports the error to the parent and leaves with _exit), and one /bin/true that execs.
# Exit code 0, "spawn_errors=10". The vfork child runs on the parent's memory: what it
# does (close its descriptors, exec, _exit) must neither end nor enter the capture.
import subprocess

before = [bytearray(40_000) for _ in range(4)]  # site: before
errors = 0
for _ in range(5):
    try:
        subprocess.run(["/nonexistent/memflux-missing-binary"])
    except FileNotFoundError:
        errors += 1
    try:
        subprocess.run(["/bin/true"], cwd="/nonexistent/memflux-missing-dir")
    except FileNotFoundError:
        errors += 1
    subprocess.run(["/bin/true"], check=True)
after = [bytearray(60_000) for _ in range(6)]  # site: after
print("spawn_errors=%d" % errors)
