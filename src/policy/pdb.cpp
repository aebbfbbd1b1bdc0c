#include "capsim/policy/pdb.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::policy {

bool pdb_selects(const spec::PodDisruptionBudget& pdb, const cluster::Pod& pod) {
  return pdb.namespace_ == pod.namespace_ && pdb.selector.matches(pod.labels);
}

int pdb_disruptions_allowed(const spec::PodDisruptionBudget& pdb, const cluster::ClusterState& state) {
  int healthy = 0, expected = 0;
  for (auto pid : state.live_pods()) {
    const auto& p = state.pod(pid);
    // A terminating pod is neither healthy nor expected: its owner has replaced it.
    if (p.terminating || !pdb_selects(pdb, p)) continue;
    ++expected;
    if (p.bound() && (state.node(p.node).initialized() || state.node(p.node).state == cluster::NodeState::deleting))
      ++healthy;
  }
  auto resolve = [&](const std::string& v) {
    if (!v.empty() && v.back() == '%')
      return static_cast<int>(std::ceil(std::stod(v.substr(0, v.size() - 1)) * expected / 100.0));
    return std::stoi(v);
  };
  int desired = expected;
  if (pdb.min_available) desired = resolve(*pdb.min_available);
  else if (pdb.max_unavailable) desired = expected - resolve(*pdb.max_unavailable);
  return std::max(healthy - desired, 0);
}

}  // namespace capsim::policy
