// Failure injection the SimulatedCloud applies: insufficient capacity per pool (capacity type x
// instance type x zone) during a window or with a probability, and spot interruptions (scheduled
// ones and ones sampled from the Spot Advisor's interruption band). The scenario's spec.failures
// section is converted into these types by sim (cloud does not depend on spec).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/time.hpp"

namespace capsim::cloud {

// Pools that return InsufficientInstanceCapacity. An empty filter means "any".
struct InsufficientCapacityRule {
  std::string capacity_type;                // on-demand | spot | "" (any)
  std::vector<std::string> instance_types;  // empty: any
  std::vector<std::string> zones;           // empty: any
  SimTime from{};                           // inclusive
  std::optional<SimTime> until;             // exclusive; nullopt: until the end
  // nullopt: every attempt on a matching pool in the window fails; else each attempt fails with
  // this probability (a draw from the RNG stream "ice").
  std::optional<double> probability;

  bool matches(std::string_view pool_capacity_type, std::string_view pool_instance_type,
               std::string_view pool_zone) const;
  bool active(SimTime now) const { return now >= from && (!until || now < *until); }
};

// At `at`, the `count` oldest running spot instances matching the filters get the 2-minute
// interruption notice (oldest by launch time, ties by node name).
struct ScheduledSpotInterruption {
  SimTime at;
  std::string instance_type;  // "" = any
  std::string zone;           // "" = any
  int count{1};
};

struct FailureModel {
  std::vector<InsufficientCapacityRule> insufficient_capacity;
  std::vector<ScheduledSpotInterruption> spot_interruptions;
  // Every spot instance draws the time to its interruption notice (see SimulatedCloud).
  bool sampled_spot_interruptions{false};
};

// EC2 gives a spot instance a two-minute warning before it is reclaimed.
inline constexpr Duration k_spot_interruption_notice = Duration::minutes(2);

// The monthly interruption frequency capsim uses for a Spot Advisor band: the band's midpoint,
// "<5%" -> 2.5 %, "5-10%" -> 7.5 %, "10-15%" -> 12.5 %, "15-20%" -> 17.5 %, ">20%" -> 25 %
// (index 0..4; out-of-range indexes are clamped).
double interruption_band_monthly_frequency(int band_index);

}  // namespace capsim::cloud
