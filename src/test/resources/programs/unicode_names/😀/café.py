def 𠮷野家(n):
    kept = []
    for _ in range(n):
        kept.append(bytearray(10_006))  # site: alloc
    return kept
