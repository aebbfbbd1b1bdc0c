// ResourceList: requests, capacity, allocatable and limits as exact milli-unit amounts. The
// resources Kubernetes nodes on AWS expose get fixed slots (cheap to add and compare on the
// scheduling hot path); any other extended resource goes to a small sorted side list.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsim/core/quantity.hpp"

namespace capsim {

enum class Resource : std::uint8_t {
  cpu,
  memory,
  pods,
  ephemeral_storage,
  nvidia_gpu,
  amd_gpu,
  neuron,
  neuroncore,
  efa,
  gaudi,
  pod_eni,
  nodes,  // pseudo-resource for NodePool limits (every node has capacity nodes: 1)
  count_
};

inline constexpr std::size_t k_fixed_resources = static_cast<std::size_t>(Resource::count_);

// Kubernetes name of a fixed resource ("cpu", "nvidia.com/gpu", ...).
std::string_view resource_name(Resource r);

// The secondary IPv4 addresses of a Windows node (EKS VPC resource controller): Windows nodes
// advertise it, Windows pods request one each.
inline constexpr std::string_view k_private_ipv4_address = "vpc.amazonaws.com/PrivateIPv4Address";

class ResourceList {
 public:
  ResourceList() = default;

  Quantity get(Resource r) const { return Quantity{m_fixed[idx(r)]}; }
  void set(Resource r, Quantity q) { m_fixed[idx(r)] = q.milli; }
  void add(Resource r, Quantity q) { m_fixed[idx(r)] += q.milli; }
  // By Kubernetes name; unknown names use the extended side list.
  Quantity get(std::string_view name) const;
  void set(std::string_view name, Quantity q);

  std::int64_t cpu_millis() const { return m_fixed[idx(Resource::cpu)]; }
  std::int64_t memory_bytes() const { return m_fixed[idx(Resource::memory)] / 1000; }
  std::int64_t pods() const { return m_fixed[idx(Resource::pods)] / 1000; }

  ResourceList& operator+=(const ResourceList& o);
  ResourceList& operator-=(const ResourceList& o);
  ResourceList operator+(const ResourceList& o) const {
    ResourceList r = *this;
    r += o;
    return r;
  }
  ResourceList operator-(const ResourceList& o) const {
    ResourceList r = *this;
    r -= o;
    return r;
  }
  bool operator==(const ResourceList& o) const = default;

  // Per-resource maximum / floor at zero.
  void max_with(const ResourceList& o);
  void clamp_non_negative();
  bool any_negative() const;
  bool is_zero() const;

  // Karpenter resources.Fits (pkg/utils/resources/resources.go): false if any available amount
  // is negative; otherwise every requested amount must be <= the available one (missing = 0).
  bool fits_in(const ResourceList& available) const;
  // fits_in(total - used), without building the difference.
  bool fits_in(const ResourceList& total, const ResourceList& used) const;
  // The name of the first resource that does not fit, or empty.
  std::string first_exceeding(const ResourceList& available) const;

  // Calls f(name, quantity) for every non-zero entry, sorted by name.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [name, q] : sorted_entries()) f(name, q);
  }
  std::vector<std::pair<std::string, Quantity>> sorted_entries() const;

 private:
  static constexpr std::size_t idx(Resource r) { return static_cast<std::size_t>(r); }
  std::array<std::int64_t, k_fixed_resources> m_fixed{};
  std::vector<std::pair<std::string, std::int64_t>> m_extended;  // sorted by name
};

// Resources counted in bytes (memory, ephemeral-storage): printed with binary suffixes.
bool is_memory_like(std::string_view name);

// "cpu=500m memory=512Mi pods=1" for logs and messages.
std::string to_string(const ResourceList& r);

}  // namespace capsim
