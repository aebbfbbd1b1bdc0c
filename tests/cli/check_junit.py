#!/usr/bin/env python3
"""`capsim check --junit` read back with a real XML parser (xml.etree): the common JUnit layout
(testsuites > testsuite > testcase > failure, with the attributes CI report readers use) and
counts that agree with the text report. Usage: check_junit.py CAPSIM SOURCE_DIR WORKDIR"""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

capsim, source, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
# The example scenarios plus one whose NodePool changed (its golden then fails).
changed = os.path.join(work, "karpenter-consolidation.yaml")
with open(os.path.join(source, "scenarios", "karpenter-consolidation.yaml")) as f:
    text = f.read().replace('values: ["2", "4", "8", "16"]', 'values: ["2", "4", "8"]')
with open(changed, "w") as f:
    f.write(text)
junit = os.path.join(work, "junit.xml")
inputs = [os.path.join(source, "scenarios", n) for n in ("seed-nginx-scaleout.yaml", "ca-scale-down.yaml")] + [changed]
run = subprocess.run([capsim, "--quiet", "check", *inputs, "--golden", os.path.join(source, "tests", "golden"),
                      "--junit", junit], capture_output=True, text=True)
assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)

root = ET.parse(junit).getroot()
assert root.tag == "testsuites", root.tag
suites = list(root)
assert [s.tag for s in suites] == ["testsuite"] * 3, [s.tag for s in suites]
total = failures = 0
names = set()
for s in suites:
    for a in ("name", "tests", "failures", "errors", "skipped", "time"):
        assert a in s.attrib, (s.attrib, a)
    cases = list(s)
    assert all(c.tag == "testcase" for c in cases)
    assert int(s.attrib["tests"]) == len(cases)
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(s.attrib["failures"]) == len(failed)
    for c in cases:
        assert c.attrib["classname"] and c.attrib["name"] and "time" in c.attrib
        assert re.fullmatch(r"[^/]+/[^/]+/.+", c.attrib["name"]), c.attrib["name"]  # scenario/autoscaler/check
        names.add(c.attrib["name"])
        for f in c.findall("failure"):
            assert f.attrib["message"] and f.attrib["type"] in ("expectation", "golden")
    total += len(cases)
    failures += len(failed)
assert int(root.attrib["tests"]) == total and int(root.attrib["failures"]) == failures
assert len(names) == total, "testcase names are unique"
# One testcase per PASS/FAIL line of the text report.
lines = [l for l in run.stdout.splitlines() if l.startswith(("PASS  ", "FAIL  "))]
assert len(lines) == total, (len(lines), total)
golden = root.find(".//testcase[@name='karpenter-consolidation/karpenter/golden']/failure")
assert golden is not None and "diverging decision(s)" in golden.attrib["message"], golden
assert "instead of" in golden.text
print(f"ok: {len(suites)} suites, {total} testcases, {failures} failure(s)")
