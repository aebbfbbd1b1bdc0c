// Karpenter as a policy: the provisioner (batcher, synced gate, scheduling solve, NodeClaim
// creation with the AWS provider's launch request) and the disruption controller (v1 Emptiness
// with consolidateAfter, budgets and the 15 s validation; v1alpha5 ttlSecondsAfterEmpty;
// expiration). Version differences (karpenter.version v0.29 vs v1.14) are options of one code path.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/policy/autoscaler.hpp"
#include "capsim/scheduling/solver.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy::karpenter {

struct Config {
  spec::KarpenterSettings settings;
  std::vector<spec::NodePool> node_pools;
  std::vector<spec::NodeClass> node_classes;
  std::shared_ptr<const catalog::Catalog> catalog;
  std::string region;
  std::vector<std::string> zones;
};

// Resolved per-NodePool data: its NodeClass parameters and instance types.
struct NodePoolModel {
  spec::NodePool spec;
  catalog::NodeClassParams node_class;
  std::vector<std::string> zones;
  std::shared_ptr<const std::vector<catalog::InstanceType>> instance_types;
  Requirements requirements;  // NodePool requirements + template labels as In
};

// Karpenter constants (reference karpenter.md section 9).
inline constexpr Duration k_pod_requeue = Duration::seconds(10);         // provisioning/controller.go
inline constexpr Duration k_disruption_poll = Duration::seconds(10);     // disruption/controller.go
inline constexpr Duration k_validation_delay = Duration::seconds(15);    // disruption/consolidation.go
inline constexpr Duration k_nomination_min = Duration::seconds(10);      // state/statenode.go
inline constexpr std::size_t k_aws_max_instance_types = 60;              // aws instance.go
inline constexpr std::size_t k_max_instance_types_v1 = 600;              // nodeclaimtemplate.go (v1.7+)
inline constexpr std::size_t k_max_instance_types_v0 = 100;              // before v0.36

class Karpenter final : public Autoscaler {
 public:
  explicit Karpenter(Config cfg);

  std::string_view name() const override { return "karpenter"; }
  void on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) override;
  std::optional<SimTime> next_wakeup() const override;
  Actions reconcile(const View& view) override;

  const std::vector<NodePoolModel>& node_pools() const { return m_pools; }
  // The instance type a NodePool knows by this name (for in-flight nodes), or null.
  const catalog::InstanceType* find_type(std::string_view pool, std::string_view type) const;

  // Exposed for unit tests: one provisioning solve over the current state (no batching).
  Actions provision(const View& view);

 private:
  bool v1alpha5() const { return m_cfg.settings.is_v1alpha5(); }
  Duration nomination_window() const;
  bool synced(const View& view) const;
  std::vector<scheduling::NodeClaimTemplate> build_templates(const View& view, std::vector<Note>& notes) const;
  std::vector<scheduling::ExistingNodeInput> existing_nodes(const View& view, const std::set<cluster::NodeId>& exclude) const;
  cloud::FleetRequest fleet_request(const scheduling::NewNodeClaim& nc) const;
  bool nominated(cluster::NodeId id, SimTime now) const;

  Actions disrupt(const View& view);
  Actions expire(const View& view);
  void note_new_claim_expiry(SimTime created, const NodePoolModel& p);
  Actions finish_validation(const View& view);
  std::vector<cluster::NodeId> empty_candidates(const View& view) const;
  std::map<std::string, int> budgets(const View& view, const std::string& reason) const;
  const NodePoolModel* pool(std::string_view name) const;

  Config m_cfg;
  std::vector<NodePoolModel> m_pools;  // in weight order (weight desc, name desc)

  // Batcher (provisioning/batcher.go).
  std::set<cluster::PodId> m_batch;
  std::optional<SimTime> m_batch_start;
  SimTime m_batch_idle_deadline;
  std::optional<SimTime> m_next_requeue;  // pod controller requeue of provisionable pods
  std::set<cluster::PodId> m_provisionable;

  // Disruption.
  SimTime m_next_poll{0};
  struct PendingValidation {
    SimTime due;
    std::string method;
    std::vector<cluster::NodeId> candidates;
  };
  std::optional<PendingValidation> m_validation;
  std::map<cluster::NodeId, SimTime> m_nominated_until;
  std::optional<SimTime> m_next_expiry;  // v1 expireAfter: earliest expiry of a live NodeClaim
  std::uint64_t m_seq{0};
};

}  // namespace capsim::policy::karpenter
