# A small test suite with known per-test figures (run by pytest, or by suite_runner.py):
# - test_holds_ten holds 10 x 1,000,001 bytes at once ("site: ten"), then drops them:
#   peak >= 10,000,010 bytes, allocated >= 10,000,010, 10 allocations of 1,000,001 at least, leaked ~0;
# - test_leaks_three leaves 3 x 2,000,001 bytes in a module-level list ("site: three"):
#   peak and leaked >= 6,000,003 bytes;
# - test_small_churn allocates 100 x 10,001 bytes one at a time ("site: churn"), each
#   dropped before the next: allocated >= 1,000,100 bytes, peak under 1 MiB;
# - test_clears_kept allocates 1,001 bytes ("site: marker") and empties the list
#   test_leaks_three filled: at its own end test_leaks_three had left 6,000,003 bytes
#   live, though none of them is live when tracking stops.
kept = []


def test_holds_ten():
    held = [bytearray(1_000_000) for _ in range(10)]  # site: ten
    assert len(held) == 10


def test_leaks_three():
    for _ in range(3):
        kept.append(bytearray(2_000_000))  # site: three
    assert len(kept) == 3


def test_small_churn():
    total = 0
    for _ in range(100):
        total += len(bytearray(10_000))  # site: churn
    assert total == 1_000_000


def test_clears_kept():
    marker = bytearray(1_000)  # site: marker
    kept.clear()
    assert len(marker) == 1_000
