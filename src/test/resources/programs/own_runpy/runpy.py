def grab(n):
    kept = []
    for _ in range(n):
        kept.append(bytearray(20_010))  # site: grab
    return kept
