# Expected: the standard library's fractions module (not loaded at start-up) is imported
# under tracking, so what is still allocated at the end includes memory allocated below
# importlib's frames (<frozen importlib._bootstrap>: _find_and_load, ...); and 1,000,001
# bytes (a bytearray keeps a NUL after its data) are held at the line marked
# "site: held", outside the import system.
import fractions  # site: import

held = bytearray(1_000_000)  # site: held
