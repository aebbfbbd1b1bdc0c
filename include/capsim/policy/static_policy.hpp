// A static cluster: never launches or removes nodes.
#pragma once

#include "capsim/policy/autoscaler.hpp"

namespace capsim::policy {

class StaticPolicy final : public Autoscaler {
 public:
  std::string_view name() const override { return "static"; }
  void on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) override;
  std::optional<SimTime> next_wakeup() const override;
  Actions reconcile(const View& view) override;
};

}  // namespace capsim::policy
