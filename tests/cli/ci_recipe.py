#!/usr/bin/env python3
"""The CI recipe of docs/ci.md (tools/capsim-ci, the commands the GitHub Actions and GitLab jobs run),
run on two revisions of a scenario directory: an unchanged head passes; a head whose NodePool
changed fails with a JUnit failure and a Markdown summary naming the cost change and the diverging
decisions. Usage: ci_recipe.py CAPSIM SOURCE_DIR WORKDIR"""
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

capsim, source, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
recipe = os.path.join(source, "tools", "capsim-ci")
scenario = open(os.path.join(source, "scenarios", "karpenter-consolidation.yaml")).read()


def revision(name, text):
    d = os.path.join(work, name, "scenarios")
    os.makedirs(d)
    with open(os.path.join(d, "karpenter-consolidation.yaml"), "w") as f:
        f.write(text)
    shutil.copy(os.path.join(source, "scenarios", "ca-scale-down.yaml"), d)
    return d


base = revision("base", scenario)
same = revision("same", scenario)
changed = revision("head", scenario.replace('values: ["2", "4", "8", "16"]', 'values: ["2", "4", "8"]'))
env = dict(os.environ, CAPSIM=capsim)

ok = subprocess.run([recipe, base, same, os.path.join(work, "out-same")], env=env, capture_output=True, text=True)
assert ok.returncode == 0, (ok.returncode, ok.stdout, ok.stderr)
assert "0 failed" in ok.stdout

run = subprocess.run([recipe, base, changed, os.path.join(work, "out")], env=env, capture_output=True, text=True)
assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
out = os.path.join(work, "out")
for f in ("golden/karpenter-consolidation/result.json", "golden/ca-scale-down/decisions.jsonl", "junit.xml",
          "summary.md", "check.txt"):
    assert os.path.exists(os.path.join(out, f)), f
root = ET.parse(os.path.join(out, "junit.xml")).getroot()
failed = [c.attrib["name"] for c in root.iter("testcase") if c.find("failure") is not None]
assert failed == ["karpenter-consolidation/karpenter/golden"], failed
summary = open(os.path.join(out, "summary.md")).read()
# The headline counts scenarios and names the largest change of one scenario and autoscaler; it
# never adds up alternatives.
assert summary.startswith("## capsim check\n\n**1 of "), summary[:200]
assert "changed**, largest monthly change karpenter-consolidation / karpenter +$39.10 (+4.0 %)" in summary, summary[:300]
assert "karpenter launched m6a.2xlarge in us-east-1a (on-demand, nodepool general) instead of c6a.4xlarge" in summary
print("ok: unchanged head passes; the changed NodePool fails with JUnit and Markdown artefacts")
