#include "capsim/cloud/simulated_cloud.hpp"

#include "capsim/catalog/instance_type.hpp"

namespace capsim::cloud {

SimulatedCloud::SimulatedCloud(std::shared_ptr<const catalog::Catalog> cat, std::string region)
    : m_catalog(std::move(cat)), m_region(std::move(region)) {}

FleetResult SimulatedCloud::create_fleet(const FleetRequest& req) const {
  FleetResult r;
  const FleetOverride* best = nullptr;
  double best_score = 0;
  for (const auto& o : req.overrides) {
    double score = static_cast<double>(o.price.nano_usd);
    if (req.strategy == AllocationStrategy::price_capacity_optimized && m_catalog) {
      if (auto adv = m_catalog->spot_advice(m_region, o.instance_type->name))
        score *= 1.0 + 0.05 * adv->interruption_band_index;
    }
    bool better = !best || score < best_score ||
                  (score == best_score && (o.instance_type->name < best->instance_type->name ||
                                           (o.instance_type->name == best->instance_type->name && o.zone < best->zone)));
    if (better) {
      best = &o;
      best_score = score;
    }
  }
  if (!best) {
    r.error = "InsufficientInstanceCapacity: all requested instance types were unavailable";
    return r;
  }
  r.chosen = *best;
  return r;
}

}  // namespace capsim::cloud
