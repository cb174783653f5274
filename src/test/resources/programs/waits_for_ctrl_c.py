# Expected: holds 10 x 100,001 bytes (line marked "site: held"), prints "ready", then
# sleeps until Ctrl-C: python prints the KeyboardInterrupt traceback and dies of SIGINT
# (status 130); the 10 allocations are still allocated in a complete capture.
import time

held = [bytearray(100_000) for _ in range(10)]  # site: held
print("ready", flush=True)
time.sleep(60)
