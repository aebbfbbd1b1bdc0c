// The CSV time series of cluster samples: pending/running pods, node count, cost rate and one
// node-count column per instance type seen in any sample.
#pragma once

#include <string>

namespace capsim::sim {
struct AutoscalerResult;
struct RunResult;
}  // namespace capsim::sim

namespace capsim::report {

// Header "time_seconds,autoscaler,pending_pods,running_pods,nodes,cost_rate_usd_per_hour," then
// "nodes_<type>" per instance type in byte order (nodes not yet assigned a type, the "" key,
// become "nodes_launching", placed first); one row per sample, missing types are 0. Numbers print
// as the shortest fixed decimal without a trailing ".0" (time to 3 decimals, USD/h to 6). Fields
// containing ',', '"' or a line break are quoted as RFC 4180 says. Lines end with '\n'.
std::string timeseries_csv(const sim::AutoscalerResult& result);

// All autoscalers' rows under one header (the union of their instance types), in result order.
std::string timeseries_csv(const sim::RunResult& run);

}  // namespace capsim::report
