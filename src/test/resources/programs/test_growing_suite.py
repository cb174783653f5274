# A suite run twice for check --per-test --baseline (by itself, or by pytest), figures known
# by construction:
# - test_grows: build_rows holds ROWS (env SUITE_ROWS, default 100) x 100,001 bytes at once
#   ("site: rows"; bytearray(n) allocates n + 1) beside 2,000,001 more bytes made in the test
#   itself ("site: extra"): ROWS 130 is 30% more in function:build_rows (10,000,100 ->
#   13,000,130 bytes plus the list), 25% more in the whole test (12,000,101 -> 15,000,131);
# - test_steady holds 20 x 100,001 bytes ("site: steady") in every run, none of them in
#   build_rows;
# - test_added (only with SUITE_ADDED=1) holds 1,000,001 bytes ("site: added").
import os

ROWS = int(os.environ.get("SUITE_ROWS", "100"))


def build_rows(count):
    return [bytearray(100_000) for _ in range(count)]  # site: rows


def test_grows():
    rows = build_rows(ROWS)
    extra = bytearray(2_000_000)  # site: extra
    assert len(rows) == ROWS and len(extra) == 2_000_000


def test_steady():
    held = [bytearray(100_000) for _ in range(20)]  # site: steady
    assert len(held) == 20


if os.environ.get("SUITE_ADDED") == "1":
    def test_added():
        kept = bytearray(1_000_000)  # site: added
        assert len(kept) == 1_000_000


if __name__ == "__main__":
    names = [n for n in list(globals()) if n.startswith("test")]
    for name in names:
        globals()[name]()
    print("passed %d" % len(names))
