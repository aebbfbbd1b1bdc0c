// The Cluster Autoscaler's binpacking estimator (cluster-autoscaler estimator/
// binpacking_estimator.go, decreasing_pod_orderer.go, threshold_based_limiter.go): how many nodes
// of a node group's template the pending pod groups need. Groups are sorted by
// cpu/allocatable + memory/allocatable of their first pod, descending (stable: ties keep their
// input order, upstream's sort is unstable); each group first reuses nodes added so far, then
// spreads next-fit over fresh template copies. All changes to the snapshot are reverted.
#pragma once

#include <string>
#include <vector>

#include "capsim/scheduling/cluster_snapshot.hpp"

namespace capsim::scheduling {

struct EstimatePodGroup {
  std::vector<SnapshotPod> pods;  // equivalent pods; the first one stands for the group
};

struct EstimateResult {
  int node_count{0};                    // nodes that received at least one pod
  std::vector<SnapshotPod> scheduled;   // every pod placed, in placement order
  int nodes_added{0};                   // template copies added (empty ones included)
  bool duration_capped{false};          // the pod budget refused a node
};

// node_limit: < 0 adds no node, 0 means no limit, > 0 caps the template copies added (the
// threshold-based limiter: the minimum of max-nodes-per-scaleup, the node group headroom and the
// cluster headroom, computed by the caller). Template copies are named <name_prefix>-<k> and get
// that name as their kubernetes.io/hostname label. The snapshot must not be forked.
// pod_budget: the limiter's --max-nodegroup-binpacking-duration as the pods placed in that time
// (the caller prices binpacking per pod placed): once more pods than that are placed, no node is
// added any more (threshold_based_limiter.go PermissionToAddNode). nullopt: no duration limit.
EstimateResult estimate_binpacking(ClusterSnapshot& snapshot, std::vector<EstimatePodGroup> groups,
                                   const SnapshotNode& node_template, int node_limit, const std::string& name_prefix,
                                   std::optional<std::size_t> pod_budget = std::nullopt);

// DecreasingPodOrderer score of a pod on a template: cpu/alloc + memory/alloc.
double binpacking_score(const cluster::PodSchedulingSpec& pod, const SnapshotNode& node_template);

}  // namespace capsim::scheduling
