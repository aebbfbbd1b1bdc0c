#include "capsim/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/sim/result.hpp"
#include "capsim/report/html_page.hpp"

namespace capsim::report {

namespace {

constexpr const char* k_palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                                     "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a"};

std::string esc(const std::string& s) { return detail::html_escape(s); }

std::string fmt(double v, int decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string num(double v) { return format_number(round_to(v, 3), false); }

struct Line {
  std::string name;
  std::vector<double> y;
};

// A "nice" step (1, 2 or 5 x 10^k) giving about `n` intervals up to `max`.
double nice_step(double max, int n) {
  if (max <= 0) return 1;
  const double raw = max / n;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * p) return m * p;
  return 10 * p;
}

// An SVG chart of `lines` over t (seconds), stacked (areas) or not (lines); drawn from at most
// k_max_drawn_points buckets, each represented by its maximum (the total's, when stacked).
std::string chart(const std::string& id, const std::string& title, const std::string& y_label, const std::vector<double>& t,
                  const std::vector<Line>& lines, bool stacked) {
  const double W = 960, H = 280, L = 70, R = 200, T = 34, B = 46;
  const double pw = W - L - R, ph = H - T - B;
  const std::size_t n = t.size();
  std::string svg = "<figure class=\"chart-box\"><svg class=\"chart\" id=\"" + id + "\" data-chart=\"" + esc(title) +
                    "\" viewBox=\"0 0 " + fmt(W, 0) + " " + fmt(H, 0) + "\" width=\"" + fmt(W, 0) + "\" height=\"" +
                    fmt(H, 0) + "\" role=\"img\" aria-label=\"" + esc(title) + "\">\n<text class=\"title\" x=\"" + fmt(L, 0) +
                    "\" y=\"20\">" + esc(title) + "</text>\n";
  // Buckets of samples: [first, last) index ranges.
  std::vector<std::pair<std::size_t, std::size_t>> buckets;
  const std::size_t nb = std::min(n, k_max_drawn_points);
  for (std::size_t b = 0; b < nb; ++b) buckets.emplace_back(b * n / nb, (b + 1) * n / nb);
  // Representative values per bucket and series (stacked: the sample with the largest total).
  std::vector<std::vector<double>> v(lines.size(), std::vector<double>(buckets.size(), 0));
  std::vector<double> bx(buckets.size(), 0);
  double ymax = 0;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    auto [i0, i1] = buckets[b];
    bx[b] = t[i0];
    if (stacked) {
      std::size_t best = i0;
      double best_total = -1;
      for (std::size_t i = i0; i < i1; ++i) {
        double total = 0;
        for (const auto& l : lines) total += l.y[i];
        if (total > best_total) best_total = total, best = i;
      }
      double cum = 0;
      for (std::size_t s = 0; s < lines.size(); ++s) v[s][b] = (cum += lines[s].y[best]);
      ymax = std::max(ymax, cum);
    } else {
      for (std::size_t s = 0; s < lines.size(); ++s) {
        double m = lines[s].y[i0];
        for (std::size_t i = i0; i < i1; ++i) m = std::max(m, lines[s].y[i]);
        v[s][b] = m;
        ymax = std::max(ymax, m);
      }
    }
  }
  const double tmax = n ? std::max(t.back(), 1.0) : 1.0;
  const double ystep = nice_step(ymax, 5);
  const double ytop = std::max(ystep, std::ceil(ymax / ystep) * ystep);
  auto X = [&](double s) { return L + pw * s / tmax; };
  auto Y = [&](double y) { return T + ph * (1 - y / ytop); };
  // Axes: ticks, grid, labels with units.
  svg += "<g class=\"y-axis\">";
  for (double y = 0; y <= ytop + 1e-9; y += ystep)
    svg += "<line class=\"grid\" x1=\"" + fmt(L) + "\" x2=\"" + fmt(L + pw) + "\" y1=\"" + fmt(Y(y)) + "\" y2=\"" + fmt(Y(y)) +
           "\"/><text class=\"tick\" x=\"" + fmt(L - 6) + "\" y=\"" + fmt(Y(y) + 4) + "\" text-anchor=\"end\">" + num(y) +
           "</text>";
  svg += "<text class=\"axis-label\" transform=\"translate(16," + fmt(T + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
         esc(y_label) + "</text></g>\n";
  const double hours = tmax / 3600.0;
  const double xstep = nice_step(hours, 8);
  svg += "<g class=\"x-axis\"><line class=\"axis\" x1=\"" + fmt(L) + "\" x2=\"" + fmt(L + pw) + "\" y1=\"" + fmt(T + ph) +
         "\" y2=\"" + fmt(T + ph) + "\"/>";
  for (double h = 0; h <= hours + 1e-9; h += xstep)
    svg += "<text class=\"tick\" x=\"" + fmt(X(h * 3600)) + "\" y=\"" + fmt(T + ph + 16) + "\" text-anchor=\"middle\">" +
           num(h) + "</text>";
  svg += "<text class=\"axis-label\" x=\"" + fmt(L + pw / 2) + "\" y=\"" + fmt(H - 6) +
         "\" text-anchor=\"middle\">simulated time (h)</text></g>\n";
  // Series, bottom layer first.
  for (std::size_t s = 0; s < lines.size(); ++s) {
    const std::string color = k_palette[s % std::size(k_palette)];
    std::string d;
    for (std::size_t b = 0; b < bx.size(); ++b) d += (b ? "L" : "M") + fmt(X(bx[b])) + "," + fmt(Y(v[s][b]));
    double peak = 0;
    for (double y : lines[s].y) peak = std::max(peak, y);
    const std::string tip = "<title>" + esc(lines[s].name) + ": max " + num(peak) + "</title>";
    if (stacked && !bx.empty()) {
      for (std::size_t b = bx.size(); b-- > 0;) d += "L" + fmt(X(bx[b])) + "," + fmt(Y(s ? v[s - 1][b] : 0));
      d += "Z";
      svg += "<path class=\"series area\" fill=\"" + color + "\" stroke=\"" + color + "\" d=\"" + d + "\">" + tip + "</path>\n";
    } else {
      svg += "<path class=\"series line\" fill=\"none\" stroke=\"" + color + "\" d=\"" + d + "\">" + tip + "</path>\n";
    }
  }
  // Hover bands: the values at each of up to 120 times.
  const std::size_t bands = std::min<std::size_t>(bx.size(), 120);
  svg += "<g class=\"hover\">";
  for (std::size_t k = 0; k < bands; ++k) {
    const std::size_t b = k * bx.size() / bands, e = (k + 1) * bx.size() / bands;
    const double x0 = X(bx[b]), x1 = e < bx.size() ? X(bx[e]) : L + pw;
    std::string clock = format_clock(SimTime{0} + Duration{static_cast<std::int64_t>(bx[b] * 1000)});
    std::string tip = "t = " + clock.substr(0, clock.size() - 4);  // without the milliseconds
    for (std::size_t s = 0; s < lines.size(); ++s)
      tip += "\n" + lines[s].name + ": " + num(stacked ? v[s][b] - (s ? v[s - 1][b] : 0) : v[s][b]);
    svg += "<rect x=\"" + fmt(x0) + "\" y=\"" + fmt(T) + "\" width=\"" + fmt(std::max(x1 - x0, 1.0)) + "\" height=\"" +
           fmt(ph) + "\"><title>" + esc(tip) + "</title></rect>";
  }
  svg += "</g>\n<g class=\"legend\">";
  for (std::size_t s = 0; s < lines.size(); ++s) {
    const double y = T + 4 + 18.0 * static_cast<double>(s);
    svg += "<g class=\"legend-item\"><rect x=\"" + fmt(L + pw + 16) + "\" y=\"" + fmt(y) + "\" width=\"12\" height=\"12\" fill=\"" +
           k_palette[s % std::size(k_palette)] + "\"/><text x=\"" + fmt(L + pw + 34) + "\" y=\"" + fmt(y + 10) + "\">" +
           esc(lines[s].name) + "</text><title>" + esc(lines[s].name) + "</title></g>";
  }
  svg += "</g>\n</svg></figure>\n";
  return svg;
}

std::vector<double> times(const sim::AutoscalerResult& r) {
  std::vector<double> t;
  for (const auto& s : r.samples) t.push_back(static_cast<double>(s.at.ms) / 1000.0);
  return t;
}

std::string summary_table(const sim::RunResult& run) {
  std::string h = "<table class=\"summary\"><thead><tr><th>autoscaler</th><th>cost (USD)</th><th>node-hours</th>"
                  "<th>peak nodes</th><th>launched</th><th>terminated</th><th>pending p50 / p95 / max (s)</th>"
                  "<th>evictions</th><th>spot share</th><th>decisions</th></tr></thead><tbody>\n";
  for (const auto& r : run.results) {
    const auto& s = r.summary;
    h += "<tr><td>" + esc(r.autoscaler) + "</td><td>" + fmt(s.cost.usd(), 2) + "</td><td>" + fmt(s.node_hours, 2) +
         "</td><td>" + std::to_string(s.peak_nodes) + "</td><td>" + std::to_string(s.nodes_launched) + "</td><td>" +
         std::to_string(s.nodes_terminated) + "</td><td>" + num(s.pod_pending_p50_s) + " / " + num(s.pod_pending_p95_s) +
         " / " + num(s.pod_pending_max_s) + "</td><td>" + std::to_string(s.evictions) + "</td><td>" +
         fmt(s.spot_share * 100, 1) + " %</td><td>" + std::to_string(r.decision_count) + "</td></tr>\n";
  }
  return h + "</tbody></table>\n";
}

// The autoscalers' passes under a controller-time model (docs/controller-time.md), and the notes of
// instant runs whose passes would outlast their poll period; empty when there is neither.
std::string controller_time_table(const sim::RunResult& run) {
  std::string rows, notes;
  for (const auto& r : run.results) {
    if (!r.controller_time_warning.empty())
      notes += "<p class=\"note\">" + esc(r.autoscaler) + ": " + esc(r.controller_time_warning) + "</p>\n";
    if (!r.controller_time) continue;
    const auto& c = *r.controller_time;
    rows += "<tr><td>" + esc(r.autoscaler) + "</td><td>" + esc(c.model) + "</td><td>" + std::to_string(c.passes) + "</td><td>" +
            num(c.pass_p50_s) + " / " + num(c.pass_p95_s) + " / " + num(c.pass_max_s) + "</td><td>" +
            std::to_string(c.evaluated_p50) + " / " + std::to_string(c.evaluated_max) + "</td><td>" +
            std::to_string(c.single_node_timeouts + c.multi_node_timeouts + c.scale_down_timeouts) + "</td></tr>\n";
  }
  if (rows.empty() && notes.empty()) return {};
  std::string h = "<h2>Controller time</h2>\n" + notes;
  if (!rows.empty())
    h += "<table class=\"summary\"><thead><tr><th>autoscaler</th><th>model</th><th>passes / loops</th>"
         "<th>duration p50 / p95 / max (s)</th><th>candidates p50 / max</th><th>timeouts</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>\n";
  return h;
}

std::string decision_table(const sim::RunResult& run) {
  std::set<std::string> kinds;
  std::size_t total = 0;
  for (const auto& r : run.results)
    for (const auto& d : r.decisions) kinds.insert(d.kind), ++total;
  std::string h = "<div class=\"filters\"><input id=\"decision-filter\" type=\"search\" placeholder=\"filter decisions "
                  "(text)\"> <select id=\"decision-kind\"><option value=\"\">every kind</option>";
  for (const auto& k : kinds) h += "<option>" + esc(k) + "</option>";
  h += "</select> <span id=\"decision-count\"></span></div>\n";
  if (total > k_max_decision_rows)
    h += "<p class=\"note\">The first " + std::to_string(k_max_decision_rows) + " of " + std::to_string(total) +
         " decisions; decisions.jsonl has them all.</p>\n";
  h += "<table id=\"decision-table\"><thead><tr><th>time</th><th>autoscaler</th><th>kind</th><th>reason</th><th>pool</th>"
       "<th>message</th></tr></thead><tbody>\n";
  std::size_t rows = 0;
  for (const auto& r : run.results)
    for (const auto& d : r.decisions) {
      if (rows++ >= k_max_decision_rows) break;
      h += "<tr data-kind=\"" + esc(d.kind) + "\"><td>" + format_clock(d.at) + "</td><td>" +
           esc(d.autoscaler.empty() ? r.autoscaler : d.autoscaler) + "</td><td>" + esc(d.kind) + "</td><td>" + esc(d.reason) +
           "</td><td>" + esc(d.node_pool) + "</td><td>" + esc(d.message) + "</td></tr>\n";
    }
  return h + "</tbody></table>\n";
}



constexpr const char* k_script = R"(
(function () {
  var table = document.getElementById('decision-table');
  var text = document.getElementById('decision-filter');
  var kind = document.getElementById('decision-kind');
  var count = document.getElementById('decision-count');
  function apply() {
    var q = text.value.toLowerCase(), k = kind.value, shown = 0;
    var rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var ok = (!k || rows[i].getAttribute('data-kind') === k) && (!q || rows[i].textContent.toLowerCase().indexOf(q) >= 0);
      rows[i].style.display = ok ? '' : 'none';
      if (ok) shown++;
    }
    count.textContent = shown + ' of ' + rows.length + ' shown';
  }
  text.addEventListener('input', apply);
  kind.addEventListener('change', apply);
  apply();
  document.body.setAttribute('data-ready', '1');
})();
)";

