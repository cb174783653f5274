# Expected: 13 allocations of 20011 bytes at the line marked "site: grab" of
# own_runpy/runpy.py (the program's own file called runpy.py, not the interpreter's),
# inside grab, called from the line marked "site: calls-grab"; kept to the end.
import importlib.util
import os

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "own_runpy", "runpy.py")
spec = importlib.util.spec_from_file_location("own_runpy", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
kept = module.grab(13)  # site: calls-grab
