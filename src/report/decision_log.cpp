#include "capsim/report/decision_log.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "capsim/core/time.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/sim/result.hpp"

namespace capsim::report {

std::string decision_log_jsonl(const sim::AutoscalerResult& result) {
  std::string out;
  for (const auto& d : result.decisions) {
    const nlohmann::json line = {
        {"atSeconds", seconds_3(d.at)},
        {"autoscaler", d.autoscaler.empty() ? result.autoscaler : d.autoscaler},
        {"instanceTypes", d.instance_types},
        {"kind", d.kind},
        {"message", d.message},
        {"nodePool", d.node_pool},
        {"nodes", d.nodes},
        {"pods", d.pods},
        {"reason", d.reason},
        {"time", format_clock(d.at)},
    };
    out += dump_stable(line, -1);
    out += '\n';
  }
  return out;
}

std::string decision_log_jsonl(const sim::RunResult& run) {
  std::string out;
  for (const auto& r : run.results) out += decision_log_jsonl(r);
  return out;
}

}  // namespace capsim::report
