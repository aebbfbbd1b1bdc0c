// The AWS provider's side of a launch (aws pkg/providers/instance): which instance types and
// offerings a NodeClaim's CreateFleet request carries, and the unavailable-offerings cache
// (aws pkg/cache/unavailableofferings.go) that insufficient-capacity errors and spot
// interruptions fill.
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "capsim/cloud/fleet.hpp"
#include "capsim/policy/karpenter/model.hpp"
#include "capsim/scheduling/solver.hpp"

namespace capsim::policy::karpenter {

// aws instance.go Create + filter/filter.go: the NodeClaim's types that fit its requests and have
// a compatible offering (exotic types dropped unless minValues), spot offerings dearer than the
// cheapest on-demand one dropped, the 60 cheapest types, one capacity type, the allocation
// strategy and the overrides.
cloud::FleetRequest fleet_request(const scheduling::NewNodeClaim& nc);
// Why `fleet` (for `nc`) is on-demand though the NodePool's requirements allow spot: "no spot
// offering: no spot price for c8i in us-east-1", no spot offering in the allowed zones, or every
// compatible one unavailable / priced above on-demand; "" when it is spot or spot is not allowed.
std::string on_demand_reason(const scheduling::NewNodeClaim& nc, const cloud::FleetRequest& fleet);

class UnavailableOfferings {
 public:
  explicit UnavailableOfferings(Shared& shared) : m_shared(shared) {}
  // (capacity type, instance type, zone) has no capacity: unavailable in every NodePool's
  // instance types for 3 minutes.
  void mark(const std::string& capacity_type, const std::string& type, const std::string& zone, SimTime now);
  // Offerings whose 3 minutes are over are available again.
  void refresh(SimTime now);

 private:
  void set_available(const std::string& capacity_type, const std::string& type, const std::string& zone, bool available);
  Shared& m_shared;
  std::map<std::tuple<std::string, std::string, std::string>, SimTime> m_until;
};

}  // namespace capsim::policy::karpenter
