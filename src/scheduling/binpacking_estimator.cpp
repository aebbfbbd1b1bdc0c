#include "capsim/scheduling/binpacking_estimator.hpp"

#include <algorithm>
#include <set>

#include "capsim/core/labels.hpp"

namespace capsim::scheduling {

double binpacking_score(const cluster::PodSchedulingSpec& pod, const SnapshotNode& t) {
  double score = 0;
  const auto cpu = t.allocatable.cpu_millis();
  const auto mem = t.allocatable.memory_bytes();
  if (cpu > 0) score += static_cast<double>(pod.requests.cpu_millis()) / static_cast<double>(cpu);
  if (mem > 0) score += static_cast<double>(pod.requests.memory_bytes()) / static_cast<double>(mem);
  return score;
}

namespace {

bool uses_hostname_spread(const cluster::PodSchedulingSpec& spec) {
  return std::any_of(spec.topology_spread.begin(), spec.topology_spread.end(), [](const auto& c) {
    return c.do_not_schedule && c.topology_key == label::k_hostname;
  });
}

}  // namespace

EstimateResult estimate_binpacking(ClusterSnapshot& snap, std::vector<EstimatePodGroup> groups,
                                   const SnapshotNode& tmpl, int node_limit, const std::string& name_prefix,
                                   std::optional<std::size_t> pod_budget) {
  EstimateResult out;
  std::erase_if(groups, [](const EstimatePodGroup& g) { return g.pods.empty(); });
  std::stable_sort(groups.begin(), groups.end(), [&](const EstimatePodGroup& a, const EstimatePodGroup& b) {
    return binpacking_score(*a.pods.front().spec, tmpl) > binpacking_score(*b.pods.front().spec, tmpl);
  });

  snap.fork();
  std::vector<std::size_t> added;         // newNodeNames, in order
  std::set<std::size_t> added_set;
  std::set<std::size_t> nodes_with_pods;  // newNodesWithPods (may include a pre-existing node, see 2b)
  std::optional<std::size_t> last;
  int permits = 0;
  bool limiter_refused = false;
  // thresholdBasedEstimationLimiter.PermissionToAddNode: once refused, always refused.
  const auto permission = [&] {
    if (limiter_refused) return false;
    if (node_limit < 0 || (node_limit > 0 && permits >= node_limit)) {
      limiter_refused = true;
      return false;
    }
    if (pod_budget && out.scheduled.size() > *pod_budget) {  // the estimation's duration is over
      limiter_refused = true;
      out.duration_capped = true;
      return false;
    }
    ++permits;
    return true;
  };

  for (const auto& group : groups) {
    std::size_t i = 0;
    // 1. Reuse: any node added so far in this estimate (stop at the first pod that fits none).
    for (; i < group.pods.size(); ++i) {
      if (added.empty()) break;
      auto at = snap.schedule_anywhere(group.pods[i], [&](std::size_t n) { return added_set.count(n) > 0; });
      if (!at) break;
      nodes_with_pods.insert(*at);
      out.scheduled.push_back(group.pods[i]);
    }
    // 2. New nodes for the rest of the group.
    for (; i < group.pods.size(); ++i) {
      const SnapshotPod& pod = group.pods[i];
      bool found = false;
      if (last) {
        const FilterFailure f = snap.try_schedule(pod, *last);
        if (f == FilterFailure::none) {
          found = true;
          nodes_with_pods.insert(*last);
        } else if (f == FilterFailure::topology_spread && uses_hostname_spread(*pod.spec)) {
          // 2b: a hostname spread constraint failed on the last node: try every other node of the
          // snapshot (pre-existing ones included; such a node then counts towards the result).
          const std::size_t skip = *last;
          if (auto at = snap.schedule_anywhere(pod, [&](std::size_t n) { return n != skip; })) {
            found = true;
            nodes_with_pods.insert(*at);
          }
        }
      }
      if (!found) {
        // 2c: the last added node is empty (the pod does not fit even an empty template): give up
        // on this group; later groups may still use it.
        if (last && !nodes_with_pods.count(*last)) break;
        if (!permission()) break;
        SnapshotNode copy = tmpl;
        copy.name = name_prefix + "-" + std::to_string(out.nodes_added);
        copy.id = cluster::k_no_node;
        copy.labels[std::string(label::k_hostname)] = copy.name;
        const std::size_t idx = snap.add_node(std::move(copy));
        ++out.nodes_added;
        added.push_back(idx);
        added_set.insert(idx);
        last = idx;
        if (snap.try_schedule(pod, idx) != FilterFailure::none) break;  // keep the empty node
        nodes_with_pods.insert(idx);
      }
      out.scheduled.push_back(pod);
    }
  }
  out.node_count = static_cast<int>(nodes_with_pods.size());
  snap.revert();
  return out;
}

}  // namespace capsim::scheduling
