# ~2 M allocations in two threads: small objects churned, some kept.
import threading

kept = []


def work(n):
    for i in range(n):
        b = bytearray(600 + i % 512)
        if i % 100 == 0:
            kept.append(b)


t = threading.Thread(target=work, args=(1_000_000,))
t.start()
work(1_000_000)
t.join()
