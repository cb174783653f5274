"""A tiny program to profile: holds 3 x 10 MB at one line, frees them, keeps 1 MB."""
import sys


def build(n, size):
    return [bytearray(size) for _ in range(n)]


def main():
    held = build(3, 10_000_000)  # peak: about 30 MB live here
    del held
    keep = bytearray(1_000_000)  # still allocated when the program ends
    print(f"hello from {sys.argv[0]} with args {sys.argv[1:]}")
    return keep


kept = main()
