// Cluster Autoscaler scale-down building blocks (cluster-autoscaler core/scaledown/*,
// simulator/{cluster,drain}.go, simulator/drainability/rules/*, simulator/utilization/info.go,
// core/scaledown/pdb/basic.go, core/scaledown/budgets/budgets.go, core/scaledown/planner/
// planner.go): node utilization, eligibility, the drain rules that decide which pods must move,
// the removal simulation on the cluster snapshot, the unneeded-nodes limit and the deletion
// budgets. The loop that strings them together lives in cluster_autoscaler.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/scheduling/cluster_snapshot.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy::cluster_autoscaler {

inline constexpr std::string_view k_to_be_deleted_taint = "ToBeDeletedByClusterAutoscaler";
inline constexpr std::string_view k_scale_down_disabled = "cluster-autoscaler.kubernetes.io/scale-down-disabled";
inline constexpr std::string_view k_safe_to_evict = "cluster-autoscaler.kubernetes.io/safe-to-evict";
inline constexpr std::string_view k_safe_to_evict_local_volumes =
    "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";

// Why a node is not removed (simulator.UnremovableReason), with CA's names.
enum class UnremovableReason : std::uint8_t {
  none,
  scale_down_disabled_annotation,
  not_autoscaled,
  not_underutilized,
  currently_being_deleted,
  recently_unremovable,
  unexpected_error,
  blocked_by_pod,
  no_place_to_move_pods,
  not_unneeded_long_enough,
  node_group_min_size_reached,
  minimal_resource_limit_exceeded,
};
std::string_view unremovable_name(UnremovableReason r);  // "NotUnderutilized", ...

// simulator/utilization/info.go: requests of the node's pods over allocatable, per resource;
// utilization = max(cpu, memory), or the GPU ratio alone on a GPU node. With ignore_daemonsets
// (ignore_mirror) those pods leave the numerator and their requests the denominator.
struct UtilizationInfo {
  double cpu{0};
  double memory{0};
  double gpu{0};
  double utilization{0};
  bool gpu_node{false};
};
// nullopt: zero allocatable (an error for CA: the node is kept).
std::optional<UtilizationInfo> node_utilization(const scheduling::SnapshotNode& n, bool ignore_daemonsets,
                                                bool ignore_mirror = false);

// eligibility.go for one node: being deleted, the scale-down-disabled annotation, then the
// utilization threshold (<= threshold is under-utilized).
struct EligibilityInput {
  double threshold{0.5};
  double gpu_threshold{0.5};
  bool ignore_daemonsets{false};
  bool being_deleted{false};  // carries CA's ToBeDeleted taint
  const std::map<std::string, std::string>* annotations{nullptr};
  // node_utilization's result for this node and ignore_daemonsets when the caller has it cached.
  const std::optional<UtilizationInfo>* utilization{nullptr};
};
UnremovableReason eligibility(const scheduling::SnapshotNode& n, const EligibilityInput& in,
                              std::optional<UtilizationInfo>* utilization = nullptr);

// The PDBs with the disruptions still allowed in this loop (pdb/basic.go RemainingPdbTracker).
class PdbTracker {
 public:
  PdbTracker() = default;
  // disruptionsAllowed = healthy (bound, running) matching pods - desired healthy.
  PdbTracker(const std::vector<spec::PodDisruptionBudget>& pdbs, const cluster::ClusterState& state);
  void add(const spec::PodDisruptionBudget& pdb, int allowed);
  // Indexes of the PDBs that select the pod.
  std::vector<std::size_t> matching(const cluster::Pod& pod) const;
  int allowed(std::size_t i) const { return m_entries[i].allowed; }
  bool any_selects(const cluster::Pod& pod) const { return !matching(pod).empty(); }
  void spend(std::size_t i, int n) { m_entries[i].allowed -= n; }
  std::size_t size() const { return m_entries.size(); }

 private:
  struct Entry {
    spec::PodDisruptionBudget pdb;
    int allowed{0};
  };
  std::vector<Entry> m_entries;
};

struct DrainOptions {
  bool skip_nodes_with_system_pods{true};
  bool skip_nodes_with_local_storage{true};
  // --blocking-system-pod-distruption-timeout (1 h) exists since 1.33; nullopt before.
  std::optional<Duration> blocking_system_pod_timeout{Duration::hours(1)};
};

enum class DrainVerdict : std::uint8_t {
  ignore,     // mirror pod: dies with the node
  daemonset,  // not rescheduled (evicted best-effort at deletion)
  move,       // must find a place elsewhere
  block,      // the node cannot be drained
  wait,       // safe-to-evict: on-completion: the node waits for the pod
};
struct PodDrainResult {
  DrainVerdict verdict{DrainVerdict::move};
  std::string reason;  // for block: CA's BlockingPodReason (NotReplicated, UnmovableKubeSystemPod, ...)
};
// The drainability rules in order (reference cluster-autoscaler.md 4.4); the first verdict wins.
PodDrainResult drain_verdict(const cluster::Pod& pod, const PdbTracker& pdbs, const DrainOptions& opt, SimTime now);

using PodLookup = std::function<const cluster::Pod*(cluster::PodId)>;

struct RemovalResult {
  UnremovableReason reason{UnremovableReason::none};
  bool removable() const { return reason == UnremovableReason::none; }
  std::string blocking_pod;
  std::string blocking_reason;
  std::vector<cluster::PodId> to_move;  // pods rescheduled elsewhere
  std::vector<std::string> destinations;  // where each moved pod went (same order)
  bool empty{false};          // no pod needs to move
  bool on_completion{false};  // an on-completion pod runs there
  bool risky{false};          // some PDB allows fewer disruptions than the pods it selects here
};

// simulator/cluster.go SimulateNodeRemoval + findPlaceFor for snapshot node `node`: the pods to
// move (drain rules), then each (priority order) on any destination node except this one, which
// stays in the snapshot tainted ToBeDeleted (still a topology domain). On success the moves are
// committed to the snapshot and the PDB budgets spent; on failure the snapshot is unchanged.
// `hints`: the removal simulator's hinting simulator (kept across loops; the caller drops old
// hints once per planning round, planner.go UpdateClusterState).
RemovalResult simulate_node_removal(scheduling::ClusterSnapshot& snap, std::size_t node, const PodLookup& lookup,
                                    const std::vector<bool>& destination, PdbTracker& pdbs, const DrainOptions& opt,
                                    SimTime now, scheduling::SchedulingHints* hints = nullptr);

// planner.go unneededNodesLimit: min(|previous unneeded| + 2P, P x floor(max(U, I) / I) + P),
// P = max-scale-down-parallelism, U = scale-down-unneeded-time, I = the shortest loop interval seen.
int unneeded_nodes_limit(int previous_unneeded, int parallelism, Duration unneeded_time, Duration loop_interval);

// budgets.go CropNodes: empty nodes up to P - deletions in flight, then drain nodes up to
// min(what is left of P, D - drain deletions in flight); nodes are taken node group by node group
// in order of first appearance. Returns the indexes taken from each list.
struct CropResult {
  std::vector<std::size_t> empty;
  std::vector<std::size_t> drain;
};
CropResult crop_nodes(const std::vector<std::string>& empty_groups, const std::vector<std::string>& drain_groups,
                      int empty_in_flight, int drain_in_flight, int parallelism, int drain_parallelism,
                      std::optional<int> empty_limit = std::nullopt);

}  // namespace capsim::policy::cluster_autoscaler
