# Expected: prints "ready", then waits; the first of HUP, TERM, USR1, USR2, ALRM to
# arrive is printed by name ("got SIGHUP") and the program exits with code 40.
import signal
import sys


def report(number, frame):
    print("got " + signal.Signals(number).name, flush=True)
    sys.exit(40)


for name in ("SIGHUP", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM"):
    signal.signal(getattr(signal, name), report)
print("ready", flush=True)
while True:
    signal.pause()
