// SimulatedCloud: fulfils launch requests the way EC2 CreateFleet (instant, target 1) would, with
// a documented deterministic choice among equal offers, and bills instances per second.
#pragma once

#include <memory>
#include <string>

#include "capsim/catalog/catalog.hpp"
#include "capsim/cloud/fleet.hpp"

namespace capsim::cloud {

class SimulatedCloud {
 public:
  SimulatedCloud(std::shared_ptr<const catalog::Catalog> cat, std::string region);

  // lowest-price: the cheapest override; ties by instance type name, then zone.
  // price-capacity-optimized (spot): EC2 picks among the lowest-priced pools the one with the most
  // spare capacity; capsim approximates spare capacity by the spot advisor's interruption band:
  // score = price x (1 + 0.05 x band index), lowest wins; ties by type name, then zone.
  FleetResult create_fleet(const FleetRequest& req) const;

 private:
  std::shared_ptr<const catalog::Catalog> m_catalog;
  std::string m_region;
};

}  // namespace capsim::cloud
