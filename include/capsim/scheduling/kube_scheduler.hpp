// A kube-scheduler-like binder over ClusterState: default filters (NodeResourcesFit incl. pod
// count, NodeAffinity/nodeSelector, TaintToleration for NoSchedule/NoExecute, NodePorts,
// NodeUnschedulable) and the default score NodeResourcesFit LeastAllocated (cpu and memory,
// weight 1 each; k8s pkg/scheduler/framework/plugins/noderesources/least_allocated.go).
#pragma once

#include <optional>
#include <string>

#include "capsim/cluster/cluster_state.hpp"

namespace capsim::scheduling {

struct BindChoice {
  std::optional<cluster::NodeId> node;
  std::string reason;  // why no node fits (first node's failure summary) when node is empty
};

// Why `pod` cannot go on `node` (empty string = it can).
std::string kube_filter(const cluster::Node& node, const cluster::PodSchedulingSpec& pod,
                        const cluster::ClusterState& state);

// LeastAllocated score in [0, 100] after placing `pod` on `node`.
std::int64_t least_allocated_score(const cluster::Node& node, const cluster::PodSchedulingSpec& pod);

// Highest score wins; ties go to the lowest node name (upstream picks uniformly at random among
// the top scores, selectHost in schedule_one.go; capsim fixes the lexical rule for determinism).
BindChoice select_node(const cluster::ClusterState& state, const cluster::Pod& pod);

}  // namespace capsim::scheduling
