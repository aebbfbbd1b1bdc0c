// SimulatedCloud: fulfils launch requests the way EC2 CreateFleet (instant, target 1) would, with
// a documented deterministic choice among equal offers and injected insufficient capacity, and
// decides which spot instances get interruption notices and when (FailureModel).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/cloud/failures.hpp"
#include "capsim/cloud/fleet.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/core/time.hpp"

namespace capsim::cloud {

inline constexpr std::string_view k_insufficient_capacity_error =
    "InsufficientInstanceCapacity: all requested instance types were unavailable";

class SimulatedCloud {
 public:
  // `seed` is the scenario seed; the RNG streams are "ice" (probabilistic insufficient
  // capacity) and "spot-interruption/<node name>" (sampled interruptions).
  SimulatedCloud(std::shared_ptr<const catalog::Catalog> cat, std::string region, FailureModel failures = {},
                 std::uint64_t seed = 1);

  // One CreateFleet call at `now`. The overrides are tried one at a time in the strategy's order:
  // - lowest-price (on-demand): price, then instance type name, then zone;
  // - price-capacity-optimized (spot): EC2 picks among the lowest-priced pools the one with the
  //   most spare capacity; capsim approximates spare capacity by the Spot Advisor's interruption
  //   band: score = price x (1 + 0.05 x band index), lowest first; ties by type name, then zone;
  // - prioritized (an Auto Scaling group): the overrides in request order.
  // A pool (request capacity type x override type x zone) has no capacity at `now` when an active
  // InsufficientCapacityRule without a probability matches it; otherwise, when active rules with
  // probabilities p1..pn match it, it has none with probability 1 - (1-p1)...(1-pn), decided by
  // one uniform draw from the stream "ice" per (call, pool) tried. Such an override is appended to
  // `insufficient` and the next one is tried; the first with capacity is `chosen` and the ones
  // after it are not tried (no draw). Nothing available, or no overrides: `chosen` is empty and
  // `error` is k_insufficient_capacity_error.
  FleetResult create_fleet(const FleetRequest& req, SimTime now);

  // The override order create_fleet tries (exposed for tests and logs).
  std::vector<FleetOverride> try_order(const FleetRequest& req) const;

  // Sampled spot interruptions (FailureModel::sampled_spot_interruptions): the time from a spot
  // instance's launch to its interruption notice is exponential with mean 30 days / f, f the
  // monthly frequency of its type's interruption band in the region
  // (interruption_band_monthly_frequency), drawn from the stream "spot-interruption/<node name>"
  // and rounded to the millisecond. nullopt when sampling is off or the type has no Spot Advisor
  // data (it is then never interrupted by sampling).
  std::optional<Duration> sample_time_to_interruption(std::string_view node_name,
                                                      std::string_view instance_type) const;

  // The nodes a scheduled interruption hits: running spot instances (launched, registered or
  // ready; not being deleted) matching its instance type and zone, not in `exclude` (already
  // noticed), oldest launch first, ties by node name; at most `count`.
  std::vector<cluster::NodeId> spot_interruption_targets(const ScheduledSpotInterruption& e,
                                                         const cluster::ClusterState& state,
                                                         const std::set<cluster::NodeId>& exclude) const;

  const FailureModel& failures() const { return m_failures; }

 private:
  bool has_capacity(std::string_view capacity_type, const FleetOverride& o, SimTime now);

  std::shared_ptr<const catalog::Catalog> m_catalog;
  std::string m_region;
  FailureModel m_failures;
  std::uint64_t m_seed;
  Rng m_ice_rng;
};

}  // namespace capsim::cloud
