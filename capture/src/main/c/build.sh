#!/bin/sh
# Builds libmemflux-agent.so into $1. Called by the Maven build (capture/pom.xml).
# Only libc, libdl and pthread: the agent must load into any CPython without pulling
# anything else into the profiled process.
set -eu
out=${1:?usage: build.sh OUTPUT_DIR}
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
${CC:-gcc} -std=gnu11 -O2 -g -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror \
  -fno-omit-frame-pointer -ftls-model=initial-exec \
  -o "$out/libmemflux-agent.so" "$src"/*.c -ldl -lpthread
