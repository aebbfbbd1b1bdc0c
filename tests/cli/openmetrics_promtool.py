#!/usr/bin/env python3
"""`capsim run --openmetrics` ingested by Prometheus' own tool: promtool tsdb create-blocks-from
openmetrics builds TSDB blocks from the file, and promtool tsdb dump reads series back, which must
agree with result.json. Usage: openmetrics_promtool.py CAPSIM SOURCE_DIR WORKDIR"""
import json
import os
import shutil
import subprocess
import sys

capsim, source, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
metrics = os.path.join(work, "walkthrough.om")
scenario = os.path.join(source, "scenarios", "seed-nginx-scaleout.yaml")
run = subprocess.run([capsim, "--quiet", "run", scenario, "--format", "json", "--openmetrics", metrics],
                     capture_output=True, text=True, check=True)
result = json.loads(run.stdout)["results"][0]
with open(metrics) as f:
    text = f.read()
assert text.endswith("# EOF\n"), text[-40:]

db = os.path.join(work, "tsdb")
subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", metrics, db], check=True,
               capture_output=True)
os.makedirs(os.path.join(db, "wal"), exist_ok=True)  # promtool 2.42's dump opens the WAL directory


def dump(match):
    out = subprocess.run(["promtool", "tsdb", "dump", "--match", match, db], capture_output=True, text=True,
                         check=True).stdout
    points = []
    for line in out.splitlines():  # {__name__="...", ...} VALUE TIMESTAMP_MS
        labels, value, ts = line.rsplit(" ", 2)
        points.append((int(ts), float(value), labels))
    return sorted(points)


start_ms = 1767571200 * 1000  # the scenario's default startTime, 2026-01-05T00:00:00Z
created = dump('karpenter_nodes_created_total{autoscaler="karpenter",nodepool="default"}')
assert created and created[-1][1] == result["summary"]["nodesLaunched"] == 1, created[-3:]
assert created[0][0] == start_ms and created[0][1] == 0
# The 30 nginx replicas (from 2m) and the kube-system pods all run at 9m, before the Deployment
# is deleted at 10m.
running = dump('kube_pod_status_phase{autoscaler="karpenter",phase="Running"}')
at_9m = [v for ts, v, _ in running if ts == start_ms + 9 * 60 * 1000]
assert at_9m and at_9m[0] >= 30, at_9m
launched_type = result["launches"][0]["instanceType"]
nodes = dump('capsim_nodes{autoscaler="karpenter",instance_type="%s"}' % launched_type)
assert max(v for _, v, _ in nodes) == 1, nodes
print(f"ok: {len(created)} samples per series, {launched_type} launched, {int(at_9m[0])} pods running at 9m")
