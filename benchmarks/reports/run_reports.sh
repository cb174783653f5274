#!/usr/bin/env bash
# Times memflux's and memray's reporters on captures of the same program (workload.py,
# Debian's python3 for both, as memray is built for it): wall time and peak RSS of each
# report from GNU time. Usage: run_reports.sh ITERATIONS WORKDIR
# memray: /work/memray-build (see /work/wt/memray.md); left out when it is missing.
set -euo pipefail
n=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
memflux="$here/../../memflux"
mkdir -p "$work"
cd "$work"
export PYTHONPATH=/work/memray-build/memray/src:/work/memray-build/pydeps
measure() { # label, command...
  local label=$1
  shift
  /usr/bin/time -f "$label	%e s wall	%U+%S s CPU	%M KiB" -o time.txt "$@" >/dev/null 2>err.txt || { echo "$label failed"; tail -3 err.txt; }
  cat time.txt
}
[[ -f mf.bin ]] || "$memflux" run -q -f --python /usr/bin/python3 -o mf.bin "$here/workload.py" "$n"
"$memflux" stats --json mf.bin | grep -E '"total_num_allocations"|"total_frees"'
measure "memflux summary" "$memflux" summary mf.bin
measure "memflux summary --temporary-allocations" "$memflux" summary --temporary-allocations mf.bin
measure "memflux tree" "$memflux" tree mf.bin
measure "memflux tree --temporary-allocations" "$memflux" tree --temporary-allocations mf.bin
measure "memflux transform csv" "$memflux" transform csv -f -o mf.csv mf.bin
measure "memflux transform pprof" "$memflux" transform pprof -f -o mf.pb.gz mf.bin
measure "memflux transform speedscope" "$memflux" transform speedscope -f -o mf.speedscope.json mf.bin
measure "memflux flamegraph" "$memflux" flamegraph -f -o mf-flamegraph.html mf.bin
measure "memflux table" "$memflux" table -f -o mf-table.html mf.bin
if [[ -d /work/memray-build/memray ]]; then
  [[ -f mr.bin ]] || /usr/bin/python3 -m memray run -q -f -o mr.bin "$here/workload.py" "$n" 2>/dev/null
  measure "memray summary" /usr/bin/python3 -m memray summary mr.bin
  measure "memray summary --temporary-allocations" /usr/bin/python3 -m memray summary --temporary-allocations mr.bin
  measure "memray transform csv" /usr/bin/python3 -m memray transform csv -f -o mr.csv mr.bin
  measure "memray transform gprof2dot" /usr/bin/python3 -m memray transform gprof2dot -f -o mr.json mr.bin
  measure "memray flamegraph" /usr/bin/python3 -m memray flamegraph -f -o mr-flamegraph.html mr.bin
  measure "memray table" /usr/bin/python3 -m memray table -f -o mr-table.html mr.bin
fi
ls -l mf.bin "${work}"/mr.bin 2>/dev/null || true
