#include "capsim/report/text_summary.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/sim/result.hpp"
#include "report/text_table.hpp"

namespace capsim::report {
namespace {

using detail::Align;
using detail::num;
using detail::Table;

void render_summary(std::string& out, const sim::AutoscalerResult& r) {
  const sim::Summary& s = r.summary;
  Table t({Align::left, Align::right});
  t.add({"nodes launched", std::to_string(s.nodes_launched)});
  t.add({"nodes terminated", std::to_string(s.nodes_terminated)});
  t.add({"peak nodes", std::to_string(s.peak_nodes)});
  t.add({"final nodes", std::to_string(s.final_nodes)});
  t.add({"node hours", num(round_to(s.node_hours, 6))});
  t.add({"cost (USD)", num(usd_6(s.cost))});
  if (s.cost_ratio_to_lower_bound) t.add({"cost / lower bound", num(round_to(*s.cost_ratio_to_lower_bound, 3))});
  t.add({"pods created", std::to_string(s.pods_created)});
  t.add({"pods pending at end", std::to_string(s.pods_pending_at_end)});
  t.add({"pod pending p50 (s)", num(round_to(s.pod_pending_p50_s, 3))});
  t.add({"pod pending p95 (s)", num(round_to(s.pod_pending_p95_s, 3))});
  t.add({"pod pending max (s)", num(round_to(s.pod_pending_max_s, 3))});
  t.add({"decisions", std::to_string(r.decision_count)});
  if (const auto& c = r.controller_time) {
    const std::string pass = c->controller == "loop" ? "loop" : "pass";
    t.add({"controller time", c->model});
    t.add({c->controller == "loop" ? "loops" : "disruption passes", std::to_string(c->passes)});
    t.add({pass + " p50 (s)", num(round_to(c->pass_p50_s, 3))});
    t.add({pass + " p95 (s)", num(round_to(c->pass_p95_s, 3))});
    t.add({pass + " max (s)", num(round_to(c->pass_max_s, 3))});
    t.add({"candidates per " + pass + " p50", std::to_string(c->evaluated_p50)});
    t.add({"candidates per " + pass + " max", std::to_string(c->evaluated_max)});
    if (c->controller == "loop") {
      t.add({"scale-down timeouts", std::to_string(c->scale_down_timeouts)});
    } else {
      t.add({"single-node timeouts", std::to_string(c->single_node_timeouts)});
      t.add({"multi-node timeouts", std::to_string(c->multi_node_timeouts)});
    }
  }
  t.render(out, 2);
  if (!r.controller_time_warning.empty()) out += "  note: " + r.controller_time_warning + "\n";
}

// The bill's lines (cloud/billing.hpp) and the total, when the run has a bill.
void render_bill(std::string& out, const sim::AutoscalerResult& r) {
  if (r.bill.empty()) return;
  out += "  bill (USD):\n";
  Table t({Align::left, Align::right, Align::left});
  for (const auto& l : r.bill) t.add({l.item, num(usd_6(l.cost)), l.detail});
  t.add({"total", num(usd_6(r.summary.total_cost)), "every line above"});
  t.render(out, 4);
}

void render_launches(std::string& out, const sim::AutoscalerResult& r) {
  out += "  launches: " + std::to_string(r.launches.size()) + "\n";
  if (r.launches.empty()) return;
  Table t({Align::left, Align::left, Align::left, Align::left, Align::left, Align::left, Align::left, Align::right,
           Align::left});
  t.add({"TIME", "RUNNING", "NODE", "TYPE", "ZONE", "CAPACITY", "POOL", "USD/H", "REASON"});
  for (const auto& l : r.launches)
    t.add({format_clock(l.at), format_clock(l.launched_at), l.node, l.instance_type, l.zone, l.capacity_type,
           l.node_pool, num(usd_6(l.price_per_hour)),
           l.capacity_note.empty() ? l.reason : l.reason + " (on-demand: " + l.capacity_note + ")"});
  t.render(out, 4);
}

void render_terminations(std::string& out, const sim::AutoscalerResult& r) {
  out += "  terminations: " + std::to_string(r.terminations.size()) + "\n";
  if (r.terminations.empty()) return;
  Table t({Align::left, Align::left, Align::left, Align::left, Align::left});
  t.add({"TIME", "GONE", "NODE", "TYPE", "REASON"});
  for (const auto& e : r.terminations)
    t.add({format_clock(e.at), format_clock(e.terminated_at), e.node, e.instance_type, e.reason});
  t.render(out, 4);
}

}  // namespace

std::string pending_workloads_text(const sim::AutoscalerResult& r, std::size_t indent) {
  if (r.pending_workloads.empty()) return {};
  const std::string pad(indent, ' ');
  std::string out = pad + "pending pods by workload (at the end, or placed after waiting " +
                    format_duration(sim::k_long_pending) + " or more):\n";
  for (const auto& w : r.pending_workloads) {
    out += pad + "  " + w.workload + ": ";
    if (w.pending_at_end > 0) out += std::to_string(w.pending_at_end) + " pending at end";
    if (w.pending_at_end > 0 && w.waited_long > 0) out += ", ";
    if (w.waited_long > 0) out += std::to_string(w.waited_long) + " waited " + format_duration(sim::k_long_pending) + " or more";
    if (!w.reason.empty()) out += "; " + w.reason;
    out += "\n";
  }
  return out;
}

std::string not_modelled_text(const sim::RunResult& run) {
  if (run.not_modelled.empty()) return {};
  std::string out = "\nnot modelled (these can change the answer):\n";
  for (const auto& g : run.not_modelled) {
    out += "  " + g.first.render();
    if (g.count > 1) out += " (" + std::to_string(g.count) + " places, the first shown)";
    out += "\n";
  }
  return out;
}

std::string text_summary(const sim::RunResult& run) {
  std::string out = "scenario " + (run.scenario.empty() ? std::string("-") : run.scenario);
  if (!run.scenario_file.empty()) out += " (" + run.scenario_file + ")";
  out += ", region " + (run.region.empty() ? std::string("-") : run.region);
  out += ", seed " + std::to_string(run.seed);
  out += ", duration " + format_duration(run.duration) + "\n";
  out += not_modelled_text(run);
  for (const auto& r : run.results) {
    out += "\n[" + r.autoscaler + "]\n";
    render_summary(out, r);
    render_bill(out, r);
    out += pending_workloads_text(r, 2);
    render_launches(out, r);
    render_terminations(out, r);
  }
  out += "\n";
  detail::render_expectations(out, run.expectations);
  return out;
}

}  // namespace capsim::report