// What the manifests hold that can change the answer but is not modelled (always shown).
std::string not_modelled_list(const sim::RunResult& run) {
  if (run.not_modelled.empty()) return {};
  std::string h = "<h2>Not modelled</h2>\n<p>These parts of the input can change the answer; capsim does not model "
                  "them.</p>\n<ul class=\"not-modelled\">\n";
  for (const auto& g : run.not_modelled) {
    h += "<li>" + esc(g.first.file + ":" + std::to_string(g.first.line) + ":" + std::to_string(g.first.col)) + ": " +
         esc(g.first.message);
    if (g.count > 1) h += " (" + std::to_string(g.count) + " places, the first shown)";
    h += "</li>\n";
  }
  return h + "</ul>\n";
}

}  // namespace

std::string html_report(const sim::RunResult& run) {
  std::string h = "<h1>capsim report: " + esc(run.scenario) + "</h1>\n";
  h += "<p>" + esc(run.scenario_file) + " &middot; region " + esc(run.region) + " &middot; seed " + std::to_string(run.seed) +
       " &middot; " + format_duration(run.duration) + " simulated</p>\n<h2>Summary</h2>\n" + summary_table(run);
  h += not_modelled_list(run);
  h += controller_time_table(run);

  // Per autoscaler with nodes: nodes by instance type and by capacity type, utilisation.
  h += "<h2>Nodes</h2>\n";
  int id = 0;
  for (const auto& r : run.results) {
    if (r.autoscaler == "lower-bound" || r.samples.empty()) continue;
    const auto t = times(r);
    std::set<std::string> types;
    for (const auto& s : r.samples)
      for (const auto& [k, n] : s.nodes_by_type) types.insert(k.empty() ? "launching" : k);
    if (types.empty()) continue;  // never had a node (a static cluster without node groups)
    std::vector<Line> by_type;
    for (const auto& type : types) {
      Line l{type, {}};
      for (const auto& s : r.samples) {
        auto it = s.nodes_by_type.find(type == "launching" ? std::string() : type);
        l.y.push_back(it == s.nodes_by_type.end() ? 0 : it->second);
      }
      by_type.push_back(std::move(l));
    }
    h += chart("chart-" + std::to_string(id++), r.autoscaler + ": nodes by instance type", "nodes", t, by_type, true);
    Line od{"on-demand", {}}, spot{"spot", {}};
    for (const auto& s : r.samples) {
      int total = 0;
      for (const auto& [k, n] : s.nodes_by_type) total += n;
      od.y.push_back(total - s.spot_nodes);
      spot.y.push_back(s.spot_nodes);
    }
    h += chart("chart-" + std::to_string(id++), r.autoscaler + ": nodes by capacity type", "nodes", t, {od, spot}, true);
    Line cpu{"CPU", {}}, mem{"memory", {}};
    for (const auto& s : r.samples) {
      cpu.y.push_back(s.cpu_allocatable_millis ? 100.0 * static_cast<double>(s.cpu_requested_millis) /
                                                     static_cast<double>(s.cpu_allocatable_millis)
                                               : 0.0);
      mem.y.push_back(s.memory_allocatable_bytes ? 100.0 * static_cast<double>(s.memory_requested_bytes) /
                                                       static_cast<double>(s.memory_allocatable_bytes)
                                                 : 0.0);
    }
    h += chart("chart-" + std::to_string(id++), r.autoscaler + ": utilisation (requested / allocatable)", "utilisation (%)", t,
               {cpu, mem}, false);
  }

  // Every autoscaler overlaid: cost rate (with the lower bound), cumulative cost, pending pods.
  if (!run.results.empty() && !run.results.front().samples.empty()) {
    const auto t = times(run.results.front());
    std::vector<Line> rate, cumulative, pending;
    for (const auto& r : run.results) {
      if (r.samples.size() != t.size()) continue;
      Line a{r.autoscaler, {}}, c{r.autoscaler, {}}, p{r.autoscaler, {}};
      double sum = 0, prev_t = 0, prev_rate = 0;
      for (std::size_t i = 0; i < r.samples.size(); ++i) {
        const double usd = r.samples[i].cost_rate_per_hour.usd();
        sum += prev_rate * (t[i] - prev_t) / 3600.0;  // the rate held since the previous sample
        prev_t = t[i];
        prev_rate = usd;
        a.y.push_back(usd);
        c.y.push_back(sum);
        p.y.push_back(r.samples[i].pending_pods);
      }
      rate.push_back(std::move(a));
      cumulative.push_back(std::move(c));
      if (r.autoscaler != "lower-bound") pending.push_back(std::move(p));
    }
    h += "<h2>Cost</h2>\n" + chart("chart-" + std::to_string(id++), "cost rate", "cost rate (USD/h)", t, rate, false);
    h += chart("chart-" + std::to_string(id++), "cumulative cost (from the sampled rate)", "cost (USD)", t, cumulative, false);
    h += "<h2>Pods</h2>\n" + chart("chart-" + std::to_string(id++), "pending pods", "pods", t, pending, false);
  }
  h += "<h2>Decisions</h2>\n" + decision_table(run);
  h += std::string("<script>") + k_script + "</script>\n";
  return detail::html_page(run.scenario, h);
}

}  // namespace capsim::report
