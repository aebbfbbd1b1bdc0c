// Karpenter as a policy: the controllers of karpenter core and its AWS provider, wired as the
// operator wires them. The provisioner (provisioner.hpp) and the disruption controller
// (disruption_controller.hpp, with its methods, validation and queue) share the NodePools, the
// nominations and the scheduling inputs (model.hpp, scheduling_inputs.hpp); the AWS provider
// chooses the launch and keeps the unavailable offerings (aws.hpp). This class adds the NodeClaim
// lifecycle controllers (drift detection; v1 expiration) and the cluster-state checks. Version
// differences (karpenter.version v0.29 vs v1.14) are options of one code path.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/controller_time.hpp"
#include "capsim/policy/karpenter/aws.hpp"
#include "capsim/policy/karpenter/disruption_controller.hpp"
#include "capsim/policy/karpenter/model.hpp"
#include "capsim/policy/karpenter/provisioner.hpp"
#include "capsim/policy/karpenter/scheduling_inputs.hpp"

namespace capsim::policy::karpenter {

class Karpenter final : public Autoscaler {
 public:
  explicit Karpenter(Config cfg);

  std::string_view name() const override { return "karpenter"; }
  void on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) override;
  std::optional<SimTime> next_wakeup() const override;
  Actions reconcile(const View& view) override;
  void on_node_pools_updated(const std::vector<spec::NodePool>& pools, const std::vector<spec::NodeClass>& classes,
                             SimTime now) override;
  void on_launch_result(const LaunchNode& request, const std::vector<cloud::FleetOverride>& insufficient, bool launched,
                        SimTime now) override;
  void adopt(cluster::Node& node) override;
  Actions on_spot_interruption(cluster::NodeId node, const View& view) override;
  const ControllerStats* controller_stats() const override { return &m_disruption.stats(); }

  const std::vector<NodePoolModel>& node_pools() const { return m_shared.pools; }
  // The instance type a NodePool knows by this name (for in-flight nodes), or null.
  const catalog::InstanceType* find_type(std::string_view pool, std::string_view type) const;

  // Exposed for unit tests: one provisioning solve over the current state (no batching).
  Actions provision(const View& view) { return m_provisioner.provision(view); }

 private:
  void build_pools();
  // state/cluster.go Synced: every NodeClaim has been launched (has a provider ID).
  bool synced(const View& view) const;
  // Drift (nodeclaim/disruption/drift.go): records each newly drifted node in Shared::drifted.
  void detect_drift(const View& view);
  // v1: the expiration controller (nodeclaim/expiration/controller.go).
  Actions expire(const View& view);

  Shared m_shared;
  // Instance types per distinct NodeClass parameters (kept across NodePool updates).
  std::map<std::string, std::shared_ptr<std::vector<catalog::InstanceType>>> m_type_cache;
  SchedulingInputs m_inputs{m_shared};
  UnavailableOfferings m_unavailable{m_shared};
  Provisioner m_provisioner{m_shared, m_inputs};
  DisruptionController m_disruption;
  std::optional<SimTime> m_drift_check;
};

}  // namespace capsim::policy::karpenter
