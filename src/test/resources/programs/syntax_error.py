# Expected: python prints the syntax error (no traceback) and exits 1; nothing runs.
print("this never prints")
def broken(:
    pass
