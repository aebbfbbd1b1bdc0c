// The `lower-bound` pseudo-autoscaler: the cost of a clairvoyant autoscaler that at every instant
// runs the cheapest fractional mix of the allowed instance types covering the workload's
// aggregate CPU, memory and pod requests (cover_lp.hpp). As a policy it never acts: the sim runs
// it in a demand-only world (every workload pod binds at creation to one unbilled virtual node),
// records the demand D(t) and prices it with solve(); the bound is the integral of LP(D(t)) dt.
//
// Allowed instance types (columns) and their allocatable and price:
// - Karpenter NodePools: every type compatible with a NodePool's requirements (its template
//   labels included; the loader has already applied the v1alpha5 webhook defaults) that has an
//   available offering compatible with them, with the allocatable of the NodePool's NodeClass
//   (AMI family, kubelet, root volume, vmMemoryOverheadPercent) in the NodeClass's zones;
// - node groups (pre-existing and Cluster Autoscaler ones): the group's type and its
//   mixed-instances overrides, with the allocatable of the group's AMI family and kubelet;
// - when the scenario has neither NodePools nor autoscaled node groups: every type with an
//   on-demand price in the region (AL2023 defaults, on-demand), plus the node groups' types.
// Price of a column: its cheapest offering that the NodePool / node group may launch (allowed
// zones and capacity types). That is the on-demand price when only on-demand is allowed, and the
// cheapest zone's spot price when spot is allowed (spot is below on-demand in the catalog): an
// autoscaler allowed spot pays spot, so pricing it on-demand would not bound it from below.
// Limits, capacity failures, pod scheduling constraints and DaemonSet overhead are ignored
// (each only raises what a real autoscaler pays).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/money.hpp"
#include "capsim/core/resources.hpp"
#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/lower_bound/cover_lp.hpp"
#include "capsim/policy/registry.hpp"

namespace capsim::policy::lower_bound {

inline constexpr std::string_view k_name = "lower-bound";

struct Column {
  std::string instance_type;
  std::string source;         // "nodepool/<name>", "nodegroup/<name>" or "region"
  std::string capacity_type;  // of the cheapest allowed offering
  std::string zone;           // of the cheapest allowed offering
  Money price;                // USD per hour
  ResourceList allocatable;
};

// The allowed columns, in order: NodePools (scenario order), then node groups; types by name
// within each. A column identical to an earlier one (type, price, allocatable) is dropped.
std::vector<Column> allowed_columns(const PolicyContext& ctx);

class LowerBound final : public Autoscaler {
 public:
  explicit LowerBound(const PolicyContext& ctx);

  std::string_view name() const override { return k_name; }
  void on_pods_unschedulable(const std::vector<cluster::PodId>&, SimTime) override {}
  std::optional<SimTime> next_wakeup() const override { return std::nullopt; }
  Actions reconcile(const View&) override { return {}; }

  const std::vector<Column>& columns() const { return m_columns; }
  // Columns left after removing dominated ones (the LP's columns), as indices into columns().
  const std::vector<std::size_t>& lp_columns() const { return m_lp_columns; }
  // The cheapest fractional mix covering `demand`, memoised per distinct demand; mix indices
  // refer to columns().
  const CoverSolution& solve(const CoverDemand& demand);
  std::size_t distinct_demands() const { return m_memo.size(); }

 private:
  std::vector<Column> m_columns;
  std::vector<std::size_t> m_lp_columns;
  std::vector<CoverColumn> m_lp;
  std::map<CoverDemand, CoverSolution> m_memo;
};

}  // namespace capsim::policy::lower_bound
