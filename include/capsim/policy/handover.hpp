// A migration between autoscalers (timeline `handover`): until `at` the `before` policy decides;
// at `at` its controller is stopped (an Auto Scaling group keeps its desired capacity, as the
// cloud does without CA) and the `after` policy takes over, starting from the pods that are
// unschedulable at that moment. Node-group scaling goes to whichever policy owns the group.
#pragma once

#include <memory>

#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/controller_time.hpp"

namespace capsim::policy {

class Handover final : public Autoscaler {
 public:
  Handover(std::unique_ptr<Autoscaler> before, std::unique_ptr<Autoscaler> after, SimTime at);

  std::string_view name() const override { return m_before->name(); }
  void on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) override;
  std::optional<SimTime> next_wakeup() const override;
  Actions reconcile(const View& view) override;
  void on_launch_result(const LaunchNode& request, const std::vector<cloud::FleetOverride>& insufficient, bool launched,
                        SimTime now) override;
  Actions on_spot_interruption(cluster::NodeId node, const View& view) override;
  void on_node_pools_updated(const std::vector<spec::NodePool>& pools, const std::vector<spec::NodeClass>& classes,
                             SimTime now) override;
  bool on_node_group_scaled(const std::string& group, int desired, SimTime now) override;
  // Both controllers' passes, the first's then the second's (each records only its own).
  const ControllerStats* controller_stats() const override;

 private:
  std::unique_ptr<Autoscaler> m_before;
  std::unique_ptr<Autoscaler> m_after;
  SimTime m_at;
  bool m_switched{false};
  mutable ControllerStats m_stats;
};

}  // namespace capsim::policy
