# Expected: still allocated when tracking stops: 1,000,001 bytes at the line marked
# "site: big" (a bytearray keeps a NUL after its data) and ten bytearrays of 1,001 bytes
# at the ten lines of small_sites(), each about 0.1% of the total, the ten about 1%.
def small_sites():
    a = bytearray(1000)  # site: small
    b = bytearray(1000)
    c = bytearray(1000)
    d = bytearray(1000)
    e = bytearray(1000)
    f = bytearray(1000)
    g = bytearray(1000)
    h = bytearray(1000)
    i = bytearray(1000)
    j = bytearray(1000)
    return [a, b, c, d, e, f, g, h, i, j]


big = bytearray(1_000_000)  # site: big
kept = small_sites()
