#!/usr/bin/env python3
"""Every example scenario's HTML report rendered by a real browser (Debian's chromium, headless):
the page's script runs without console errors, every chart has its axes, legend and series after
rendering, and a screenshot is not blank. A report of a 10,000-sample run draws no more points
per series than report::k_max_drawn_points. Usage: html_chromium.py CAPSIM SOURCE_DIR WORKDIR"""
import concurrent.futures
import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import zlib
from html.parser import HTMLParser

capsim, source, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
assert chromium, "chromium is not installed (tools/quickstart test installs it)"


def browser(url, *args):
    profile = os.path.join(work, "profile-" + str(threading.get_ident()))  # a browser per profile at a time
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


class Dom(HTMLParser):
    """Counts, per <svg class="chart">, its axis groups, legend items and series paths."""

    def __init__(self):
        super().__init__()
        self.charts, self.ready, self.stack = [], False, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class", "").split()
        if tag == "body" and a.get("data-ready") == "1":
            self.ready = True
        if tag == "svg" and "chart" in cls:
            self.charts.append({"id": a.get("id"), "x": 0, "y": 0, "legend": 0, "series": 0, "points": 0})
        if self.charts and tag in ("g", "path"):
            c = self.charts[-1]
            c["x"] += "x-axis" in cls
            c["y"] += "y-axis" in cls
            c["legend"] += "legend-item" in cls
            if tag == "path" and "series" in cls:
                c["series"] += 1
                c["points"] = max(c["points"], len(re.findall(r"[ML]", a.get("d", ""))))


def png_ink(path):
    """The share of non-zero bytes in the PNG's filtered scanlines: a blank (uniform) page filters
    to almost all zeros, charts and text do not."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    return 1 - raw.count(0) / len(raw)


def check_report(html, expect_charts, scripted=True, window="1280,2400", screenshot=True):
    url = "file://" + os.path.abspath(html)
    dump = browser(url, "--dump-dom")
    console = [l for l in dump.stderr.splitlines() if "CONSOLE" in l]
    errors = [l for l in console if re.search(r"Uncaught|Error|error", l)]
    assert not errors, f"{html}: console errors: {errors}"
    dom = Dom()
    dom.feed(dump.stdout)
    assert dom.ready or not scripted, f"{html}: the page script did not finish (body data-ready)"
    assert len(dom.charts) >= expect_charts, (html, len(dom.charts))
    for c in dom.charts:
        assert c["x"] == 1 and c["y"] == 1 and c["legend"] >= 1 and c["series"] >= 1, (html, c)
    if not screenshot:
        return dom
    png = html + ".png"
    shot = browser(url, f"--screenshot={png}", f"--window-size={window}")
    assert os.path.exists(png), shot.stderr[-2000:]
    ink = png_ink(png)
    assert ink > 0.01, f"{html}: the screenshot is nearly blank ({ink:.4f} of its bytes carry anything)"
    return dom


# Every example's page is rendered and its DOM checked; every page is the same template, so the
# first example's is also screenshotted (with the week's, check's and diff's below): a browser
# launch costs about 3 s, so two pages are checked at a time.
def example_report(index_scenario):
    index, scenario = index_scenario
    name = os.path.splitext(os.path.basename(scenario))[0]
    html = os.path.join(work, name + ".html")
    subprocess.run([capsim, "--quiet", "compare", scenario, "--html", html], check=True, capture_output=True)
    check_report(html, expect_charts=6, screenshot=index == 0)


examples = [s for s in sorted(glob.glob(os.path.join(source, "scenarios", "*.yaml")))
            if not os.path.basename(s).startswith("sweep-")]  # a sweep spec's report page is checked below
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    list(pool.map(example_report, enumerate(examples)))
reports = len(examples)

# A week sampled every minute: 10,081 samples, drawn from at most 600 points per series.
long_run = os.path.join(work, "week.yaml")
with open(long_run, "w") as f:
    f.write("""apiVersion: capsim.dev/v1alpha1
