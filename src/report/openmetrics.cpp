#include "capsim/report/openmetrics.hpp"

#include <cstdio>
#include <map>
#include <set>

#include "capsim/report/json_result.hpp"
#include "capsim/sim/result.hpp"

namespace capsim::report {

namespace {

// Label values escape backslash, double quote and newline (OpenMetrics ABNF).
std::string label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

using Labels = std::map<std::string, std::string>;

std::string labels(const Labels& l) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : l) {
    out += (first ? "" : ",") + k + "=\"" + label_value(v) + "\"";
    first = false;
  }
  return out + "}";
}

// One metric family: its series, each a list of (timestamp ms, value), written contiguously.
struct Family {
  std::string name, type, help;
  std::map<Labels, std::vector<std::pair<std::int64_t, double>>> series;
};

std::string timestamp(std::int64_t unix_ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(unix_ms / 1000),
                static_cast<long long>(unix_ms % 1000));
  return buf;
}

}  // namespace

std::string to_openmetrics(const sim::RunResult& run) {
  Family phase{"kube_pod_status_phase", "gauge", "Workload pods by phase (kube-state-metrics' per-pod series, summed).", {}};
  Family nodes{"capsim_nodes", "gauge", "Live nodes by instance type (\"launching\": instance not yet running).", {}};
  Family cost{"capsim_cost_rate_usd_per_hour", "gauge", "Hourly price of the running instances, USD.", {}};
  Family k_created{"karpenter_nodes_created", "counter", "Nodes launched by Karpenter.", {}};
  Family k_terminated{"karpenter_nodes_terminated", "counter", "Nodes terminated by Karpenter.", {}};
  Family ca_up{"cluster_autoscaler_scaled_up_nodes", "counter", "Nodes added by the Cluster Autoscaler.", {}};
  Family ca_down{"cluster_autoscaler_scaled_down_nodes", "counter", "Nodes removed by the Cluster Autoscaler.", {}};
  // Under a controller-time model (docs/controller-time.md): upstream's counter, at the run's end.
  Family k_timeouts{"karpenter_voluntary_disruption_consolidation_timeouts", "counter",
                    "Consolidation methods that ran out of time, by consolidation type (controller-time model).", {}};
  const std::int64_t t0 = run.start_time_unix_s * 1000;
  for (const auto& r : run.results) {
    const std::string& a = r.autoscaler;
    std::set<std::string> types, pools;
    for (const auto& s : r.samples)
      for (const auto& [t, n] : s.nodes_by_type) types.insert(t.empty() ? "launching" : t);
    for (const auto& l : r.launches) pools.insert(l.node_pool);
    for (const auto& t : r.terminations) pools.insert(t.node_pool);
    for (const auto& s : r.samples) {
      const std::int64_t ts = t0 + s.at.ms;
      phase.series[{{"autoscaler", a}, {"phase", "Pending"}}].emplace_back(ts, s.pending_pods);
      phase.series[{{"autoscaler", a}, {"phase", "Running"}}].emplace_back(ts, s.running_pods);
      for (const auto& type : types) {
        auto it = s.nodes_by_type.find(type == "launching" ? std::string() : type);
        nodes.series[{{"autoscaler", a}, {"instance_type", type}}].emplace_back(ts, it == s.nodes_by_type.end() ? 0 : it->second);
      }
      cost.series[{{"autoscaler", a}}].emplace_back(ts, round_to(s.cost_rate_per_hour.usd(), 6));
      // Counters: launches running by then, terminations done by then.
      // By the autoscaler a result is of ("karpenter (typical)" too: compare --controller-time).
      if (a.rfind("karpenter", 0) == 0) {
        for (const auto& pool : pools) {
          double up = 0, down = 0;
          for (const auto& l : r.launches) up += (l.node_pool == pool && l.launched_at <= s.at) ? 1 : 0;
          for (const auto& t : r.terminations) down += (t.node_pool == pool && t.terminated_at <= s.at) ? 1 : 0;
          k_created.series[{{"autoscaler", a}, {"nodepool", pool}}].emplace_back(ts, up);
          k_terminated.series[{{"autoscaler", a}, {"nodepool", pool}}].emplace_back(ts, down);
        }
      } else if (a.rfind("cluster-autoscaler", 0) == 0) {
        double up = 0, down = 0;
        for (const auto& l : r.launches) up += l.launched_at <= s.at ? 1 : 0;
        for (const auto& t : r.terminations) down += t.terminated_at <= s.at ? 1 : 0;
        ca_up.series[{{"autoscaler", a}}].emplace_back(ts, up);
        ca_down.series[{{"autoscaler", a}}].emplace_back(ts, down);
      }
    }
    if (r.controller_time && r.controller_time->controller == "disruption" && !r.samples.empty()) {
      const std::int64_t end = t0 + r.samples.back().at.ms;
      k_timeouts.series[{{"autoscaler", a}, {"consolidation_type", "multi"}}].emplace_back(
          end, static_cast<double>(r.controller_time->multi_node_timeouts));
      k_timeouts.series[{{"autoscaler", a}, {"consolidation_type", "single"}}].emplace_back(
          end, static_cast<double>(r.controller_time->single_node_timeouts));
    }
  }
  std::string out;
  for (const Family* f : {&phase, &nodes, &cost, &k_created, &k_terminated, &ca_up, &ca_down, &k_timeouts}) {
    if (f->series.empty()) continue;
    out += "# TYPE " + f->name + " " + f->type + "\n# HELP " + f->name + " " + f->help + "\n";
    const std::string sample = f->type == "counter" ? f->name + "_total" : f->name;
    for (const auto& [l, points] : f->series)
      for (const auto& [ts, v] : points)
        out += sample + labels(l) + " " + format_number(v, false) + " " + timestamp(ts) + "\n";
  }
  out += "# EOF\n";
  return out;
}

}  // namespace capsim::report
