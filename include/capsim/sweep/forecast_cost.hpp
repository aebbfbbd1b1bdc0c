// Cost through the autoscalers (docs/forecast.md, "Cost through the autoscalers"): each demand
// path of a forecast becomes a workload - a Deployment of the cluster scenario scaled every hour to
// the path's demand divided by its pod's request - and is replayed through every autoscaler the
// scenario lists. Paths run on threads, each with its own seed derive_seed(seed, path), and land
// in their own slots, so any `jobs` gives the same result.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/forecast/backtest.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::sweep {

struct CostForecastOptions {
  std::size_t paths{100};              // the first N of the forecast's paths (all when fewer)
  int jobs{1};
  std::uint64_t seed{1};
  double scale{1.0};                   // demand multiplier before replay (simulate a fraction)
  std::string deployment{"demand"};    // the scenario's Deployment that carries the demand
  std::string series{"vcpu"};          // what the paths measure: vcpu | memory | pods
};

// Throws InputError when the scenario has no such Deployment or its pods request none of the
// series' resource. `cluster` should have no other workload driving cost.
std::vector<forecast::AutoscalerCost> cost_through_autoscalers(const spec::Scenario& cluster, const forecast::ForecastResult& fr,
                                                               const CostForecastOptions& opts,
                                                               const std::shared_ptr<const catalog::Catalog>& cat);

}  // namespace capsim::sweep
