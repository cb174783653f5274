# Expected: three files all named café.py, in directories été/, 夏/ and 😀/ under
# unicode_names/ (so their paths are strs of 1-, 2- and 4-byte kinds), each with a
# function named in the same kind: café makes 3, 分配 5 and 𠮷野家 7 allocations of
# 10007 bytes, each at its file's line marked "site: alloc", kept to the end.
import importlib.util
import os

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unicode_names")
kept = []
for directory, function, n in (("été", "café", 3), ("夏", "分配", 5), ("😀", "𠮷野家", 7)):
    spec = importlib.util.spec_from_file_location("café_" + str(n), os.path.join(here, directory, "café.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kept += getattr(module, function)(n)
