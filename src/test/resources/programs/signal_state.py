# Expected: prints its own signal mask and ignored signals (SigBlk, SigIgn from
# /proc/self/status) exactly as plain python3 started the same way would: memflux's JVM
# must not leak its blocked SIGQUIT or its ignored signals 32/33 into the program.
for line in open("/proc/self/status"):
    if line.startswith(("SigBlk:", "SigIgn:")):
        print(line.strip())
