#!/usr/bin/env python3
"""A sweep sharded 7 ways through real batch engines merges to the bytes of one local run:
(a) GNU parallel, (b) the Kubernetes Indexed Job contract - the container `args` of docs/sweeps.md's
Job manifest, run once per index with JOB_COMPLETION_INDEX set (and a retried index) - and (c) a
single-node Slurm cluster (tools/slurm-localhost: Debian's slurm-wlm and munge) running the sweep as
a job array with a dependent merge job. Also the CLI contract: --shard K/N, exit 1 and the list of
missing shards on merge, --allow-missing, exit 2 on a bad spec.
An engine this machine lacks (not installed, not root) is reported and the test exits 77 (skipped)
after running the others; tools/quickstart test installs them.
Usage: sweep_engines.py CAPSIM SOURCE_DIR WORKDIR"""
import os
import re
import shutil
import subprocess
import sys
import time

capsim, source, work = [os.path.abspath(a) for a in sys.argv[1:4]]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
spec = os.path.join(source, "tests", "data", "sweep", "engines.yaml")
SHARDS = 7
skipped = []


def run(args, env=None, expect=0):
    p = subprocess.run(args, capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert p.returncode == expect, f"{args}: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}"
    return p


def merge(out_dir, name):
    target = os.path.join(work, name)
    run([capsim, "sweep", "merge", out_dir, "--out", target])
    return open(target, "rb").read()


# The reference: every run in one process, two threads.
run([capsim, "sweep", "run", spec, "--out", os.path.join(work, "local"), "-j", "2"])
reference = merge(os.path.join(work, "local"), "local.json")
assert b'"status": "error"' not in reference

# CLI contract: --shard K/N is shard K-1; merge lists missing shards (exit 1) unless --allow-missing.
partial_dir = os.path.join(work, "partial")
p = run([capsim, "sweep", "run", spec, "--shard", "3/7", "--out", partial_dir])
assert "shard 2 of 7 (0-based, from --shard 3/7)" in p.stderr, p.stderr
p = run([capsim, "sweep", "merge", partial_dir, "--out", os.path.join(work, "partial.json")], expect=1)
assert "missing shards 0, 1, 3, 4, 5, 6" in p.stderr, p.stderr
assert not os.path.exists(os.path.join(work, "partial.json"))
run([capsim, "sweep", "merge", partial_dir, "--out", os.path.join(work, "partial.json"), "--allow-missing"])
assert b'"partial": true' in open(os.path.join(work, "partial.json"), "rb").read()
bad = os.path.join(work, "bad.yaml")
with open(bad, "w") as f:
    f.write(open(spec).read().replace("values: [1m, 10m]", "values: [1m, soon]").replace(
        "../../../scenarios", os.path.join(source, "scenarios")))
p = run([capsim, "sweep", "run", bad, "--out", os.path.join(work, "bad")], expect=2)
assert "NodePool[general].spec.disruption.consolidateAfter = soon" in p.stderr, p.stderr

# (a) GNU parallel, 7 shards, 2 at a time.
if shutil.which("parallel"):
    out = os.path.join(work, "parallel")
    p = subprocess.run(["parallel", "-j", "2", "--joblog", os.path.join(work, "parallel.log"), capsim, "sweep", "run", spec,
                        "--shard-index", "{}", "--shard-count", str(SHARDS), "--out", out],
                       input="\n".join(str(i) for i in range(SHARDS)) + "\n", capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert merge(out, "parallel.json") == reference, "GNU parallel's merge differs from the local run"
else:
    skipped.append("GNU parallel (apt-get install parallel)")

# (b) The Indexed Job contract: docs/sweeps.md's container args, per index, with the spec and the
# results volume mapped to this machine's paths.
docs = open(os.path.join(source, "docs", "sweeps.md")).read()
m = re.search(r"args: \[(sweep, run, /spec/sweep\.yaml[^\]]*)\]", docs)
assert m, "docs/sweeps.md has no Indexed Job container args"
args = [a.strip().strip('"') for a in m.group(1).split(",")]
assert args[args.index("--shard-count") + 1] == str(SHARDS)
out = os.path.join(work, "indexed")
args = [spec if a == "/spec/sweep.yaml" else out if a == "/results" else a for a in args]
for index in list(range(SHARDS)) + [4]:  # index 4 retried: it rewrites the same bytes
    before = open(os.path.join(out, "shard-4-of-7.json"), "rb").read() if index == 4 and os.path.exists(out) and \
        os.path.exists(os.path.join(out, "shard-4-of-7.json")) else None
    p = run([capsim] + args, env={"JOB_COMPLETION_INDEX": str(index)})
    assert f"shard {index} of 7 (0-based, from JOB_COMPLETION_INDEX={index})" in p.stderr, p.stderr
    if before is not None:
        assert open(os.path.join(out, "shard-4-of-7.json"), "rb").read() == before
assert merge(out, "indexed.json") == reference, "the Indexed Job shards' merge differs from the local run"
# Bad input exits 2 (podFailurePolicy FailIndex).
run([capsim, "sweep", "run", bad, "--shard-from-env", "--shard-count", "7", "--out", out], env={"JOB_COMPLETION_INDEX": "0"},
    expect=2)

# (c) Slurm: a job array of 7 tasks (1-based ids, so the index is ID - MIN) and a dependent merge.
slurm_dir = os.path.join(work, "slurm")
start = subprocess.run([os.path.join(source, "tools", "slurm-localhost"), "start", slurm_dir], capture_output=True, text=True)
if start.returncode == 77:
    skipped.append("Slurm (" + start.stderr.strip() + ")")
else:
    assert start.returncode == 0, start.stderr
    env = {"SLURM_CONF": os.path.join(slurm_dir, "slurm.conf")}
    try:
        out = os.path.join(work, "slurm-results")
        script = os.path.join(work, "run.sh")
        with open(script, "w") as f:
            f.write(f"#!/bin/sh\n#SBATCH --array=1-{SHARDS}\n#SBATCH --output={work}/slurm-%a.out\n"
                    f"exec {capsim} sweep run {spec} --shard-from-env --out {out}\n")
        jid = run(["sbatch", "--parsable", script], env=env).stdout.strip()
        merged = os.path.join(work, "slurm.json")
        mid = run(["sbatch", "--parsable", f"--dependency=afterok:{jid}", f"--output={work}/slurm-merge.out",
                   "--wrap", f"{capsim} sweep merge {out} --out {merged}"], env=env).stdout.strip()
        # Poll the queue (sbatch --wait polls with growing sleeps and took 30 s longer).
        deadline = time.monotonic() + 300
        while run(["squeue", "-h", "-j", f"{jid},{mid}"], env=env).stdout.strip():
            assert time.monotonic() < deadline, run(["squeue", "-j", f"{jid},{mid}"], env=env).stdout
            time.sleep(0.5)
        logs = open(os.path.join(work, "slurm-5.out")).read()
        assert "shard 4 of 7 (0-based, from SLURM_ARRAY_TASK_ID=5 - SLURM_ARRAY_TASK_MIN=1)" in logs, logs
        assert open(merged, "rb").read() == reference, "the Slurm array's merge differs from the local run"
    finally:
        subprocess.run([os.path.join(source, "tools", "slurm-localhost"), "stop", slurm_dir], capture_output=True)

if skipped:
    print("skipped: " + "; ".join(skipped))
    sys.exit(77)
print("ok: the local run, GNU parallel, the Indexed Job contract and a Slurm job array merge to the same bytes")
