// Cluster Autoscaler scale-up (cluster-autoscaler core/scaleup/orchestrator/orchestrator.go,
// core/scaleup/equivalence/groups.go, resourcequotas/*, core/podlistprocessor/
// filter_out_schedulable.go): pending pods that fit nowhere are grouped into equivalence groups;
// every node group that is not backed off, healthy, below its max, with a template and within
// the cluster totals gets an option from the binpacking estimator; the expander picks one; its
// node count is capped by max-nodes-total and the cores / memory totals and, with
// balance-similar-node-groups, spread over similar groups. One option per loop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/policy/cluster_autoscaler/expander.hpp"
#include "capsim/scheduling/cluster_snapshot.hpp"

namespace capsim::policy::cluster_autoscaler {

// A pod waiting for capacity, with what equivalence grouping needs.
struct PendingPod {
  scheduling::SnapshotPod pod;
  std::string name;
  std::string owner_kind;  // "" (no controller), DaemonSet, Deployment, ...
  std::string owner_name;
  SimTime created;
};

// groups.go: pods of one controller with equal labels and spec (capsim: the same shared spec)
// form a group; at most 10 groups per controller, further shapes and pods without a controller
// (or of a DaemonSet) are groups of one. Groups keep the order of their first pod.
std::vector<std::vector<std::size_t>> equivalence_groups(const std::vector<PendingPod>& pods);

// filter_out_schedulable.go: pods sorted by priority (descending, stable) are placed first-fit on
// the snapshot (real and upcoming nodes); placed pods stay in the snapshot. With `hints` (the
// processor's hinting simulator, kept across loops) each pod first tries the node it was placed
// on in an earlier loop, and hints not used this time are dropped. Returns the indexes of the
// pods that did not fit, in the sorted order.
std::vector<std::size_t> filter_out_schedulable(scheduling::ClusterSnapshot& snap, const std::vector<PendingPod>& pods,
                                                scheduling::SchedulingHints* hints = nullptr);

struct ScaleUpNodeGroup {
  std::string name;
  int target_size{0};
  int max_size{0};
  const scheduling::SnapshotNode* node_template{nullptr};  // null: no template
  bool backed_off{false};
  bool healthy{true};
};

// clusterstate.go IsNodeGroupHealthy: Ready nodes missing below the acceptable minimum (target
// minus the scale-up in progress) are "unjustified unready"; more of them than both
// ok-total-unready-count and max-total-unready-percentage of the group's nodes make it unhealthy.
bool node_group_healthy(int ready, int unready, int not_started, int target, int scale_up_in_progress,
                        int ok_total_unready_count, int max_total_unready_percentage);

struct ScaleUpLimits {
  int max_nodes_total{0};  // 0: none
  int max_nodes_per_scaleup{1000};
  std::int64_t cores_max{320000};
  std::int64_t memory_max_bytes{6400000LL * 1024 * 1024 * 1024};
  bool balance_similar_node_groups{false};
  // Under a timed controller-time model, binpacking's wall-clock limits as pods placed (the model
  // prices binpacking per pod placed): --max-nodegroup-binpacking-duration per estimate, and
  // --max-binpacking-time over the scale-up, checked after each node group's estimate
  // (processors/binpacking/time_limiter.go StopBinpacking). nullopt: no limit.
  std::optional<std::size_t> group_pod_budget;
  std::optional<std::size_t> total_pod_budget;
};

// Cluster totals (resourcequotas): node capacity summed over the snapshot's nodes, cores
// rounded up per node.
struct ResourceUsage {
  std::int64_t cores{0};
  std::int64_t memory_bytes{0};
};
ResourceUsage resource_usage(const scheduling::ClusterSnapshot& snap);
std::int64_t node_cores(const ResourceList& capacity);  // cpu rounded up to whole cores
// How many nodes of `capacity` the totals still allow (floor over cores and memory).
std::int64_t nodes_within_limits(const ResourceUsage& usage, const ResourceList& capacity, const ScaleUpLimits& limits);

struct ScaleUpResult {
  enum class Status : std::uint8_t { not_needed, no_options, scaled, error };
  Status status{Status::not_needed};
  std::vector<ExpansionOption> options;
  std::vector<std::size_t> option_group;  // node group index of each option
  std::vector<std::vector<std::size_t>> option_similar;  // similar node groups of each option
  std::optional<std::size_t> chosen;     // index into options
  std::vector<std::pair<std::size_t, int>> increases;  // (node group index, delta)
  std::vector<std::size_t> triggered;    // pending pod indexes (groups that fit the chosen node group)
  std::vector<std::size_t> awaiting;     // fit only other node groups
  std::vector<std::size_t> remaining;    // fit no node group
  std::map<std::size_t, std::string> skipped;  // node group index -> why it was not considered
  std::map<std::size_t, std::string> pod_reasons;  // remaining pod index -> NotTriggerScaleUp text
  std::vector<std::size_t> capped;      // node groups whose estimate hit the duration limit
  bool binpacking_cut{false};           // --max-binpacking-time ended the evaluation early
  std::string error;
};

// Chooses one of the options (the expander chain, or a test's forced pick).
using OptionChooser = std::function<std::optional<std::size_t>(const std::vector<ExpansionOption>&)>;

// ScaleUp over the pods to help (indexes into `pending`, already filtered). The snapshot holds
// real and upcoming nodes (and the pods placed by filter-out-schedulable); it is left unchanged.
ScaleUpResult compute_scale_up(scheduling::ClusterSnapshot& snap, const std::vector<PendingPod>& pending,
                               const std::vector<std::size_t>& to_help, const std::vector<ScaleUpNodeGroup>& groups,
                               const ScaleUpLimits& limits, const OptionChooser& choose);

}  // namespace capsim::policy::cluster_autoscaler