kind: Scenario
metadata: {name: week}
spec:
  region: us-east-1
  zones: [us-east-1a]
  duration: 168h
  autoscalers: [karpenter]
  timeline:
    - {at: 0s, replay: {generate: {pods: 3000, duration: 168h, seed: 5}}}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m5, c5]}
  disruption: {consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 5m}
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: default}
spec:
  amiSelectorTerms: [{alias: al2023@latest}]
  role: KarpenterNodeRole
  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: demo}}]
  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: demo}}]
""")
html = os.path.join(work, "week.html")
subprocess.run([capsim, "--quiet", "run", long_run, "--html", html], check=True, capture_output=True)
dom = check_report(html, expect_charts=6)
assert max(c["points"] for c in dom.charts) <= 600 * 2 + 1, max(c["points"] for c in dom.charts)
# `capsim check --html` and `capsim diff --html` pages: tables, no charts, no script.
changed = os.path.join(work, "karpenter-consolidation.yaml")
with open(os.path.join(source, "scenarios", "karpenter-consolidation.yaml")) as f:
    text = f.read().replace('values: ["2", "4", "8", "16"]', 'values: ["2", "4", "8"]')
with open(changed, "w") as f:
    f.write(text)
goldens = os.path.join(source, "tests", "golden")
check_page, diff_page = os.path.join(work, "check.html"), os.path.join(work, "diff.html")
subprocess.run([capsim, "--quiet", "check", changed, "--golden", goldens, "--html", check_page], capture_output=True)
subprocess.run([capsim, "--quiet", "diff", os.path.join(goldens, "karpenter-consolidation"), changed, "--html", diff_page],
               check=True, capture_output=True)
for page in (check_page, diff_page):
    check_report(page, expect_charts=0, scripted=False, window="1280,700")
# The example sweep's report page: the cost vs p95-pending scatter with the Pareto front drawn.
sweep_dir, sweep_json, sweep_page = (os.path.join(work, n) for n in ("sweep", "sweep.json", "sweep.html"))
subprocess.run([capsim, "sweep", "run", os.path.join(source, "scenarios", "sweep-consolidation.yaml"), "--out", sweep_dir, "-j", "2"],
               check=True, capture_output=True)
subprocess.run([capsim, "sweep", "merge", sweep_dir, "--out", sweep_json], check=True, capture_output=True)
subprocess.run([capsim, "sweep", "report", sweep_json, "--format", "html", "--out", sweep_page], check=True, capture_output=True)
dom = check_report(sweep_page, expect_charts=1, scripted=False, window="1280,1400")
assert dom.charts[0]["id"] == "sweep-front", dom.charts
# The forecast page of the DLRM trace: history, forecast median, interval band, "now"; then the
# cumulative cost of two autoscalers (median lines with bands), their what-if lines and a budget.
forecast_page = os.path.join(work, "forecast.html")
dlrm = os.path.join(source, "..", "shared", "data", "traces", "alibaba-gpu-v2025-disaggregated_DLRM_trace.csv")
subprocess.run([capsim, "forecast", dlrm, "--trace-format", "alibaba-dlrm", "--format", "html", "--out", forecast_page,
                "--scenario", os.path.join(source, "examples", "forecast", "cluster.yaml"), "--scale", "0.0005", "--paths", "2",
                "--what-if", "demand*1.3", "--budget", "2500"], check=True, capture_output=True)
dom = check_report(forecast_page, expect_charts=2, scripted=False, window="1280,1700")
assert dom.charts[0]["id"] == "forecast" and dom.charts[0]["series"] == 2, dom.charts
assert dom.charts[1]["id"] == "cost" and dom.charts[1]["series"] == 4 and dom.charts[1]["legend"] >= 5, dom.charts
assert 'class="budget"' in open(forecast_page).read()
print(f"ok: {reports} example reports, a 10,081-sample week, the check and diff pages, a sweep report and a forecast rendered in chromium")
