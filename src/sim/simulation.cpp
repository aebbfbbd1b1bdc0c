#include "capsim/sim/simulation.hpp"

#include <cmath>

#include "sim/world.hpp"

namespace capsim::sim {
namespace {

std::optional<double> metric_value(const Summary& s, const std::string& metric) {
  if (metric == "nodesLaunched") return s.nodes_launched;
  if (metric == "nodesTerminated") return s.nodes_terminated;
  if (metric == "peakNodes") return s.peak_nodes;
  if (metric == "finalNodes") return s.final_nodes;
  if (metric == "costUsd") return s.cost.usd();
  if (metric == "nodeHours") return s.node_hours;
  if (metric == "podsCreated") return static_cast<double>(s.pods_created);
  if (metric == "podsPendingAtEnd") return s.pods_pending_at_end;
  if (metric == "podPendingSeconds.p50") return s.pod_pending_p50_s;
  if (metric == "podPendingSeconds.p95") return s.pod_pending_p95_s;
  if (metric == "podPendingSeconds.max") return s.pod_pending_max_s;
  return std::nullopt;
}

bool compare(double actual, const std::string& op, double expected) {
  const double eps = 1e-9 * std::max(1.0, std::fabs(expected));
  if (op == "==") return std::fabs(actual - expected) <= eps;
  if (op == "<=") return actual <= expected + eps;
  if (op == ">=") return actual >= expected - eps;
  if (op == "<") return actual < expected;
  if (op == ">") return actual > expected;
  return false;
}

}  // namespace

std::vector<std::string> resolve_zones(const spec::Scenario& scenario, const catalog::Catalog& cat) {
  if (!scenario.zones.empty()) return scenario.zones;
  return cat.zones(scenario.region);
}

AutoscalerResult run_autoscaler(const spec::Scenario& scenario, const std::string& autoscaler, const SimOptions& opts) {
  World world(scenario, autoscaler, opts);
  return world.run();
}

RunResult run_scenario(const spec::Scenario& scenario, const SimOptions& opts) {
  RunResult r;
  r.scenario = scenario.name;
  r.scenario_file = scenario.file;
  r.seed = scenario.seed;
  r.region = scenario.region;
  r.duration = scenario.duration;
  for (const auto& a : scenario.autoscalers) r.results.push_back(run_autoscaler(scenario, a, opts));
  for (const auto& e : scenario.expectations) {
    for (const auto& res : r.results) {
      if (!e.autoscaler.empty() && e.autoscaler != res.autoscaler) continue;
      ExpectationResult x;
      x.autoscaler = res.autoscaler;
      x.metric = e.metric;
      x.op = e.op;
      x.expected = e.value;
      auto v = metric_value(res.summary, e.metric);
      x.actual = v.value_or(NAN);
      x.passed = v && compare(*v, e.op, e.value);
      x.location = e.loc.file + ":" + std::to_string(e.loc.line) + ":" + std::to_string(e.loc.col);
      r.expectations.push_back(std::move(x));
    }
  }
  return r;
}

}  // namespace capsim::sim
