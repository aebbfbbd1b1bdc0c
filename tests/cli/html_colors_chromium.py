#!/usr/bin/env python3
"""A compare page rendered by a real browser (Debian's chromium, headless) keeps one colour per
instance type and one per autoscaler: a script added to a copy of the page writes, on every chart
series and legend swatch, the colour the browser actually painted it in (getComputedStyle) and
every chart's rendered width; --dump-dom returns the DOM and the test compares. Also: the first
chart is every autoscaler's nodes overlaid, no series is zero throughout, every chart spans the
page's width, and a screenshot of the page is written (and must not be blank).
Usage: html_colors_chromium.py CAPSIM SOURCE_DIR WORKDIR"""
import collections
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser

capsim, source, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
assert chromium, "chromium is not installed (tools/quickstart test installs it)"


def browser(url, *args):
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           f"--user-data-dir={os.path.join(work, 'profile')}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


# Writes the painted colour (fill of an area or swatch rect, stroke of a line) and the rendered
# chart widths into the DOM, for --dump-dom to carry out.
PROBE = """<script>
(function () {
  function painted(el) {
    var cs = getComputedStyle(el);
    return (el.tagName === 'line' || cs.fill === 'none') ? cs.stroke : cs.fill;
  }
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    svg.setAttribute('data-rendered-width', Math.round(svg.getBoundingClientRect().width));
    svg.querySelectorAll('path.series').forEach(function (p) { p.setAttribute('data-painted', painted(p)); });
    svg.querySelectorAll('g.legend-item').forEach(function (g) {
      g.setAttribute('data-painted', painted(g.querySelector('rect, line')));
    });
  });
  document.body.setAttribute('data-page-width', Math.round(document.body.getBoundingClientRect().width));
  document.body.setAttribute('data-probed', '1');
})();
</script>"""


class Dom(HTMLParser):
    """Per chart (in page order): its id, title, rendered width and every painted series/legend item."""

    def __init__(self):
        super().__init__()
        self.charts, self.body = [], {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "svg" and "chart" in a.get("class", "").split():
            self.charts.append({"id": a.get("id"), "title": a.get("data-chart", ""),
                                "width": int(a.get("data-rendered-width", "0")), "items": []})
        if self.charts and "data-painted" in a:
            self.charts[-1]["items"].append((tag, a.get("data-kind"), a.get("data-series"), a["data-painted"],
                                             a.get("d", "")))

    def handle_endtag(self, tag):
        pass


def check_page(html, window_width):
    probed = html.replace(".html", f"-probed-{window_width}.html")
    text = open(html).read()
    assert "</body>" in text
    with open(probed, "w") as f:
        f.write(text.replace("</body>", PROBE + "</body>"))
    dump = browser("file://" + os.path.abspath(probed), "--dump-dom", f"--window-size={window_width},2000")
    dom = Dom()
    dom.feed(dump.stdout)
    assert dom.body.get("data-probed") == "1", dump.stderr[-2000:]
    return dom


scenario = os.path.join(source, "scenarios", "compare-ca-vs-karpenter.yaml")
html = os.path.join(work, "compare.html")
subprocess.run([capsim, "--quiet", "compare", scenario, "--html", html], check=True, capture_output=True)
dom = check_page(html, 1280)
assert len(dom.charts) >= 6, [c["id"] for c in dom.charts]

# The first chart: the nodes of every autoscaler, overlaid.
first = dom.charts[0]
overlaid = {series for tag, kind, series, _, _ in first["items"] if kind == "autoscaler" and tag == "path"}
assert first["title"] == "nodes over time, every autoscaler", first["title"]
assert {"karpenter", "cluster-autoscaler"} <= overlaid, overlaid

# One painted colour per instance type and per autoscaler, across every chart of the page.
colours = collections.defaultdict(set)   # (kind, name) -> painted colours
charts_of = collections.defaultdict(set)  # (kind, name) -> the charts it is drawn in
for c in dom.charts:
    for tag, kind, series, painted, _ in c["items"]:
        if kind in ("instance-type", "autoscaler"):
            colours[(kind, series)].add(painted)
            charts_of[(kind, series)].add(c["id"])
mixed = {k: v for k, v in colours.items() if len(v) != 1}
assert not mixed, f"drawn in more than one colour: {mixed}"
types = {k[1]: next(iter(v)) for k, v in colours.items() if k[0] == "instance-type"}
assert len(set(types.values())) == len(types), f"two instance types share a colour: {types}"
autoscalers = {k[1]: next(iter(v)) for k, v in colours.items() if k[0] == "autoscaler"}
assert len(set(autoscalers.values())) == len(autoscalers), f"two autoscalers share a colour: {autoscalers}"
shared = [k for k, ids in charts_of.items() if k[0] == "instance-type" and len(ids) > 1]
assert shared, f"no instance type is in two charts (the check would be vacuous): {dict(charts_of)}"
assert all(len(charts_of[("autoscaler", a)]) >= 4 for a in ("karpenter", "cluster-autoscaler")), dict(charts_of)

# No series is zero throughout: every drawn line or area leaves the zero line somewhere.
for c in dom.charts:
    for tag, kind, series, _, d in c["items"]:
        if tag != "path":
            continue
        ys = {p.split(",")[1] for p in d.replace("M", "L").split("L")[1:]}
        assert ys != {"250.0"}, f"{c['id']}: {series} is zero throughout yet drawn"

# The charts take the page's width, at two window widths.
for width in (1280, 1900):
    page = dom if width == 1280 else check_page(html, width)
    body = int(page.body["data-page-width"])
    assert body > width - 100, (width, body)
    narrow = [(c["id"], c["width"]) for c in page.charts if c["width"] < body - 4]
    assert not narrow, f"charts narrower than the page ({body}px): {narrow}"

# The screenshot, for a person to look at; it must carry ink.
png = os.path.join(work, "compare.png")
shot = browser("file://" + os.path.abspath(html), f"--screenshot={png}", "--window-size=1280,4000")
assert os.path.exists(png) and os.path.getsize(png) > 20000, shot.stderr[-2000:]
print(f"ok: {len(dom.charts)} charts; instance types {types}; autoscalers {autoscalers}; {png}")
