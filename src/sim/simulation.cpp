#include "capsim/sim/simulation.hpp"

#include <algorithm>
#include <cmath>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/policy/registry.hpp"
#include "sim/billing_input.hpp"
#include "sim/world.hpp"

namespace capsim::sim {

std::optional<double> summary_metric(const Summary& s, std::string_view metric) {
  if (metric == "nodesLaunched") return s.nodes_launched;
  if (metric == "nodesTerminated") return s.nodes_terminated;
  if (metric == "peakNodes") return s.peak_nodes;
  if (metric == "finalNodes") return s.final_nodes;
  if (metric == "costUsd") return s.cost.usd();
  if (metric == "totalCostUsd") return s.total_cost.usd();
  if (metric == "nodeHours") return s.node_hours;
  if (metric == "podsCreated") return static_cast<double>(s.pods_created);
  if (metric == "podsPendingAtEnd") return s.pods_pending_at_end;
  if (metric == "podPendingSeconds.p50") return s.pod_pending_p50_s;
  if (metric == "podPendingSeconds.p95") return s.pod_pending_p95_s;
  if (metric == "podPendingSeconds.p99") return s.pod_pending_p99_s;
  if (metric == "podPendingSeconds.max") return s.pod_pending_max_s;
  if (metric == "evictions") return s.evictions;
  if (metric == "spotShare") return s.spot_share;
  if (metric == "costRatioToLowerBound") return s.cost_ratio_to_lower_bound;
  return std::nullopt;
}

namespace {

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
  if (catalog::is_fake_catalog_name(scenario.instance_catalog)) return catalog::fake_zones();
  if (const auto* c = scenario.inline_catalog()) return c->zones();
  return cat.zones(scenario.region);
}

std::optional<std::vector<catalog::InstanceType>> synthetic_instance_types(const spec::Scenario& scenario) {
  if (auto fake = catalog::fake_catalog_instance_types(scenario.instance_catalog)) return fake;
  const auto* c = scenario.inline_catalog();
  if (!c) return std::nullopt;
  std::vector<catalog::InstanceType> out;
  for (const auto& t : c->types) {
    catalog::FakeInstanceTypeOptions o;
    o.resources = t.capacity;
    for (const auto& off : t.offerings)
      o.offerings.push_back(catalog::Offering{off.zone, off.capacity_type, Money::from_usd(off.price_usd), off.available});
    o.arch = t.arch;
    o.operating_systems = t.operating_systems;
    o.overhead = t.overhead;
    o.labels = t.labels;
    out.push_back(catalog::fake_new_instance_type(t.name, std::move(o)));
  }
  return out;
}

AutoscalerResult run_autoscaler(const spec::Scenario& scenario, const std::string& autoscaler, const SimOptions& given) {
  // spec.pricing's market prices replace the catalog's for this run (the autoscalers see them).
  SimOptions opts = given;
  if (auto changes = market_price_changes(scenario.pricing); !changes.empty() && opts.catalog)
    opts.catalog = catalog::Catalog::with_prices(*opts.catalog, scenario.region, changes);
  // The node groups this run's cluster holds: those in the run of its autoscaler or of one it
  // hands over to (spec::NodeGroup::in_run).
  std::vector<std::string> runs{autoscaler};
  const std::string first = scenario.autoscalers.empty() ? std::string() : scenario.autoscalers.front();
  for (const auto& e : scenario.timeline)  // the first handover from this autoscaler (policy::make_autoscaler)
    if (e.kind == spec::TimelineKind::handover && (e.handover_from.empty() ? first : e.handover_from) == autoscaler) {
      runs.push_back(e.handover_to);
      break;
    }
  const auto in_this_run = [&](const spec::NodeGroup& g) {
    return std::any_of(runs.begin(), runs.end(), [&](const std::string& r) { return g.in_run(r); });
  };
  if (std::all_of(scenario.node_groups.begin(), scenario.node_groups.end(), in_this_run)) {
    World world(scenario, autoscaler, opts);
    return world.run();
  }
  spec::Scenario own = scenario;
  std::erase_if(own.node_groups, [&](const spec::NodeGroup& g) { return !in_this_run(g); });
  World world(own, autoscaler, opts);
  return world.run();
}

namespace {

bool contains(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Runs `autoscalers` in order on the identical workload, gives every result a cost ratio to the
// lower bound when one ran, and checks the expectations: one naming an autoscaler is checked
// against that autoscaler's result; one naming none against every autoscaler the scenario lists
// except the lower bound (compare's additions and the bound are not what it was written for).
// A result with the scenario's identity and no runs yet.
RunResult result_for(const spec::Scenario& scenario) {
  RunResult r;
  r.scenario = scenario.name;
  r.scenario_file = scenario.file;
  r.seed = scenario.seed;
  r.region = scenario.region;
  r.duration = scenario.duration;
  r.start_time_unix_s = scenario.start_time_unix_s;
  r.not_modelled = group_diagnostics(scenario.not_modelled);
  return r;
}

// Every result's cost ratio to the lower bound's, when the lower bound ran.
void set_cost_ratios(RunResult& r) {
  const auto lb = std::find_if(r.results.begin(), r.results.end(),
                               [](const AutoscalerResult& x) { return x.autoscaler == policy::lower_bound::k_name; });
  if (lb == r.results.end()) return;
  const Money bound = lb->summary.cost;
  for (auto& res : r.results) {
    if (&res == &*lb) continue;
    res.summary.cost_ratio_to_lower_bound =
        bound.nano_usd > 0 ? static_cast<double>(res.summary.cost.nano_usd) / static_cast<double>(bound.nano_usd) : NAN;
  }
}

RunResult run_list(const spec::Scenario& scenario, const std::vector<std::string>& autoscalers, const SimOptions& opts) {
  RunResult r = result_for(scenario);
  for (const auto& a : autoscalers) r.results.push_back(run_autoscaler(scenario, a, opts));
  set_cost_ratios(r);
  for (std::size_t i = 0; i < scenario.expectations.size(); ++i) {
    const auto& e = scenario.expectations[i];
    for (const auto& res : r.results) {
      if (!e.autoscaler.empty() && e.autoscaler != res.autoscaler) continue;
      if (e.autoscaler.empty() && (!contains(scenario.autoscalers, res.autoscaler) ||
                                   res.autoscaler == policy::lower_bound::k_name))
        continue;
      ExpectationResult x;
      x.autoscaler = res.autoscaler;
      x.metric = e.label.empty() ? e.metric : e.label;
      x.op = e.op;
      x.expected = e.value;
      std::optional<double> v = summary_metric(res.summary, e.metric);
      if (auto s = res.structural.find(i); s != res.structural.end() && !std::isnan(s->second)) v = s->second;
      x.actual = v.value_or(NAN);
      x.passed = v && compare(*v, e.op, e.value);
      x.location = e.loc.file + ":" + std::to_string(e.loc.line) + ":" + std::to_string(e.loc.col);
      r.expectations.push_back(std::move(x));
    }
  }
  return r;
}

}  // namespace

RunResult run_scenario(const spec::Scenario& scenario, const SimOptions& opts) {
  return run_list(scenario, scenario.autoscalers, opts);
}

std::vector<std::string> compare_autoscalers(const spec::Scenario& scenario) {
  std::vector<std::string> out = scenario.autoscalers;
  const auto available = policy::available_autoscalers();
  auto add = [&](std::string_view name) {
    if (!contains(out, name) && contains(available, name)) out.emplace_back(name);
  };
  if (!scenario.node_pools.empty()) add("karpenter");
  if (std::any_of(scenario.node_groups.begin(), scenario.node_groups.end(),
                  [](const spec::NodeGroup& g) { return g.autoscaled(); }))
    add("cluster-autoscaler");
  add("static");
  add(policy::lower_bound::k_name);
  return out;
}

RunResult compare_scenario(const spec::Scenario& scenario, const SimOptions& opts) {
  return run_list(scenario, compare_autoscalers(scenario), opts);
}

RunResult compare_models(const spec::Scenario& scenario, const std::vector<spec::ControllerTime>& models,
                         const SimOptions& opts) {
  if (models.size() < 2) {
    spec::Scenario s = scenario;
    if (!models.empty()) spec::set_controller_time(s, models.front());
    return compare_scenario(s, opts);
  }
  // The static cluster and the lower bound have no controller: they run once, with the first model.
  const auto controlled = [](const std::string& name) { return name != "static" && name != policy::lower_bound::k_name; };
  RunResult out = result_for(scenario);
  std::vector<std::vector<AutoscalerResult>> by_model;
  for (std::size_t m = 0; m < models.size(); ++m) {
    spec::Scenario s = scenario;
    spec::set_controller_time(s, models[m]);
    std::vector<std::string> names = compare_autoscalers(s);
    if (m > 0) std::erase_if(names, [&](const std::string& n) { return !controlled(n); });
    RunResult r = run_list(s, names, opts);
    const std::string label = " (" + models[m].preset + ")";
    for (auto& res : r.results)
      if (controlled(res.autoscaler)) res.autoscaler += label;
    for (auto& e : r.expectations)
      if (controlled(e.autoscaler)) e.autoscaler += label;
    out.expectations.insert(out.expectations.end(), r.expectations.begin(), r.expectations.end());
    by_model.push_back(std::move(r.results));
  }
  // Each autoscaler under every model side by side, in the first model's order, then the rest.
  const auto base = [](const std::string& name) { return name.substr(0, name.rfind(" (")); };
  for (const auto& first : by_model.front()) {
    if (!controlled(first.autoscaler)) continue;
    const std::string name = base(first.autoscaler);
    for (const auto& results : by_model)
      for (const auto& res : results)
        if (controlled(res.autoscaler) && base(res.autoscaler) == name) out.results.push_back(res);
  }
  for (const auto& res : by_model.front())
    if (!controlled(res.autoscaler)) out.results.push_back(res);
  set_cost_ratios(out);
  return out;
}

}  // namespace capsim::sim
