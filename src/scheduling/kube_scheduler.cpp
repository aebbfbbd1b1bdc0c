#include "capsim/scheduling/kube_scheduler.hpp"

#include <algorithm>
#include <map>

namespace capsim::scheduling {

std::string kube_filter(const cluster::Node& node, const cluster::PodSchedulingSpec& pod,
                        const cluster::ClusterState& state) {
  if (!node.schedulable()) return "node(s) were unschedulable";
  // TaintToleration filter: NoSchedule and NoExecute taints must be tolerated.
  for (const auto& taint : node.taints) {
    if (taint.effect == TaintEffect::prefer_no_schedule) continue;
    bool ok = std::any_of(pod.tolerations.begin(), pod.tolerations.end(),
                          [&](const Toleration& t) { return tolerates(t, taint); });
    if (!ok) return "node(s) had untolerated taint {" + describe(taint) + "}";
  }
  if (!pod.node_affinity_matches(node.labels)) return "node(s) didn't match Pod's node affinity/selector";
  if (!pod.host_ports.empty()) {
    for (auto pid : node.pods) {
      const auto& other = state.pod(pid);
      for (int p : other.spec->host_ports)
        if (std::find(pod.host_ports.begin(), pod.host_ports.end(), p) != pod.host_ports.end())
          return "node(s) didn't have free ports for the requested pod ports";
    }
  }
  ResourceList avail = node.available();
  if (!pod.requests.fits_in(avail)) {
    std::string r = pod.requests.first_exceeding(avail);
    if (r == "pods") return "Too many pods";
    return "Insufficient " + r;
  }
  return {};
}

std::int64_t least_allocated_score(const cluster::Node& node, const cluster::PodSchedulingSpec& pod) {
  // least_allocated.go: per resource (capacity - requested) * 100 / capacity, weighted mean over
  // cpu and memory (weights 1, 1), using allocatable as capacity and integer arithmetic.
  auto score = [](std::int64_t alloc, std::int64_t requested) -> std::int64_t {
    if (alloc <= 0 || requested > alloc) return 0;
    return (alloc - requested) * 100 / alloc;
  };
  std::int64_t cpu = score(node.allocatable.cpu_millis(), node.requested.cpu_millis() + pod.requests.cpu_millis());
  std::int64_t mem = score(node.allocatable.memory_bytes(), node.requested.memory_bytes() + pod.requests.memory_bytes());
  return (cpu + mem) / 2;
}

BindChoice select_node(const cluster::ClusterState& state, const cluster::Pod& pod) {
  BindChoice choice;
  std::int64_t best = -1;
  const std::string* best_name = nullptr;
  std::map<std::string, int> reasons;
  int total = 0;
  for (auto nid : state.nodes()) {
    const auto& node = state.node(nid);
    if (node.state != cluster::NodeState::ready && node.state != cluster::NodeState::registered) continue;
    ++total;
    std::string why = kube_filter(node, *pod.spec, state);
    if (!why.empty()) {
      ++reasons[why];
      continue;
    }
    std::int64_t s = least_allocated_score(node, *pod.spec);
    if (s > best || (s == best && node.name < *best_name)) {
      best = s;
      best_name = &node.name;
      choice.node = nid;
    }
  }
  if (!choice.node) {
    // "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint ..." (sorted)
    choice.reason = std::to_string(0) + "/" + std::to_string(total) + " nodes are available";
    std::string sep = ": ";
    for (const auto& [r, n] : reasons) {
      choice.reason += sep + std::to_string(n) + " " + r;
      sep = ", ";
    }
  }
  return choice;
}

}  // namespace capsim::scheduling
