#include "sim/expectation_probe.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace capsim::sim {
namespace {

bool in_window(const spec::ExpectationFilter& f, SimTime t) {
  return (!f.from || t >= *f.from) && (!f.until || t < *f.until);
}

bool same(const std::optional<std::string>& want, const std::string& have) { return !want || *want == have; }

bool matches(const spec::ExpectationFilter& f, const LaunchRecord& l) {
  return in_window(f, l.at) && same(f.instance_type, l.instance_type) && same(f.capacity_type, l.capacity_type) &&
         same(f.zone, l.zone) && same(f.node_pool, l.node_pool) && same(f.reason, l.reason);
}

bool matches(const spec::ExpectationFilter& f, const TerminationRecord& t) {
  return in_window(f, t.at) && same(f.instance_type, t.instance_type) && same(f.node_pool, t.node_pool) &&
         same(f.reason, t.reason);
}

bool matches(const spec::ExpectationFilter& f, const Decision& d) {
  return in_window(f, d.at) && same(f.kind, d.kind) && same(f.reason, d.reason) && same(f.node_pool, d.node_pool) &&
         (!f.message_contains || d.message.find(*f.message_contains) != std::string::npos);
}

bool selected(const spec::ExpectationFilter& f, const cluster::Pod& p) {
  for (const auto& [k, v] : f.selector) {
    auto it = p.labels.find(k);
    if (it == p.labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

ExpectationProbe::ExpectationProbe(const std::vector<spec::Expectation>& expectations) : m_expectations(expectations) {
  for (std::size_t i = 0; i < expectations.size(); ++i)
    if (expectations[i].metric == "decisions") {
      m_decision_metrics.push_back(i);
      m_decision_counts[i] = 0;
    }
}

void ExpectationProbe::on_decision(const Decision& d) {
  for (auto i : m_decision_metrics)
    if (matches(m_expectations[i].filter, d)) m_decision_counts[i] += 1;
}

std::map<std::size_t, double> ExpectationProbe::finish(const cluster::ClusterState& state, const AutoscalerResult& r,
                                                       const std::vector<std::string>& zones) const {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  std::map<std::size_t, double> out = m_decision_counts;
  for (std::size_t i = 0; i < m_expectations.size(); ++i) {
    const std::string& m = m_expectations[i].metric;
    const spec::ExpectationFilter& f = m_expectations[i].filter;
    if (m == "launches") {
      out[i] = static_cast<double>(std::count_if(r.launches.begin(), r.launches.end(),
                                                 [&](const LaunchRecord& l) { return matches(f, l); }));
    } else if (m.rfind("launch.", 0) == 0) {
      out[i] = nan;
      std::size_t k = 0;
      for (const auto& l : r.launches) {
        if (!matches(f, l) || k++ != f.index) continue;
        out[i] = m == "launch.instanceTypeOptions" ? static_cast<double>(l.instance_type_options)
                 : m == "launch.requests.cpu"      ? l.requests_cpu
                                                   : l.requests_memory_gib;
        break;
      }
    } else if (m == "terminations") {
      out[i] = static_cast<double>(std::count_if(r.terminations.begin(), r.terminations.end(),
                                                 [&](const TerminationRecord& t) { return matches(f, t); }));
    } else if (m == "disruptionWave.max") {
      // Nodes whose deletion was decided at the same instant: one Karpenter command's candidates,
      // or the nodes one Cluster Autoscaler loop deletes.
      std::map<std::int64_t, int> wave;
      for (const auto& t : r.terminations)
        if (matches(f, t)) ++wave[t.at.ms];
      int most = 0;
      for (const auto& [at, n] : wave) most = std::max(most, n);
      out[i] = most;
    } else if (m == "podsInZone" || m == "podsPerZone.skew" || m == "podsPerHost.skew") {
      // Running (bound) workload pods matching the selector at the end of the run, by the zone
      // of their node (every zone of the scenario counts, empty ones too) or by node (every live
      // node counts).
      std::map<std::string, int> by_zone, by_host;
      for (const auto& z : zones) by_zone[z] = 0;
      for (auto nid : state.node_ids()) {
        const auto& n = state.node(nid);
        if (!n.launched()) continue;
        by_host[n.name] = 0;
      }
      for (auto pid : state.live_pods()) {
        const auto& p = state.pod(pid);
        if (!p.bound() || p.is_daemon() || !selected(f, p)) continue;
        const auto& n = state.node(p.node);
        ++by_zone[n.zone];
        ++by_host[n.name];
      }
      if (m == "podsInZone") {
        out[i] = by_zone[*f.zone];
      } else {
        const auto& counts = m == "podsPerZone.skew" ? by_zone : by_host;
        int lo = std::numeric_limits<int>::max(), hi = 0;
        for (const auto& [k, n] : counts) {
          lo = std::min(lo, n);
          hi = std::max(hi, n);
        }
        out[i] = counts.empty() ? 0 : hi - lo;
      }
    }
  }
  return out;
}

}  // namespace capsim::sim
