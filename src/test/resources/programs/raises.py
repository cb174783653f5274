# Expected: an uncaught ValueError: its traceback on stderr (no memflux frames in it)
# and exit code 1, like plain python3.
def fail():
    raise ValueError("boom from raises.py")


fail()
