# Expected: raises KeyboardInterrupt (as Ctrl-C would): python prints its traceback and
# dies of SIGINT, so the exit status is 128 + 2 = 130; memflux passes that through.
def wait():
    raise KeyboardInterrupt


wait()
