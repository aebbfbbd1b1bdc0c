// The launch request an autoscaler hands to the cloud (an EC2 CreateFleet call of type instant
// with target capacity 1, or an ASG scale-out) and what comes back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capsim/core/money.hpp"

namespace capsim::catalog {
struct InstanceType;
}

namespace capsim::cloud {

// prioritized: the overrides are tried in request order (an Auto Scaling group's "prioritized"
// On-Demand allocation, and the order in which it walks its Availability Zones).
enum class AllocationStrategy : std::uint8_t { lowest_price, price_capacity_optimized, prioritized };

struct FleetOverride {
  const catalog::InstanceType* instance_type{nullptr};
  std::string zone;
  Money price;
};

struct FleetRequest {
  std::string capacity_type;  // on-demand | spot
  AllocationStrategy strategy{AllocationStrategy::lowest_price};
  std::vector<FleetOverride> overrides;
};

struct FleetResult {
  std::optional<FleetOverride> chosen;
  // Pools (capacity type of the request x override) that returned InsufficientInstanceCapacity in
  // this call, whether or not another override was launched.
  std::vector<FleetOverride> insufficient;
  std::string error;  // e.g. "InsufficientInstanceCapacity: all requested instance types were unavailable"
};

}  // namespace capsim::cloud
