# Mixed-allocation workload: varied sizes (600 B - 20 KB, all from the system allocator)
# written into random slots of a 4096-slot working set, so each allocation frees a random
# older one: addresses and sizes follow no pattern, a fair case for bytes per event.
import random

random.seed(1)
slots = [None] * 4096
for i in range(600_000):
    slots[random.randrange(4096)] = bytearray(random.randrange(600, 20_000))
