#include "capsim/cloud/simulated_cloud.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/labels.hpp"

namespace capsim::cloud {

namespace {
constexpr double k_month_ms = 30.0 * 24 * 3'600'000;
}

SimulatedCloud::SimulatedCloud(std::shared_ptr<const catalog::Catalog> cat, std::string region, FailureModel failures,
                               std::uint64_t seed)
    : m_catalog(std::move(cat)),
      m_region(std::move(region)),
      m_failures(std::move(failures)),
      m_seed(seed),
      m_ice_rng(seed, "ice") {}

std::vector<FleetOverride> SimulatedCloud::try_order(const FleetRequest& req) const {
  if (req.strategy == AllocationStrategy::prioritized) return req.overrides;  // the requester's order
  std::vector<std::pair<double, const FleetOverride*>> scored;
  scored.reserve(req.overrides.size());
  for (const auto& o : req.overrides) {
    double score = static_cast<double>(o.price.nano_usd);
    if (req.strategy == AllocationStrategy::price_capacity_optimized && m_catalog) {
      if (auto adv = m_catalog->spot_advice(m_region, o.instance_type->name))
        score *= 1.0 + 0.05 * adv->interruption_band_index;
    }
    scored.emplace_back(score, &o);
  }
  // Total order: score, type name, zone (then request order, for identical duplicates).
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second->instance_type->name, a.second->zone) <
           std::tie(b.first, b.second->instance_type->name, b.second->zone);
  });
  std::vector<FleetOverride> out;
  out.reserve(scored.size());
  for (const auto& [score, o] : scored) out.push_back(*o);
  return out;
}

bool SimulatedCloud::has_capacity(std::string_view capacity_type, const FleetOverride& o, SimTime now) {
  double available = 1.0;  // probability that every active probabilistic rule lets it through
  bool probabilistic = false;
  for (const auto& r : m_failures.insufficient_capacity) {
    if (!r.active(now) || !r.matches(capacity_type, o.instance_type->name, o.zone)) continue;
    if (!r.probability) return false;
    probabilistic = true;
    available *= 1.0 - std::clamp(*r.probability, 0.0, 1.0);
  }
  if (!probabilistic) return true;
  return !m_ice_rng.bernoulli(1.0 - available);
}

FleetResult SimulatedCloud::create_fleet(const FleetRequest& req, SimTime now) {
  FleetResult r;
  // One decision per (call, pool): a pool listed twice is not drawn twice.
  struct Tried {
    std::string_view instance_type;
    std::string_view zone;
    bool ok;
  };
  std::vector<Tried> tried;
  const std::vector<FleetOverride> order = try_order(req);
  for (const auto& o : order) {
    auto seen = std::find_if(tried.begin(), tried.end(), [&](const Tried& t) {
      return t.instance_type == o.instance_type->name && t.zone == o.zone;
    });
    if (seen != tried.end() && !seen->ok) continue;  // already reported insufficient
    const bool ok = seen != tried.end() || has_capacity(req.capacity_type, o, now);
    if (seen == tried.end()) tried.push_back(Tried{o.instance_type->name, o.zone, ok});
    if (ok) {
      r.chosen = o;
      return r;
    }
    r.insufficient.push_back(o);
  }
  r.error = std::string(k_insufficient_capacity_error);
  return r;
}

std::optional<Duration> SimulatedCloud::sample_time_to_interruption(std::string_view node_name,
                                                                    std::string_view instance_type) const {
  if (!m_failures.sampled_spot_interruptions || !m_catalog) return std::nullopt;
  auto adv = m_catalog->spot_advice(m_region, instance_type);
  if (!adv) return std::nullopt;
  const double mean_ms = k_month_ms / interruption_band_monthly_frequency(adv->interruption_band_index);
  Rng rng(m_seed, "spot-interruption/" + std::string(node_name));
  return Duration{static_cast<std::int64_t>(std::llround(rng.exponential(mean_ms)))};
}

std::vector<cluster::NodeId> SimulatedCloud::spot_interruption_targets(const ScheduledSpotInterruption& e,
                                                                       const cluster::ClusterState& state,
                                                                       const std::set<cluster::NodeId>& exclude) const {
  std::vector<const cluster::Node*> matching;
  for (auto id : state.nodes()) {
    const cluster::Node& n = state.node(id);
    if (n.state != cluster::NodeState::launched && n.state != cluster::NodeState::registered &&
        n.state != cluster::NodeState::ready)
      continue;
    if (n.capacity_type != label::k_spot || exclude.count(id)) continue;
    if (!e.instance_type.empty() && n.instance_type != e.instance_type) continue;
    if (!e.zone.empty() && n.zone != e.zone) continue;
    matching.push_back(&n);
  }
  std::sort(matching.begin(), matching.end(), [](const cluster::Node* a, const cluster::Node* b) {
    return std::tie(a->launched_at, a->name) < std::tie(b->launched_at, b->name);
  });
  std::vector<cluster::NodeId> out;
  for (const auto* n : matching) {
    if (static_cast<int>(out.size()) >= e.count) break;
    out.push_back(n->id);
  }
  return out;
}

}  // namespace capsim::cloud
