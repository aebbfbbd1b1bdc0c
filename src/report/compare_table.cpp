#include "capsim/report/compare_table.hpp"
#include "capsim/report/text_summary.hpp"

#include <cmath>
#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/report/golden.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/sim/result.hpp"
#include "report/text_table.hpp"

namespace capsim::report {
namespace {

using detail::Align;
using detail::num;
using detail::Table;

// The lower bound's result (policy/lower_bound: the autoscaler named "lower-bound").
bool is_lower_bound(const sim::AutoscalerResult& r) { return r.autoscaler == "lower-bound"; }

std::string percent(double share) { return num(round_to(share * 100.0, 1)) + "%"; }

}  // namespace

std::string compare_table(const sim::RunResult& run) {
  std::string out = "scenario " + (run.scenario.empty() ? std::string("-") : run.scenario);
  if (!run.scenario_file.empty()) out += " (" + run.scenario_file + ")";
  out += ", region " + (run.region.empty() ? std::string("-") : run.region);
  out += ", seed " + std::to_string(run.seed);
  out += ", duration " + format_duration(run.duration) + "\n";
  std::string names;
  for (const auto& r : run.results) names += (names.empty() ? "" : ", ") + r.autoscaler;
  out += "compared on the identical workload, catalog and seed: " + (names.empty() ? std::string("-") : names) + "\n";
  out += not_modelled_text(run) + "\n";

  std::vector<Align> aligns{Align::left};
  aligns.resize(run.results.size() + 1, Align::right);
  Table t(aligns);
  std::vector<std::string> header{"METRIC"};
  for (const auto& r : run.results) header.push_back(r.autoscaler);
  t.add(header);
  // One row: label, then f(result) per result; "-" where it does not apply to the lower bound.
  auto row = [&](const std::string& label, bool lower_bound_applies,
                 const std::function<std::string(const sim::AutoscalerResult&)>& f) {
    std::vector<std::string> cells{label};
    for (const auto& r : run.results) cells.push_back(!lower_bound_applies && is_lower_bound(r) ? "-" : f(r));
    t.add(std::move(cells));
  };
  auto section = [&](const std::string& title) { t.add_plain({title}); };

  std::set<std::string> types, reasons;
  bool any_ratio = false;
  for (const auto& r : run.results) {
    for (const auto& [k, v] : r.summary.nodes_by_instance_type) types.insert(k);
    for (const auto& [k, v] : r.summary.terminations_by_reason) reasons.insert(k);
    any_ratio = any_ratio || r.summary.cost_ratio_to_lower_bound.has_value();
  }
  auto count_in = [](const std::map<std::string, int>& m, const std::string& k) {
    auto it = m.find(k);
    return std::to_string(it == m.end() ? 0 : it->second);
  };

  section("nodes");
  // Which node groups each run's cluster started with ("-": not in that run).
  std::vector<std::string> groups;
  for (const auto& r : run.results)
    for (const auto& [name, n] : r.node_groups_at_start)
      if (std::find(groups.begin(), groups.end(), name) == groups.end()) groups.push_back(name);
  for (const auto& g : groups)
    row("  at start in group " + g, false, [&](const auto& r) {
      for (const auto& [name, n] : r.node_groups_at_start)
        if (name == g) return std::to_string(n);
      return std::string("-");
    });
  row("  peak", false, [](const auto& r) { return std::to_string(r.summary.peak_nodes); });
  row("  node-hours", true, [](const auto& r) { return num(round_to(r.summary.node_hours, 6)); });
  row("  launched", false, [](const auto& r) { return std::to_string(r.summary.nodes_launched); });
  for (const auto& type : types)
    row("    " + type, false, [&](const auto& r) { return count_in(r.summary.nodes_by_instance_type, type); });
  section("cost");
  row("  USD", true, [](const auto& r) { return num(usd_6(r.summary.cost)); });
  // As capsim check's reports give it (report::monthly_usd).
  const double hours = static_cast<double>(run.duration.ms) / 3'600'000.0;
  row("  monthly (730 h)", true,
      [hours](const auto& r) { return format_usd(monthly_usd(usd_6(r.summary.cost), hours)); });
  // The whole bill (instances, EBS volumes, the EKS fee: cloud/billing.hpp), line by line.
  std::vector<std::string> items;
  for (const auto& r : run.results)
    for (const auto& l : r.bill)
      if (std::find(items.begin(), items.end(), l.item) == items.end()) items.push_back(l.item);
  if (!items.empty()) {
    row("  bill total USD", false, [](const auto& r) { return num(usd_6(r.summary.total_cost)); });
    for (const auto& item : items)
      row("    " + item, false, [&](const auto& r) {
        for (const auto& l : r.bill)
          if (l.item == item) return num(usd_6(l.cost));
        return std::string("0");
      });
  }
  if (any_ratio)
    row("  ratio to lower bound", false, [](const auto& r) {
      const auto& x = r.summary.cost_ratio_to_lower_bound;
      return x && std::isfinite(*x) ? num(round_to(*x, 3)) : std::string("-");
    });
  section("pods");
  row("  created", true, [](const auto& r) { return std::to_string(r.summary.pods_created); });
  row("  pending at end", false, [](const auto& r) { return std::to_string(r.summary.pods_pending_at_end); });
  row("  pending p50 (s)", false, [](const auto& r) { return num(round_to(r.summary.pod_pending_p50_s, 3)); });
  row("  pending p95 (s)", false, [](const auto& r) { return num(round_to(r.summary.pod_pending_p95_s, 3)); });
  row("  pending max (s)", false, [](const auto& r) { return num(round_to(r.summary.pod_pending_max_s, 3)); });
  section("disruptions");
  row("  terminations", false, [](const auto& r) { return std::to_string(r.summary.nodes_terminated); });
  for (const auto& reason : reasons)
    row("    " + reason, false, [&](const auto& r) { return count_in(r.summary.terminations_by_reason, reason); });
  row("  evictions", false, [](const auto& r) { return std::to_string(r.summary.evictions); });
  row("spot share (of node-hours)", true, [](const auto& r) { return percent(r.summary.spot_share); });
  // Under a controller-time model (docs/controller-time.md): the passes of each autoscaler.
  if (std::any_of(run.results.begin(), run.results.end(), [](const auto& r) { return r.controller_time.has_value(); })) {
    auto timed = [](const std::function<std::string(const sim::ControllerTimeSummary&)>& f) {
      return [f](const sim::AutoscalerResult& r) { return r.controller_time ? f(*r.controller_time) : std::string("-"); };
    };
    section("controller time");
    row("  model", false, timed([](const auto& c) { return c.model; }));
    row("  passes / loops", false, timed([](const auto& c) { return std::to_string(c.passes); }));
    row("  duration p50 (s)", false, timed([](const auto& c) { return num(round_to(c.pass_p50_s, 3)); }));
    row("  duration p95 (s)", false, timed([](const auto& c) { return num(round_to(c.pass_p95_s, 3)); }));
    row("  duration max (s)", false, timed([](const auto& c) { return num(round_to(c.pass_max_s, 3)); }));
    row("  candidates max", false, timed([](const auto& c) { return std::to_string(c.evaluated_max); }));
    row("  timeouts", false, timed([](const auto& c) {
      return std::to_string(c.single_node_timeouts + c.multi_node_timeouts + c.scale_down_timeouts);
    }));
  }
  t.render(out, 0);
  for (const auto& r : run.results)
    if (!r.controller_time_warning.empty()) out += "note (" + r.autoscaler + "): " + r.controller_time_warning + "\n";
  for (const auto& r : run.results) {
    const std::string pending = pending_workloads_text(r, 2);
    if (!pending.empty()) out += "[" + r.autoscaler + "]\n" + pending;
  }
  out += "\n";
  detail::render_expectations(out, run.expectations);
  return out;
}

}  // namespace capsim::report
