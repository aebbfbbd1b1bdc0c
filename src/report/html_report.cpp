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
#include "report/chart_colors.hpp"
#include "report/decision_rows.hpp"
#include "report/svg_chart.hpp"

namespace capsim::report {

namespace {

std::string esc(const std::string& s) { return detail::html_escape(s); }

std::string fmt(double v, int decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string num(double v) { return format_number(round_to(v, 3), false); }

using detail::Series;
using detail::TimeChart;

// The page's colours: every instance type drawn in any autoscaler's section, every autoscaler.
struct PageColors {
  detail::ColorMap types, autoscalers;
};

std::string type_name(const std::string& key) { return key.empty() ? detail::k_launching : key; }

PageColors page_colors(const sim::RunResult& run) {
  std::set<std::string> types, autoscalers;
  for (const auto& r : run.results) {
    autoscalers.insert(r.autoscaler);
    if (r.autoscaler == detail::k_lower_bound) continue;
    for (const auto& s : r.samples)
      for (const auto& [k, n] : s.nodes_by_type)
        if (n != 0) types.insert(type_name(k));
  }
  return {detail::instance_type_colors(types), detail::autoscaler_colors(autoscalers)};
}

std::string swatch(const std::string& color) { return "<span class=\"swatch\" style=\"background:" + color + "\"></span>"; }

std::vector<double> times(const sim::AutoscalerResult& r) {
  std::vector<double> t;
  for (const auto& s : r.samples) t.push_back(static_cast<double>(s.at.ms) / 1000.0);
  return t;
}

std::string summary_table(const sim::RunResult& run, const PageColors& colors) {
  std::string h = "<table class=\"summary\"><thead><tr><th>autoscaler</th><th>cost (USD)</th><th>node-hours</th>"
                  "<th>peak nodes</th><th>launched</th><th>terminated</th><th>pending p50 / p95 / max (s)</th>"
                  "<th>evictions</th><th>spot share</th><th>decisions</th></tr></thead><tbody>\n";
  for (const auto& r : run.results) {
    const auto& s = r.summary;
    h += "<tr><td>" + swatch(colors.autoscalers.at(r.autoscaler)) + esc(r.autoscaler) + "</td><td>" + fmt(s.cost.usd(), 2) + "</td><td>" + fmt(s.node_hours, 2) +
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

// The decision log, repetitive decisions collapsed into one row each (decision_rows.hpp).
std::string decision_table(const sim::RunResult& run) {
  std::set<std::string> kinds;
  std::size_t total = 0;
  std::vector<detail::DecisionRow> rows;
  for (const auto& r : run.results) {
    for (const auto& d : r.decisions) kinds.insert(d.kind), ++total;
    auto mine = detail::collapse_decisions(r.decisions, r.autoscaler);
    rows.insert(rows.end(), mine.begin(), mine.end());
  }
  std::string h = "<div class=\"filters\"><input id=\"decision-filter\" type=\"search\" placeholder=\"filter decisions "
                  "(text)\"> <select id=\"decision-kind\"><option value=\"\">every kind</option>";
  for (const auto& k : kinds) h += "<option>" + esc(k) + "</option>";
  h += "</select> <span id=\"decision-count\"></span></div>\n";
  if (rows.size() < total)
    h += "<p class=\"note\">" + std::to_string(total) + " decisions in " + std::to_string(rows.size()) +
         " rows: a decision repeated unchanged (the same autoscaler, kind, reason, nodes, pods and message) is one row with "
         "its count and first and last time.</p>\n";
  if (rows.size() > k_max_decision_rows)
    h += "<p class=\"note\">The first " + std::to_string(k_max_decision_rows) + " of " + std::to_string(rows.size()) +
         " rows; decisions.jsonl has every decision.</p>\n";
  h += "<table id=\"decision-table\"><thead><tr><th>time</th><th>repeated</th><th>autoscaler</th><th>kind</th><th>reason</th>"
       "<th>pool</th><th>message</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < rows.size() && i < k_max_decision_rows; ++i) {
    const auto& row = rows[i];
    const auto& d = *row.first;
    h += "<tr data-kind=\"" + esc(d.kind) + "\"" + (row.count > 1 ? " data-count=\"" + std::to_string(row.count) + "\"" : "") +
         "><td>" + format_clock(d.at) + "</td><td class=\"repeat\">" + esc(detail::repeat_text(row)) + "</td><td>" +
         esc(row.autoscaler) + "</td><td>" + esc(d.kind) + "</td><td>" + esc(d.reason) + "</td><td>" + esc(d.node_pool) +
         "</td><td>" + esc(d.message) + "</td></tr>\n";
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

// The first chart: every autoscaler's node count over time, overlaid.
std::string nodes_overlay(const sim::RunResult& run, const PageColors& colors, int& id) {
  const sim::AutoscalerResult* grid = nullptr;
  for (const auto& r : run.results)
    if (r.autoscaler != detail::k_lower_bound && !r.samples.empty()) {
      grid = &r;
      break;
    }
  if (!grid) return {};
  const auto t = times(*grid);
  std::vector<Series> nodes;
  for (const auto& r : run.results) {
    if (r.autoscaler == detail::k_lower_bound || r.samples.size() != t.size()) continue;
    Series s{r.autoscaler, {}, colors.autoscalers.at(r.autoscaler)};
    for (const auto& sample : r.samples) {
      int total = 0;
      for (const auto& [k, n] : sample.nodes_by_type) total += n;
      s.y.push_back(total);
    }
    nodes.push_back(std::move(s));
  }
  const std::string title = nodes.size() > 1 ? "nodes over time, every autoscaler" : "nodes over time";
  return detail::time_chart({"chart-" + std::to_string(id++), title, "nodes", "autoscaler", false, true}, t, nodes);
}

// One autoscaler's section: nodes by instance type and by capacity type, utilisation.
std::string autoscaler_section(const sim::AutoscalerResult& r, const PageColors& colors, int& id) {
  const auto t = times(r);
  std::set<std::string> types;
  for (const auto& s : r.samples)
    for (const auto& [k, n] : s.nodes_by_type)
      if (n != 0) types.insert(type_name(k));
  if (types.empty()) return {};  // never had a node (a static cluster without node groups)
  std::string h = "<h3 class=\"autoscaler\">" + swatch(colors.autoscalers.at(r.autoscaler)) + esc(r.autoscaler) + "</h3>\n";
  std::vector<Series> by_type;
  for (const auto& type : types) {
    Series l{type, {}, colors.types.at(type)};
    for (const auto& s : r.samples) {
      auto it = s.nodes_by_type.find(type == detail::k_launching ? std::string() : type);
      l.y.push_back(it == s.nodes_by_type.end() ? 0 : it->second);
    }
    by_type.push_back(std::move(l));
  }
  h += detail::time_chart({"chart-" + std::to_string(id++), r.autoscaler + ": nodes by instance type", "nodes", "instance-type", true, true},
                          t, by_type);
  // Capacity types and resources: colours of their own, none an instance type's or an autoscaler's.
  Series od{"on-demand", {}, "#5d6d7e"}, spot{"spot", {}, "#e6a100"};
  for (const auto& s : r.samples) {
    int total = 0;
    for (const auto& [k, n] : s.nodes_by_type) total += n;
    od.y.push_back(total - s.spot_nodes);
    spot.y.push_back(s.spot_nodes);
  }
  // One capacity type throughout: its chart would repeat the total, so a line says so instead.
  auto never = [](const Series& x) { return std::all_of(x.y.begin(), x.y.end(), [](double v) { return v == 0; }); };
  if (never(spot) || never(od))
    h += "<p class=\"note capacity-type\">" + esc(r.autoscaler) + ": every node " + (never(spot) ? "on-demand" : "spot") +
         " throughout.</p>\n";
  else
    h += detail::time_chart(
        {"chart-" + std::to_string(id++), r.autoscaler + ": nodes by capacity type", "nodes", "capacity-type", true, true}, t,
        {od, spot});
  Series cpu{"CPU", {}, "#37474f"}, mem{"memory", {}, "#37474f", true};  // neutral, told apart by the dash
  for (const auto& s : r.samples) {
    cpu.y.push_back(s.cpu_allocatable_millis ? 100.0 * static_cast<double>(s.cpu_requested_millis) /
                                                   static_cast<double>(s.cpu_allocatable_millis)
                                             : 0.0);
    mem.y.push_back(s.memory_allocatable_bytes ? 100.0 * static_cast<double>(s.memory_requested_bytes) /
                                                     static_cast<double>(s.memory_allocatable_bytes)
                                               : 0.0);
  }
  h += detail::time_chart({"chart-" + std::to_string(id++), r.autoscaler + ": utilisation (requested / allocatable)",
                           "utilisation (%)", "resource", false},
                          t, {cpu, mem});
  return h;
}

// Every autoscaler overlaid: cost rate (with the lower bound), cumulative cost, pending pods.
std::string overlays(const sim::RunResult& run, const PageColors& colors, int& id) {
  if (run.results.empty() || run.results.front().samples.empty()) return {};
  const auto t = times(run.results.front());
  std::vector<Series> rate, cumulative, pending;
  for (const auto& r : run.results) {
    if (r.samples.size() != t.size()) continue;
    const std::string& color = colors.autoscalers.at(r.autoscaler);
    const bool bound = r.autoscaler == detail::k_lower_bound;
    Series a{r.autoscaler, {}, color, bound}, c{r.autoscaler, {}, color, bound}, p{r.autoscaler, {}, color};
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
    if (!bound) pending.push_back(std::move(p));
  }
  std::string h = "<h2>Cost</h2>\n" +
                  detail::time_chart({"chart-" + std::to_string(id++), "cost rate", "cost rate (USD/h)", "autoscaler", false}, t, rate);
  h += detail::time_chart({"chart-" + std::to_string(id++), "cumulative cost (from the sampled rate)", "cost (USD)", "autoscaler", false},
                          t, cumulative);
  h += "<h2>Pods</h2>\n" +
       detail::time_chart({"chart-" + std::to_string(id++), "pending pods", "pods", "autoscaler", false, true}, t, pending);
  return h;
}

}  // namespace

std::string html_report(const sim::RunResult& run) {
  const PageColors colors = page_colors(run);
  std::string h = "<h1>capsim report: " + esc(run.scenario) + "</h1>\n";
  h += "<p>" + esc(run.scenario_file) + " &middot; region " + esc(run.region) + " &middot; seed " + std::to_string(run.seed) +
       " &middot; " + format_duration(run.duration) + " simulated</p>\n<h2>Summary</h2>\n" + summary_table(run, colors);
  h += not_modelled_list(run);
  h += controller_time_table(run);
  int id = 0;
  h += "<h2>Nodes</h2>\n" + nodes_overlay(run, colors, id);
  for (const auto& r : run.results)
    if (r.autoscaler != detail::k_lower_bound && !r.samples.empty()) h += autoscaler_section(r, colors, id);
  h += overlays(run, colors, id);
  h += "<h2>Decisions</h2>\n" + decision_table(run);
  h += std::string("<script>") + k_script + "</script>\n";
  return detail::html_page(run.scenario, h);
}

}  // namespace capsim::report
