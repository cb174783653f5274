# Expected with --native under Debian's python3 with python3-numpy: the array expression
# at the line marked "site: expression" allocates its 8,000,000-byte temporaries in
# numpy's C code, whose native frames show right inside that Python line.
import numpy as np

a = np.ones(1_000_000)
b = np.ones(1_000_000)
c = a * 2 + b  # site: expression
