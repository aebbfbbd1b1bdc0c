// What the scheduler sees of an instance type for one NodeClass in one region (Karpenter's
// cloudprovider.InstanceType): requirements (its labels with every possible value), capacity,
// overhead, allocatable, and offerings (zone x capacity type x price x available). Capacity and
// overhead follow Karpenter's AWS formulas (aws:pkg/providers/instancetype/types.go).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/quantity.hpp"
#include "capsim/core/requirements.hpp"
#include "capsim/core/resources.hpp"

namespace capsim::catalog {

enum class AmiFamily : std::uint8_t { al2, al2023, bottlerocket, windows2019, windows2022, windows2025, custom };

std::optional<AmiFamily> parse_ami_family(std::string_view s);  // "AL2", "AL2023", "Bottlerocket", ...
std::string_view ami_family_name(AmiFamily f);

// Karpenter kubelet configuration (v1alpha5 Provisioner.spec.kubeletConfiguration,
// v1 EC2NodeClass.spec.kubelet).
struct KubeletConfig {
  std::optional<int> max_pods;
  std::optional<int> pods_per_core;
  std::map<std::string, Quantity> kube_reserved;    // cpu, memory, ephemeral-storage
  std::map<std::string, Quantity> system_reserved;  // cpu, memory, ephemeral-storage
  std::map<std::string, std::string> eviction_hard;  // memory.available, nodefs.available: "100Mi" or "10%"
};

struct NodeClassParams {
  AmiFamily ami_family{AmiFamily::al2023};
  KubeletConfig kubelet;
  std::optional<Quantity> root_volume_size;  // the family's ephemeral block device, if mapped
  // EC2NodeClass instanceStorePolicy: RAID0 (ephemeral storage on the instance store).
  bool instance_store_raid0{false};
  double vm_memory_overhead_percent{0.075};  // --vm-memory-overhead-percent
  int reserved_enis{0};                      // --reserved-enis
};

// The three parts of an instance type's overhead (types.go kubeReservedResources,
// systemReservedResources, evictionThreshold); their sum is the overhead.
struct OverheadParts {
  ResourceList kube_reserved;
  ResourceList system_reserved;
  ResourceList eviction_threshold;
  ResourceList total() const { return kube_reserved + system_reserved + eviction_threshold; }
};

// Karpenter AWS formulas, reference karpenter.md sections 3.2-3.3.
ResourceList compute_capacity(const InstanceTypeInfo& it, const NodeClassParams& nc);
OverheadParts compute_overhead_parts(const InstanceTypeInfo& it, const NodeClassParams& nc, const ResourceList& capacity);
ResourceList compute_overhead(const InstanceTypeInfo& it, const NodeClassParams& nc, const ResourceList& capacity);
int eni_limited_pods(const InstanceTypeInfo& it, int reserved_enis);

struct Offering {
  std::string zone;
  std::string capacity_type;  // "on-demand" | "spot"
  Money price;
  bool available{true};
};

struct InstanceType {
  std::string name;
  const InstanceTypeInfo* info{nullptr};  // null for synthetic (test) types
  Requirements requirements;
  ResourceList capacity;
  ResourceList overhead;
  OverheadParts overhead_parts;  // how `overhead` splits (all of it kube-reserved for a synthetic type)
  ResourceList allocatable;  // capacity - overhead, floored at 0
  std::vector<Offering> offerings;  // sorted by (capacity type, zone)
};

// All instance types of the catalog that have an on-demand price in `region`, with offerings in
// every zone of `zones` for on-demand and (where a spot price exists) spot. Sorted by name.
// `only` non-empty: just the types of these names (the same values, without building the rest).
std::vector<InstanceType> build_instance_types(const Catalog& cat, std::string_view region,
                                               const std::vector<std::string>& zones, const NodeClassParams& nc,
                                               const std::set<std::string>& only = {});

}  // namespace capsim::catalog
