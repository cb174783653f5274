#!/bin/bash
# The live view's "a stopped viewer does not slow the program" figure (benchmarks/RESULTS.md).
# usage: benchmarks/live_stopped_viewer.sh plain|live|stopped [N]   (from the repository's root,
# after a build); prints the program's own "churn seconds S" for N allocations (default 1000000).
set -euo pipefail
JAR=$PWD/cli/target/memflux.jar
PROG=$PWD/src/test/resources/programs/live_churn.py
N=${2:-1000000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
case $1 in
plain)
  touch "$W/go"
  java -jar "$JAR" run -q -f -o "$W/c.bin" "$PROG" "$W" "$N" 2>/dev/null;;
live|stopped)
  java -jar "$JAR" run -q -f --live-remote -o "$W/c.bin" "$PROG" "$W" "$N" > "$W/out" 2> "$W/err" &
  run=$!
  until grep -q "memflux live" "$W/err" 2>/dev/null; do sleep 0.05; done
  port=$(grep -o "memflux live [0-9]*" "$W/err" | awk '{print $3}')
  java -jar "$JAR" live "$port" --print --interval 0.1 > "$W/view" 2>&1 &
  view=$!
  until [ -s "$W/view" ]; do sleep 0.05; done
  if [ "$1" = stopped ]; then kill -STOP "$view"; fi
  touch "$W/go"
  wait "$run"
  cat "$W/out"
  kill -CONT "$view" 2>/dev/null || true
  kill "$view" 2>/dev/null || true
  wait "$view" 2>/dev/null || true;;
*) echo "usage: $0 plain|live|stopped [N]" >&2; exit 2;;
esac
