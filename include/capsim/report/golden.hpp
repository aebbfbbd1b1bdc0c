// Golden decision logs (`capsim check --golden DIR`): a run reduced to the decisions that matter
// (launches, terminations, disruption commands, Cluster Autoscaler scale-ups and scale-downs,
// preemptions, interruptions, failed launches, hand-overs) and compared with a stored run - a
// `--out` directory's result.json and decisions.jsonl - semantically, never byte by byte:
//   "00:12:30 karpenter launched m6i.2xlarge in us-east-1b (on-demand, nodepool general) instead
//    of m6i.xlarge in us-east-1b (on-demand)", "00:40:10 karpenter disrupt underutilized ...
//    no longer happens", "cost $21.61 -> $23.04 (+6.6 %)".
// Node names are left out of what is compared (one extra node renames every later one).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/spec/scenario.hpp"

namespace capsim::report {

struct GoldenEvent {
  double at{0};          // seconds
  std::string category;  // launch, termination, or the decision kind (k_golden_categories)
  std::string key;       // what makes two events the same decision: category, reason, pool
  std::string detail;    // what must then agree: instance type, zone, capacity type, counts
  std::string text;      // "karpenter launched m6i.xlarge in us-east-1b (on-demand, nodepool general)"
};

// One autoscaler's side of a run, as the golden comparison and the reports see it.
struct GoldenRun {
  std::string autoscaler;
  double cost_usd{0};
  double duration_s{0};
  std::int64_t peak_nodes{0};
  double pending_p95_s{0};
  std::int64_t disruptions{0};  // nodes terminated
  std::vector<GoldenEvent> events;  // by time, then as logged
};

// From a result.json document and its decisions.jsonl text (every autoscaler of the run).
std::vector<GoldenRun> golden_runs(const nlohmann::json& result, const std::string& decisions_jsonl);

struct GoldenComparison {
  std::string autoscaler;
  bool passed{true};
  bool missing_golden{false};  // the golden has no run of this autoscaler (or the run none of the golden's)
  double cost_before{0}, cost_after{0};
  double hours_before{0}, hours_after{0};  // simulated hours (monthly figures: cost / hours x 730)
  GoldenRun before, after;
  std::string cost_line;                  // "cost $21.61 -> $23.04 (+6.6 %)"
  std::vector<std::string> differences;   // "HH:MM:SS <what changed>", by time
};

// Compares `current` with `golden` autoscaler by autoscaler under the scenario's tolerances.
std::vector<GoldenComparison> compare_golden(const std::vector<GoldenRun>& golden, const std::vector<GoldenRun>& current,
                                             const spec::GoldenSettings& tolerance);

// "$21.61", "$1,240.00": USD with two decimals and thousands separators.
std::string format_usd(double usd);
// The monthly figure of a run's cost (capsim check's reports, capsim compare): cost per simulated
// hour x 730 hours; 0 for a run of no time.
inline constexpr double k_hours_per_month = 730.0;
double monthly_usd(double cost_usd, double hours);
// "+6.6 %", "-0.4 %"; "0.0 %" from 0 to 0, "new" from 0 to anything else.
std::string format_change_percent(double before, double after);

}  // namespace capsim::report
