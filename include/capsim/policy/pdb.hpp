// PodDisruptionBudgets over the live cluster (k8s pkg/controller/disruption): which pods a PDB
// selects and how many disruptions it allows now. Shared by Karpenter's candidate rules and the
// simulator's eviction API.
#pragma once

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy {

bool pdb_selects(const spec::PodDisruptionBudget& pdb, const cluster::Pod& pod);

// disruptionsAllowed = max(healthy - desired healthy, 0): healthy = selected pods running on a
// Ready node (also one being drained: a pod is Ready until evicted); desired = minAvailable, or
// expected - maxUnavailable (percentages of the selected pods, rounded up); neither set = all.
int pdb_disruptions_allowed(const spec::PodDisruptionBudget& pdb, const cluster::ClusterState& state);

}  // namespace capsim::policy
