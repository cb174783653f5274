# Expected: the heap peaks at 100 x 1,000,001 bytes (100 MB, plus the interpreter's
# baseline) held at the line marked "site: big", which are then freed; then 30 x
# 1,000,001 bytes (30 MB) are held at the line marked "site: small" and are still
# allocated when the program ends.
def hold_big():
    held = [bytearray(1_000_000) for _ in range(100)]  # site: big
    return len(held)


def hold_small():
    return [bytearray(1_000_000) for _ in range(30)]  # site: small


hold_big()
kept = hold_small()
