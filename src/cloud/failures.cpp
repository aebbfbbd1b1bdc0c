#include "capsim/cloud/failures.hpp"

#include <algorithm>

namespace capsim::cloud {

bool InsufficientCapacityRule::matches(std::string_view pool_capacity_type, std::string_view pool_instance_type,
                                       std::string_view pool_zone) const {
  if (!capacity_type.empty() && capacity_type != pool_capacity_type) return false;
  if (!instance_types.empty() &&
      std::find(instance_types.begin(), instance_types.end(), pool_instance_type) == instance_types.end())
    return false;
  if (!zones.empty() && std::find(zones.begin(), zones.end(), pool_zone) == zones.end()) return false;
  return true;
}

double interruption_band_monthly_frequency(int band_index) {
  // Midpoints of the Spot Advisor bands "<5%", "5-10%", "10-15%", "15-20%", ">20%" (the open
  // ends taken as 0-5 % and 20-30 %).
  constexpr double k_midpoints[] = {0.025, 0.075, 0.125, 0.175, 0.25};
  return k_midpoints[std::clamp(band_index, 0, 4)];
}

}  // namespace capsim::cloud
