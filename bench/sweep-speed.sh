#!/usr/bin/env bash
# Times bench/sweep-200.yaml (200 runs of the 24 h compare scenario) in one shard with -j 1 and
# -j 2, checks the two merge to the same bytes, and prints the speed-up.
#   bench/sweep-speed.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/src/cli/capsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for j in 1 2; do
  start=$(date +%s.%N)
  "$bin" sweep run bench/sweep-200.yaml --out "$work/j$j" -j "$j" 2>/dev/null
  end=$(date +%s.%N)
  "$bin" sweep merge "$work/j$j" --out "$work/j$j.json"
  printf -- '-j %s: %.1f s\n' "$j" "$(echo "$end - $start" | bc)"
  echo "$end - $start" | bc >"$work/t$j"
done
cmp "$work/j1.json" "$work/j2.json" && echo "merged results identical"
printf 'speed-up -j 2 over -j 1: %.2fx\n' "$(echo "$(cat "$work/t1") / $(cat "$work/t2")" | bc -l)"
