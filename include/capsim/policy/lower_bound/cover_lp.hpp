// The fractional covering LP behind the lower bound: the cheapest non-negative mix of instance
// types whose allocatable CPU, memory and pods cover an aggregate demand,
//   minimise sum_i price_i x_i  s.t.  sum_i alloc_r,i x_i >= demand_r (r = cpu, memory, pods), x >= 0,
// solved exactly (up to double rounding) by a dual simplex on the 3-row primal: the all-surplus
// basis is dual feasible because prices are non-negative, so no phase 1 is needed. Bland's rule
// (smallest index) picks the leaving row and breaks ratio ties, so the solve terminates and is
// deterministic; an optimal basic solution uses at most three instance types.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace capsim::policy::lower_bound {

// One LP column: an instance type (under one NodeClass, at one price). Units: USD per hour,
// CPU cores, memory GiB, pods.
struct CoverColumn {
  double price_usd_per_hour{0};
  double cpu_cores{0};
  double memory_gib{0};
  double pods{0};
};

// Aggregate requests, exact.
struct CoverDemand {
  std::int64_t cpu_millis{0};
  std::int64_t memory_bytes{0};
  std::int64_t pods{0};
  auto operator<=>(const CoverDemand&) const = default;
  bool zero() const { return cpu_millis <= 0 && memory_bytes <= 0 && pods <= 0; }
};

struct CoverSolution {
  // False when some demanded resource is offered by no column (the LP has no solution).
  bool feasible{true};
  double cost_usd_per_hour{0};
  double instances{0};  // sum of x: fractional instances
  std::vector<std::pair<std::size_t, double>> mix;  // (column index, x > 0), ascending index
};

CoverSolution solve_cover_lp(const std::vector<CoverColumn>& columns, const CoverDemand& demand);

// Indices of the columns no other column dominates (another column at most as expensive with at
// least as much of every resource; of identical columns the first is kept), ascending. Removing
// dominated columns never changes the LP's optimum.
std::vector<std::size_t> undominated_columns(const std::vector<CoverColumn>& columns);

}  // namespace capsim::policy::lower_bound
