// The AWS provider's launch choice and unavailable-offerings cache (aws.hpp).
#include "capsim/policy/karpenter/aws.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace capsim::policy::karpenter {
namespace {

bool is_exotic(const catalog::InstanceType& it) {
  // aws:pkg/providers/instance/filter/filter.go ExoticInstanceTypeFilter: metal sizes and types
  // with GPU / Neuron / Gaudi capacity.
  if (it.name.find("metal") != std::string::npos) return true;
  for (Resource r : {Resource::nvidia_gpu, Resource::amd_gpu, Resource::neuron, Resource::gaudi})
    if (it.capacity.get(r).milli > 0) return true;
  return false;
}

}  // namespace

cloud::FleetRequest fleet_request(const scheduling::NewNodeClaim& nc) {
  // aws:pkg/providers/instance/instance.go Create + filter/filter.go.
  const Requirements& reqs = nc.requirements;
  std::vector<const catalog::InstanceType*> types;
  for (const auto* it : nc.instance_types)
    if (nc.requests.fits_in(it->allocatable) && scheduling::cheapest_offering_price(*it, reqs)) types.push_back(it);
  const bool min_values = reqs.has_min_values();
  if (!min_values) {
    std::vector<const catalog::InstanceType*> plain;
    for (const auto* it : types)
      if (!is_exotic(*it)) plain.push_back(it);
    if (!plain.empty()) types = std::move(plain);
  }
  const Requirement* ct = reqs.get(label::k_capacity_type);
  auto allows = [&](std::string_view c) { return !ct || ct->has(c); };
  // Spot offerings priced above the cheapest on-demand offering are dropped when both are allowed.
  std::optional<Money> cheapest_od;
  bool any_spot = false;
  for (const auto* it : types)
    for (const auto& o : it->offerings) {
      if (!o.available || !scheduling::offering_compatible(o, reqs)) continue;
      if (o.capacity_type == label::k_on_demand && (!cheapest_od || o.price < *cheapest_od)) cheapest_od = o.price;
      if (o.capacity_type == label::k_spot) any_spot = true;
    }
  const bool drop_pricey_spot = !min_values && allows(label::k_spot) && allows(label::k_on_demand) && cheapest_od && any_spot;
  auto usable = [&](const catalog::Offering& o) {
    if (!o.available || !scheduling::offering_compatible(o, reqs)) return false;
    if (drop_pricey_spot && o.capacity_type == label::k_spot && o.price > *cheapest_od) return false;
    return true;
  };
  // Truncate to the 60 cheapest (price of the cheapest usable offering; ties by name).
  std::vector<std::pair<Money, const catalog::InstanceType*>> priced;
  for (const auto* it : types) {
    std::optional<Money> best;
    for (const auto& o : it->offerings)
      if (usable(o) && (!best || o.price < *best)) best = o.price;
    if (best) priced.emplace_back(*best, it);
  }
  std::sort(priced.begin(), priced.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->name < b.second->name;
  });
  if (priced.size() > k_aws_max_instance_types) priced.resize(k_aws_max_instance_types);
  // getCapacityType: spot when allowed and any remaining type has a usable spot offering.
  cloud::FleetRequest req;
  req.capacity_type = std::string(label::k_on_demand);
  if (allows(label::k_spot))
    for (const auto& [p, it] : priced)
      for (const auto& o : it->offerings)
        if (o.capacity_type == label::k_spot && usable(o)) req.capacity_type = std::string(label::k_spot);
  req.strategy = req.capacity_type == label::k_spot ? cloud::AllocationStrategy::price_capacity_optimized
                                                    : cloud::AllocationStrategy::lowest_price;
  for (const auto& [p, it] : priced)
    for (const auto& o : it->offerings)
      if (o.capacity_type == req.capacity_type && usable(o)) req.overrides.push_back({it, o.zone, o.price});
  return req;
}


namespace {
// "us-east-1" of "us-east-1a" (an EC2 zone is its region and a letter); the zone itself otherwise.
std::string region_of(const std::string& zone) {
  if (zone.size() > 1 && std::islower(static_cast<unsigned char>(zone.back())) &&
      std::isdigit(static_cast<unsigned char>(zone[zone.size() - 2])))
    return zone.substr(0, zone.size() - 1);
  return zone;
}
}  // namespace

std::string on_demand_reason(const scheduling::NewNodeClaim& nc, const cloud::FleetRequest& fleet) {
  // aws getCapacityType picks spot when the requirements allow it and any instance type left has
  // a spot offering; say which of those failed when the launch is on-demand anyway.
  const Requirement* ct = nc.requirements.get(label::k_capacity_type);
  if (fleet.capacity_type != label::k_on_demand || (ct && !ct->has(label::k_spot))) return {};
  std::vector<std::string> families;  // of the options without any spot price
  std::string region;
  bool any_spot = false, compatible = false, unavailable = false;
  for (const auto* it : nc.instance_types) {
    bool has_spot = false;
    for (const auto& o : it->offerings) {
      if (region.empty()) region = region_of(o.zone);
      if (o.capacity_type != label::k_spot) continue;
      has_spot = true;
      if (!scheduling::offering_compatible(o, nc.requirements)) continue;
      compatible = true;
      unavailable = unavailable || !o.available;
    }
    any_spot = any_spot || has_spot;
    const std::string family = it->name.substr(0, it->name.find('.'));
    if (!has_spot && std::find(families.begin(), families.end(), family) == families.end()) families.push_back(family);
  }
  if (!any_spot) {
    std::string list;
    for (std::size_t i = 0; i < families.size() && i < 3; ++i) list += (i ? ", " : "") + families[i];
    if (families.size() > 3) list += " and " + std::to_string(families.size() - 3) + " more";
    return "no spot offering: no spot price for " + list + (region.empty() ? "" : " in " + region);
  }
  if (!compatible) return "no spot offering in the zones the requirements allow";
  if (unavailable) return "the compatible spot offerings are unavailable (insufficient capacity, marked for 3m)";
  return "every compatible spot offering is priced above the cheapest on-demand one";
}

void UnavailableOfferings::set_available(const std::string& capacity_type, const std::string& type, const std::string& zone,
                              bool available) {
  std::set<const void*> done;
  for (auto& p : m_shared.pools) {
    if (!done.insert(p.instance_types.get()).second) continue;
    auto it = std::lower_bound(p.instance_types->begin(), p.instance_types->end(), type,
                               [](const catalog::InstanceType& a, const std::string& n) { return a.name < n; });
    if (it == p.instance_types->end() || it->name != type) continue;
    for (auto& o : it->offerings)
      if (o.capacity_type == capacity_type && o.zone == zone) o.available = available;
  }
  ++m_shared.state_version;
}

void UnavailableOfferings::mark(const std::string& capacity_type, const std::string& type, const std::string& zone,
                                 SimTime now) {
  m_until[{capacity_type, type, zone}] = now + k_unavailable_offering_ttl;
  set_available(capacity_type, type, zone, false);
}

void UnavailableOfferings::refresh(SimTime now) {
  for (auto it = m_until.begin(); it != m_until.end();) {
    if (now < it->second) {
      ++it;
      continue;
    }
    set_available(std::get<0>(it->first), std::get<1>(it->first), std::get<2>(it->first), true);
    it = m_until.erase(it);
  }
}
}  // namespace capsim::policy::karpenter
