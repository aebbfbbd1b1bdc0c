#include "capsim/policy/node_class.hpp"

#include <algorithm>

namespace capsim::policy {

catalog::KubeletConfig kubelet_config(const spec::KubeletSpec& k) {
  catalog::KubeletConfig c;
  c.max_pods = k.max_pods;
  c.pods_per_core = k.pods_per_core;
  c.kube_reserved = k.kube_reserved;
  c.system_reserved = k.system_reserved;
  c.eviction_hard = k.eviction_hard;
  return c;
}

catalog::NodeClassParams node_pool_params(const spec::NodePool& pool, const spec::NodeClass* nc,
                                          double vm_memory_overhead_percent) {
  catalog::NodeClassParams params;
  if (nc) {
    if (auto f = catalog::parse_ami_family(nc->ami_family)) params.ami_family = *f;
    params.root_volume_size = nc->root_volume_size;
    params.instance_store_raid0 = nc->instance_store_raid0;
    if (nc->kubelet) params.kubelet = kubelet_config(*nc->kubelet);
  }
  if (pool.kubelet) params.kubelet = kubelet_config(*pool.kubelet);
  params.vm_memory_overhead_percent = vm_memory_overhead_percent;
  return params;
}

catalog::NodeClassParams node_group_params(const spec::NodeGroup& g) {
  catalog::NodeClassParams params;
  if (auto f = catalog::parse_ami_family(g.ami_family)) params.ami_family = *f;
  if (g.kubelet) params.kubelet = kubelet_config(*g.kubelet);
  return params;
}

std::vector<std::string> node_class_zones(const spec::NodeClass* nc, std::vector<std::string> zones) {
  if (nc && !nc->subnet_zones.empty())
    std::erase_if(zones, [&](const std::string& z) {
      return std::find(nc->subnet_zones.begin(), nc->subnet_zones.end(), z) == nc->subnet_zones.end();
    });
  return zones;
}

}  // namespace capsim::policy
