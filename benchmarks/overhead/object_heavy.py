# Object-heavy workload for --trace-python-allocators: every iteration makes and drops
# small Python objects that live in pymalloc's pools (a 3-key dict, a 3-tuple, a 4-item
# list, a 2-item list comprehension's list, a float), so with the flag nearly every event
# is a pymalloc block; without it pymalloc's arenas hide them. About 1 s under plain
# Debian python3 on this machine; 400,000 iterations.
ITERATIONS = 400_000


def work():
    total = 0.0
    for i in range(ITERATIONS):
        d = {"a": i, "b": i + 1, "c": (i, i + 1, i + 2)}
        items = [d["a"], d["b"], d["c"], i * 0.5]
        pair = [x for x in items[:2]]
        total += items[3] + pair[1] - len(d)
    return total


print(work())
