// The disruption controller's validation (validation.go): a command that waited 15 s is checked
// again on the state after the wait.
#include <algorithm>

#include "capsim/policy/karpenter/disruption_controller.hpp"

namespace capsim::policy::karpenter {

bool DisruptionController::revalidate(const View& view, Command& cmd) {
  // validation.go: every candidate must still be a candidate for the method, not nominated, and
  // fit a freshly computed budget (emptiness drops candidates individually instead).
  // Membership is what counts (the budget is spent in the command's order): no sort.
  auto current = candidates(view, *cmd.method, /*sorted=*/false);
  auto budget = budgets(m_shared, view, cmd.method->reason());
  std::vector<Candidate> still;
  std::vector<cluster::NodeId> kept;
  for (auto nid : cmd.candidates) {
    auto it = std::find_if(current.begin(), current.end(), [&](const Candidate& c) { return c.id == nid; });
    bool ok = it != current.end();
    if (ok && !m_shared.v1alpha5()) {
      int& b = budget[it->pool->spec.name];
      ok = b > 0;
      if (ok) --b;
    }
    if (!ok) {
      if (!cmd.method->validates_by_simulation()) continue;
      return false;
    }
    still.push_back(*it);
    kept.push_back(nid);
  }
  if (kept.empty()) return false;
  cmd.candidates = kept;
  if (!cmd.method->validates_by_simulation()) return true;
  // Re-run the simulation: a DELETE must still need no new NodeClaim; a REPLACE must still need
  // exactly one whose options include every instance type of the command's replacement.
  std::string why;
  m_pass.charge(still);
  auto again = m_sim.recompute(view, *cmd.method, still, why);
  if (!again || again->replacements.size() != cmd.replacements.size()) return false;
  if (!cmd.replacements.empty()) {
    const auto& now_types = again->replacements.front().instance_types;
    for (const auto* it : cmd.replacements.front().instance_types)
      if (std::find(now_types.begin(), now_types.end(), it) == now_types.end()) return false;
  }
  return true;
}

DisruptionController::PassOutcome DisruptionController::finish_validation(const View& view) {
  PassOutcome out;
  out.requeue = true;
  Command cmd = std::move(m_validation->cmd);
  m_validation.reset();
  // The validation recomputes the candidates (and, for consolidation, simulates again) on the
  // state after the 15 s wait.
  // The pass goes on: its start and counts stay, the work is the validation's alone.
  m_pass.work = PassWork{};
  m_sim.new_view();
  count_pass_inputs(view);
  m_pass.work.listing(m_pass.nodes);
  if (!revalidate(view, cmd)) {
    out.notes.push_back(Note{"disrupt", "validation failed", "", {}, {}, {},
                             "abandoning " + std::string(cmd.method->name()) +
                                 " command: candidates changed during the 15s validation"});
    return out;
  }
  out.command = std::move(cmd);
  return out;
}

}  // namespace capsim::policy::karpenter
