// Autoscaler names -> factories. Names are the ones results carry: karpenter, static, ...
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/policy/autoscaler.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy {

struct PolicyContext {
  const spec::Scenario& scenario;
  std::shared_ptr<const catalog::Catalog> catalog;
  std::vector<std::string> zones;  // resolved scenario zones
  // The instance types of a built-in fake catalog (Scenario spec.instanceCatalog), already
  // restricted to `zones`; null for the EC2 catalog (policies build types from `catalog`).
  std::shared_ptr<const std::vector<catalog::InstanceType>> fake_instance_types;
  // --exact: every performance shortcut off (SimOptions::exact).
  bool exact{false};
};

// Names this build can run.
std::vector<std::string> available_autoscalers();
// Throws InputError (at the scenario's autoscalers entry) for a name this build cannot run.
std::unique_ptr<Autoscaler> make_autoscaler(const std::string& name, const PolicyContext& ctx);

}  // namespace capsim::policy
