// What Karpenter's controllers share (upstream: the operator's settings, the NodePool and
// instance-type providers and state.Cluster): the configuration, the resolved NodePools, the
// nominations the provisioner makes and the disruption controller respects, the drift the
// NodeClaim disruption controller finds, and Karpenter's constants.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/core/time.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy::karpenter {

struct Config {
  spec::KarpenterSettings settings;
  std::vector<spec::NodePool> node_pools;
  std::vector<spec::NodeClass> node_classes;
  std::shared_ptr<const catalog::Catalog> catalog;
  std::string region;
  std::vector<std::string> zones;
  // A built-in fake catalog's types (restricted to `zones`), used by every NodePool instead of the
  // EC2 types of its NodeClass; null for the EC2 catalog.
  std::shared_ptr<const std::vector<catalog::InstanceType>> fake_instance_types;
  std::vector<spec::PodDisruptionBudget> pdbs;
  std::int64_t start_time_unix_s{0};  // wall clock of t = 0, for budget schedules
  // --exact (SimOptions::exact): the performance shortcuts that skip work known to give the same
  // decisions are off - the quiet pass, the no-op memo with its pending placement, and the
  // simulations' early stops - so every pass computes everything.
  bool exact{false};
};

// Resolved per-NodePool data: its NodeClass parameters and instance types.
struct NodePoolModel {
  spec::NodePool spec;
  catalog::NodeClassParams node_class;
  std::vector<std::string> zones;
  // Shared by pools with the same NodeClass parameters; offering availability is kept current
  // with the unavailable-offerings cache.
  std::shared_ptr<std::vector<catalog::InstanceType>> instance_types;
  Requirements requirements;  // NodePool requirements + template labels as In
  const spec::NodeClass* node_class_spec{nullptr};
  // Drift hashes (core pkg/apis/v1/nodepool.go Hash: the template without requirements,
  // expireAfter and terminationGracePeriod; aws EC2NodeClass static fields).
  std::string pool_hash;
  std::string class_hash;
};

// Karpenter constants (reference karpenter.md section 9).
inline constexpr Duration k_pod_requeue = Duration::seconds(10);         // provisioning/controller.go
inline constexpr Duration k_disruption_poll = Duration::seconds(10);     // disruption/controller.go
inline constexpr Duration k_validation_delay = Duration::seconds(15);    // disruption/consolidation.go
inline constexpr Duration k_nomination_min = Duration::seconds(10);      // state/statenode.go
inline constexpr std::size_t k_aws_max_instance_types = 60;              // aws instance.go
inline constexpr std::size_t k_max_instance_types_v1 = 600;              // nodeclaimtemplate.go (v1.7+)
inline constexpr std::size_t k_max_instance_types_v0 = 100;              // before v0.36
inline constexpr Duration k_unavailable_offering_ttl = Duration::minutes(3);  // aws pkg/cache/cache.go
// disruption/events/events.go Unconsolidatable: DedupeValues {node UID}, DedupeTimeout 15 min.
inline constexpr Duration k_unconsolidatable_dedupe = Duration::minutes(15);
inline constexpr Duration k_consolidation_state_recheck = Duration::minutes(5);  // state/cluster.go ConsolidationState
// disruption/controller.go Reconcile: RequeueAfter 1 s while cluster state is not synced.
inline constexpr Duration k_synced_retry = Duration::seconds(1);
// singlenodeconsolidation.go SingleNodeConsolidationTimeoutDuration, checked before each candidate.
inline constexpr Duration k_single_node_timeout = Duration::minutes(3);
// multinodeconsolidation.go MultiNodeConsolidationTimeoutDuration (v1.4+: a context deadline).
inline constexpr Duration k_multi_node_timeout = Duration::minutes(1);
inline constexpr std::size_t k_multi_node_max_candidates = 100;  // multinodeconsolidation.go maxParallel
inline constexpr std::size_t k_min_spot_to_spot_types = 15;      // consolidation.go MinInstanceTypesForSpotToSpotConsolidation
inline constexpr Duration k_command_timeout = Duration::minutes(10);  // queue.go, clamp(80ms x n, 10m, 1h)
inline constexpr Duration k_command_poll = Duration::seconds(1);       // queue.go
inline constexpr Duration k_solve_timeout = Duration::minutes(1);      // provisioning/provisioner.go Schedule (v1)

// The state every Karpenter controller reads: configuration, NodePools (weight order), the
// version of what the NodeClaim templates derive from, nominations and drift.
struct Shared {
  explicit Shared(Config c) : cfg(std::move(c)) {}
  Config cfg;
  std::vector<NodePoolModel> pools;  // in weight order (weight desc, name desc)
  // Bumped when offering availability or the NodePools change (the scheduling inputs depend on it).
  std::uint64_t state_version{0};
  // state/statenode.go Nominate: node -> end of its nomination window; `nominations` is bumped
  // with every nomination.
  std::map<cluster::NodeId, SimTime> nominated_until;
  std::uint64_t nominations{0};
  // nodeclaim/disruption/drift.go: node -> (time detected, reason).
  std::map<cluster::NodeId, std::pair<SimTime, std::string>> drifted;
  std::optional<SimTime> next_expiry;  // v1 expireAfter: earliest expiry of a live NodeClaim

  bool v1alpha5() const { return cfg.settings.is_v1alpha5(); }
  const spec::ControllerTime& model() const { return cfg.settings.controller_time; }
  bool timed() const { return !model().instant(); }
  const NodePoolModel* pool(std::string_view name) const;
  Duration nomination_window() const;
  void nominate(cluster::NodeId id, SimTime now);
  bool nominated(cluster::NodeId id, SimTime now) const;
  // A NodeClaim of `p` created at `created` expires at created + expireAfter (v1).
  void note_new_claim_expiry(SimTime created, const NodePoolModel& p);
};

// pkg/utils/pod/scheduling.go IsReschedulable: active pods (a terminating one needs no new home,
// except a StatefulSet's: its replacement waits for it), not DaemonSet or mirror pods.
bool reschedulable(const cluster::Pod& p);

}  // namespace capsim::policy::karpenter
