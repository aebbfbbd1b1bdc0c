#!/usr/bin/env bash
# Times docs/forecast.md's cost forecast: the DLRM trace's next week, 100 demand paths replayed
# through examples/forecast/cluster.yaml's Karpenter and Cluster Autoscaler at 3 % of the trace's
# demand (about 1,100 pods of 12 vCPU), with -j 2; then the first 10 paths with -j 1 and -j 2,
# which must print the same bytes.
#   bench/forecast-speed.sh [BUILD_DIR] [SHARED_DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/src/cli/capsim
trace=${2:-../shared/data}/traces/alibaba-gpu-v2025-disaggregated_DLRM_trace.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {  # paths jobs out
  "$bin" forecast "$trace" --trace-format alibaba-dlrm --scenario examples/forecast/cluster.yaml --scale 0.03 \
    --paths "$1" -j "$2" --format json --out "$3"
}
start=$(date +%s.%N)
run 100 2 "$work/100.json"
end=$(date +%s.%N)
printf '100 paths x 7 days x 2 autoscalers, -j 2: %.1f s\n' "$(echo "$end - $start" | bc)"
run 10 1 "$work/j1.json"
run 10 2 "$work/j2.json"
cmp "$work/j1.json" "$work/j2.json" && echo "10 paths: -j 1 and -j 2 identical"
