// The JSONL decision log: one JSON object per line per Decision (keys sorted), shaped like
// Karpenter's provisioning and disruption logs: time, kind, reason, pool, nodes, types, pods.
#pragma once

#include <string>

namespace capsim::sim {
struct AutoscalerResult;
struct RunResult;
}  // namespace capsim::sim

namespace capsim::report {

// Keys: atSeconds, autoscaler, instanceTypes, kind, message, nodePool, nodes, pods, reason, time
// ("HH:MM:SS.mmm"). Each line ends with '\n'; no decisions gives "". `autoscaler` is the
// decision's own name, or the result's when the decision leaves it empty.
std::string decision_log_jsonl(const sim::AutoscalerResult& result);

// Every autoscaler's log concatenated in result order.
std::string decision_log_jsonl(const sim::RunResult& run);

}  // namespace capsim::report
