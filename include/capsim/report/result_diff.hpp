// `capsim diff BASE HEAD`: two runs (result.json documents with their decisions.jsonl) side by
// side per autoscaler - cost, node-hours, peak nodes, pod pending p50/p95/max, disruptions by
// reason, instance-type mix - and the first diverging decisions (report/golden.hpp), as a table,
// JSON or Markdown.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace capsim::report {

struct DiffSide {
  std::string label;  // how the user named it (path)
  nlohmann::json result;
  std::string decisions_jsonl;  // empty: no decisions to compare
};

enum class DiffFormat { table, json, markdown, html };

// `max_decisions`: how many diverging decisions each autoscaler lists.
std::string result_diff(const DiffSide& base, const DiffSide& head, DiffFormat format, std::size_t max_decisions);

// The two runs differ in what result_diff compares: an autoscaler run on one side only, a metric
// (present on one side only, or another value), or a diverging decision (`capsim diff --exit-code`).
bool results_differ(const DiffSide& base, const DiffSide& head);

}  // namespace capsim::report
