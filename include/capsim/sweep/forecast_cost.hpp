// Cost through the autoscalers (docs/forecast.md, "Cost through the autoscalers"): each demand
// path of a forecast becomes a workload - a Deployment of the cluster scenario scaled every hour to
// the path's demand divided by its pod's request - and is replayed through every autoscaler the
// scenario lists, and through a what-if's edited cluster beside it. Paths run on threads, each
// with its own seed derive_seed(seed, path), and land in their own slots, so any `jobs` gives the
// same result.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/forecast/backtest.hpp"
#include "capsim/forecast/demand.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::sweep {

struct CostForecastOptions {
  std::size_t paths{100};              // the first N of the forecast's paths (all when fewer)
  int jobs{1};
  std::uint64_t seed{1};
  double scale{1.0};                   // demand multiplier before replay (simulate a fraction)
  std::string deployment{"demand"};    // the scenario's Deployment that carries the demand
  std::string series{"vcpu"};          // what the paths measure: vcpu | memory | pods
  // deployment: the Deployment above, scaled every hour; sampled: pods drawn from `classes` (a vcpu
  // series only; docs/forecast.md, "Sampled pods").
  std::string workload{"deployment"};
  // --controller-time: every replay's autoscalers under this model (unset: the scenario's).
  std::optional<spec::ControllerTime> controller_time;
  std::vector<forecast::ClassProfile> classes;
};

// The sampled workload of one path (docs/forecast.md, "Sampled pods"): hour h's target live vCPU is
// path[h] x factor x scale, shared among the classes by their vCPU-hours; each class starts with
// its share's worth of pods (residual lifetimes: a drawn lifetime times a uniform fraction) and
// then has Poisson arrivals at rate share / (mean vCPU per pod x mean lifetime) per hour (Little's
// law), each with a shape and a lifetime drawn from the class's history. Trace events in time
// order; from Rng(seed, "forecast/workload").
std::vector<spec::TraceEvent> sampled_workload(const std::vector<double>& path, double factor, double scale,
                                               const std::vector<forecast::ClassProfile>& classes, std::uint64_t seed);

// A what-if (docs/forecast.md, "What-if"): edits applied, in order, to every path before replay.
struct WhatIf {
  std::vector<std::string> edits;  // as given: demand*FACTOR, add=FILE, PATH=VALUE
  double demand_factor{1.0};       // the product of the demand*FACTOR edits
  spec::Scenario cluster;          // the cluster scenario with the other edits applied
};

// Parses `edits` against the cluster scenario file `cluster_path`: PATH=VALUE is a sweep parameter
// path (docs/sweep-format.md) set to a YAML value, add=FILE appends FILE's documents (a
// Deployment, a NodePool...), demand*FACTOR multiplies the demand. Throws InputError naming the
// edit.
WhatIf parse_what_if(const std::vector<std::string>& edits, const std::string& cluster_path, const catalog::Catalog& cat);

struct CostForecast {
  std::vector<forecast::AutoscalerCost> base;
  std::vector<forecast::AutoscalerCost> what_if;  // empty without a what-if
  std::vector<forecast::WhatIfDiff> diffs;        // per autoscaler of both; or the one of each
};

// Throws InputError when the scenario has no such Deployment or its pods request none of the
// series' resource. `cluster` should have no other workload driving cost. With `what_if`, every
// path also replays the what-if cluster with the same demand path (times its factor) and seed.
CostForecast cost_through_autoscalers(const spec::Scenario& cluster, const forecast::ForecastResult& fr,
                                      const CostForecastOptions& opts, const std::shared_ptr<const catalog::Catalog>& cat,
                                      const WhatIf* what_if = nullptr);

}  // namespace capsim::sweep
