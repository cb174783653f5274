# Expected, exactly (all from the system allocator: larger than pymalloc's 512 bytes):
# "site: held" allocates 20,000 x 10,001 bytes (200 MB) and keeps them to the end, so
# the heap peaks at about 200 MB with them and they are still allocated at the end;
# "site: churn" allocates 400,000 x 1,001 bytes (400 MB), each freed at once, so at the
# peak and at the end it holds at most one of them.
# A sampled capture (--sample-rate) estimates these within a few percent.
HELD = 20_000
CHURN = 400_000


def hold(n):
    held = []
    for _ in range(n):
        held.append(bytearray(10_000))  # site: held
    return held


def churn(n):
    for _ in range(n):
        b = bytearray(1_000)  # site: churn
    return n


kept = hold(HELD)
churn(CHURN)
