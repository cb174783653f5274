#!/bin/sh
# Writes the golden agent stream to $1 (default: the checked-in copy that GoldenStreamTest
# reads). It builds golden_stream.c with the agent's stream.c, thread.c and lock.c as
# build.sh compiles them, so after a change to the agent's encoder, run it and update
# GoldenStreamTest's values:
#   capture/src/test/c/golden_stream.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
agent="$here/../../main/c"
out=${1:-"$here/../resources/golden/agent-stream.bin"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
${CC:-gcc} -std=gnu11 -O2 -U_FORTIFY_SOURCE -Wall -Wextra -Werror -I"$agent" \
  -o "$work/golden_stream" "$here/golden_stream.c" "$agent/stream.c" "$agent/thread.c" "$agent/lock.c" -lpthread
"$work/golden_stream" > "$work/stream.bin"
mv "$work/stream.bin" "$out"
