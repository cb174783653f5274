# Expected: creates the file named by argv[1] (tests check that it did not run at all
# when memflux refused to start it) and allocates nothing worth counting.
import sys

open(sys.argv[1], "w").close()
