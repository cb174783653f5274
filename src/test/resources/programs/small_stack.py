# Expected: 17 allocations of 12345 bytes at the line marked "site: leaf" from the main
# thread, with the stack leaf <- middle ("site: calls-leaf") <- <module>
# ("site: calls-middle"), kept to the end; and 19 more there from a thread (started after
# tracking began), freed when the thread's target returns.
import threading


def leaf(n):
    kept = []
    for _ in range(n):
        kept.append(bytearray(12_344))  # site: leaf
    return kept


def middle(n):
    return leaf(n)  # site: calls-leaf


thread = threading.Thread(target=middle, args=(19,))
thread.start()
thread.join()
kept = middle(17)  # site: calls-middle
