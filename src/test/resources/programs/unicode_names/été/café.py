def café(n):
    kept = []
    for _ in range(n):
        kept.append(bytearray(10_006))  # site: alloc
    return kept
