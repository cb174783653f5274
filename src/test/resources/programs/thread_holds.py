# Expected: the main thread (memflux's thread 1) keeps 1,000,001 bytes ("site: main")
# allocated to the end. A worker thread (thread 2, the next to allocate) holds 8 x
# 1,000,001 bytes at once ("site: worker"), frees 6 of them, and leaves 2 x 1,000,001
# allocated when the program ends (kept in a global list). So thread 2's peak is
# 8,000,008 bytes, 2,000,002 of them still live at the end; thread 1 leaks 1,000,001.
import threading

kept = []


def work():
    held = [bytearray(1_000_000) for _ in range(8)]  # site: worker
    kept.extend(held[:2])


main_buffer = bytearray(1_000_000)  # site: main
t = threading.Thread(target=work)
t.start()
t.join()
