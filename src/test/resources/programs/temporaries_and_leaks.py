# Allocations whose lifetimes are known by construction (bytearray(n) mallocs n + 1 bytes).
# Expected, at the lines marked "site: NAME":
#   temp  400 allocations of 100,004 bytes, each freed before anything else is allocated:
#         400 temporary allocations (40,001,600 bytes) at every threshold, none leaked
#   held  10 allocations of 300,004 bytes, all alive together, then freed last-first (a
#         list frees its items from the end): the one freed first had 0 allocations after
#         it, the next 1, ...: with threshold N, N + 1 of them are temporary (N < 10);
#         none leaked
#   kept  25 allocations of 200,004 bytes, never freed: 5,000,100 bytes in 25 allocations
#         leaked (still allocated when tracking stopped), none temporary
def churn():
    total = 0
    for _ in range(400):
        total += len(bytearray(100_003))  # site: temp
    return total


def hold_then_drop():
    held = [bytearray(300_003) for _ in range(10)]  # site: held
    del held


def keep():
    kept = [None] * 25
    for i in range(25):
        kept[i] = bytearray(200_003)  # site: kept
    return kept


churn()
hold_then_drop()
KEPT = keep()
