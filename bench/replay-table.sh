#!/usr/bin/env bash
# Runs the replay benchmarks one per process (so peak RSS is that row's) and prints the
# bench/README.md results table rows. Rows that exceed the timeout are reported as such.
#
#   bench/replay-table.sh [BUILD_DIR] [TIMEOUT_SECONDS] [FILTER_REGEX...]
#
# Default: build/, 600 s, every BM_Replay row plus the engine / bare-heap / disruption-pass rows.
set -euo pipefail
build=${1:-build}
timeout_s=${2:-600}
shift $(( $# > 2 ? 2 : $# )) || true
bench="$build/bench/capsim_bench"
[[ -x "$bench" ]] || { echo "no $bench: build the release preset first" >&2; exit 2; }
if (( $# )); then filters=("$@"); else
  filters=('BM_BareHeap' 'BM_EngineSameEvents' 'BM_DisruptionPass/1000$' 'BM_ProvisioningSolve_DiversePods/20000')
  for a in karpenter cluster_autoscaler; do
    for row in 10000/24 10000/168 10000/720 100000/24 100000/168 100000/720 1000000/1 1000000/24 1000000/168 1000000/720; do
      filters+=("BM_Replay/$a/$row/")
    done
  done
  filters+=('BM_AuditImport' 'BM_AuditReplay')
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '| benchmark | wall (s) | trace events | events/s | sim/wall | peak nodes | peak RSS (MiB) |\n'
printf '| --- | --- | --- | --- | --- | --- | --- |\n'
for f in "${filters[@]}"; do
  out="$tmp/row.json"
  if timeout "$timeout_s" "$bench" --benchmark_filter="$f" --benchmark_format=json >"$out" 2>/dev/null; then
    python3 - "$out" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
    wall = b["real_time"] * unit
    ev = b.get("trace_events")
    ips = b.get("items_per_second")
    cells = [b["name"].replace("/iterations:1", ""), f"{wall:.3g}",
             f"{ev:,.0f}" if ev else "", f"{ips:,.0f}" if ips else "",
             f"{b['sim_per_wall']:,.0f}" if "sim_per_wall" in b else "",
             f"{b['peak_nodes']:.0f}" if "peak_nodes" in b else "",
             f"{b['peak_rss_mib']:.0f}" if "peak_rss_mib" in b else ""]
    print("| " + " | ".join(cells) + " |")
PY
  else
    printf '| %s | > %s | | | | | |\n' "$f" "$timeout_s"
  fi
done
