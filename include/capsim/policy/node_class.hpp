// From scenario objects to the catalog's NodeClass parameters: kubelet settings, the parameters
// of a NodePool with its NodeClass (aws: the EC2NodeClass, overridden by a v1alpha5/v1beta1
// NodePool kubelet), of a node group, and the zones a NodeClass's subnets allow. Shared by the
// Karpenter policy, the Cluster Autoscaler, the lower bound and the sim's node groups.
#pragma once

#include <string>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::policy {

catalog::KubeletConfig kubelet_config(const spec::KubeletSpec& k);
catalog::NodeClassParams node_pool_params(const spec::NodePool& pool, const spec::NodeClass* node_class,
                                          double vm_memory_overhead_percent);
catalog::NodeClassParams node_group_params(const spec::NodeGroup& group);
// `zones` restricted to the NodeClass's subnet zones (all of them when it names none).
std::vector<std::string> node_class_zones(const spec::NodeClass* node_class, std::vector<std::string> zones);

}  // namespace capsim::policy
