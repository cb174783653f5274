# Expected: stacks stay exact when frames are popped and others pushed at the same
# addresses between two allocations (the frame walk compares each chain with the last).
# - 60 allocations of 30011 bytes at "site: leaf": 30 with the stack
#   leaf <- via_p ("site: p-calls") <- <module> ("site: alternates"), 30 with
#   leaf <- via_q ("site: q-calls") <- <module> ("site: alternates"): via_p and via_q have
#   frames of one size pushed by one call instruction, so leaf's frame, its code and its
#   instruction are the same at every allocation; only the frame below it differs;
# - 40 allocations of 50021 bytes at "site: gen": 20 with the stack
#   gen <- take_a ("site: a-takes") <- <module> ("site: alternates-gen"), 20 with
#   gen <- take_b ("site: b-takes") <- <module> ("site: alternates-gen"): one generator frame
#   (one address) resumed from either caller;
# - 60 allocations of 20011 bytes at "site: bottom", of a recursion alternately 3 and 5
#   calls deep, the same frames pushed again each time: 30 with the stack
#   down:bottom <- down:recurse x 3 <- <module> ("site: recurses"), 30 with
#   down:bottom <- down:recurse x 5 <- <module> ("site: recurses").


def leaf():
    return bytearray(30_010)  # site: leaf


def via_p():
    return leaf()  # site: p-calls


def via_q():
    return leaf()  # site: q-calls


for call in (via_p, via_q) * 30:
    call()  # site: alternates


def gen():
    while True:
        yield bytearray(50_020)  # site: gen


g = gen()


def take_a():
    return next(g)  # site: a-takes


def take_b():
    return next(g)  # site: b-takes


for take in (take_a, take_b) * 20:
    take()  # site: alternates-gen


def down(n):
    if n == 0:
        return bytearray(20_010)  # site: bottom
    return down(n - 1)  # site: recurse


for depth in (3, 5) * 30:
    down(depth)  # site: recurses
