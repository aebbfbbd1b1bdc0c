// The run's time series as an OpenMetrics text exposition with explicit timestamps (`--openmetrics
// FILE`), for Prometheus (`promtool tsdb create-blocks-from openmetrics`) and the dashboards people
// already have. One sample per series per simulated sample interval, at spec.startTime + t:
//   kube_pod_status_phase{autoscaler, phase="Pending"|"Running"}   gauge (kube-state-metrics'
//       per-pod series summed per phase)
//   capsim_nodes{autoscaler, instance_type}                          gauge (instance_type "launching"
//       for instances not yet running)
//   capsim_cost_rate_usd_per_hour{autoscaler}                        gauge (hourly price of the running instances)
//   karpenter_nodes_created_total / karpenter_nodes_terminated_total {autoscaler, nodepool}   counters
//   cluster_autoscaler_scaled_up_nodes_total / cluster_autoscaler_scaled_down_nodes_total {autoscaler}
// Terminated by "# EOF". Format: docs/result-schema.md#openmetrics.
#pragma once

#include <string>

namespace capsim::sim {
struct RunResult;
}  // namespace capsim::sim

namespace capsim::report {

std::string to_openmetrics(const sim::RunResult& run);

}  // namespace capsim::report
