// kube-scheduler's default score plugins over the nodes that passed the filters, each normalised
// to [0, 100] as upstream normalises it and summed with the default profile's weights
// (k8s pkg/scheduler/apis/config/v1/default_plugins.go):
//   TaintToleration 3        PreferNoSchedule taints the pod does not tolerate, fewer is better
//   NodeAffinity 2           weights of the preferred node-affinity terms the node matches
//   NodeResourcesFit 1       LeastAllocated over cpu and memory
//   PodTopologySpread 2      the pod's ScheduleAnyway constraints
//   InterPodAffinity 2       preferred pod (anti-)affinity, both ways, and existing pods' required
//                            affinity (hardPodAffinityWeight 1)
//   NodeResourcesBalancedAllocation 1   cpu/memory fractions close together
// ImageLocality (weight 1) scores every node alike: capsim models no images. Not modelled: the
// system-default spreading constraints PodTopologySpread applies to pods with none of their own
// (defaultingType System), and the non-zero request defaults (100m / 200MB) LeastAllocated gives
// containers without requests.
#pragma once

#include <cstdint>
#include <vector>

#include "capsim/cluster/cluster_state.hpp"

namespace capsim::scheduling {

// LeastAllocated score in [0, 100] after placing `pod` on `node`.
std::int64_t least_allocated_score(const cluster::Node& node, const cluster::PodSchedulingSpec& pod);
// BalancedAllocation score in [0, 100] after placing `pod` on `node` (0 for a pod that requests
// neither cpu nor memory: upstream skips the plugin for best-effort pods).
std::int64_t balanced_allocation_score(const cluster::Node& node, const cluster::PodSchedulingSpec& pod);

// TaintToleration's count: the node's PreferNoSchedule taints no toleration of the pod tolerates.
std::int64_t intolerable_prefer_no_schedule(const cluster::Node& node, const cluster::PodSchedulingSpec& pod);
// True when, for `pod`, NodeAffinity, PodTopologySpread and InterPodAffinity score every node alike
// (no preferred terms, no ScheduleAnyway constraint, no running pod with affinity terms): then, on
// nodes without an untolerated PreferNoSchedule taint, score_nodes differs from LeastAllocated +
// BalancedAllocation by the same constant for every node.
bool resource_scores_decide(const cluster::ClusterState& state, const cluster::Pod& pod);

// The weighted sum of the normalised default plugin scores of each of `feasible` (same order).
std::vector<std::int64_t> score_nodes(const cluster::ClusterState& state, const cluster::Pod& pod,
                                      const std::vector<cluster::NodeId>& feasible);

}  // namespace capsim::scheduling
