// The HTML report's decision rows (module-private): repetitive decisions collapsed. Decisions of
// one autoscaler that are identical in everything but their time (kind, reason, pool, nodes,
// instance types, pods, message: a Karpenter "unconsolidatable" or "nominate" every 10 s for the
// same node and pods) become one row, placed where the first was, with the count and the first and
// last time. A different decision on the same subject (the same autoscaler, kind, nodes and pods)
// ends the run: when the answer to the same question changes and later changes back, that is
// two rows, so the table still tells the story in order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "capsim/core/time.hpp"

namespace capsim::sim {
struct Decision;
}  // namespace capsim::sim

namespace capsim::report::detail {

struct DecisionRow {
  const sim::Decision* first{nullptr};
  std::string autoscaler{};  // the decision's, else the result's
  std::size_t count{1};
  SimTime last{};
};

std::vector<DecisionRow> collapse_decisions(const std::vector<sim::Decision>& decisions, const std::string& autoscaler);

// "× 42, 00:00:10–00:07:00" (a whole second drops the milliseconds); empty for a single decision.
std::string repeat_text(const DecisionRow& row);

}  // namespace capsim::report::detail
