// Karpenter's disruption methods as pkg/controllers/disruption lays them out: a candidate
// (types.go Candidate), a command (types.go Command), the Method interface (types.go:
// ShouldDisrupt, ComputeCommands, Reason, Class) with each consolidation method's own
// consolidation state (consolidation.go), and the methods - Emptiness (emptiness.go), Drift
// (drift.go), MultiNodeConsolidation (multinodeconsolidation.go), SingleNodeConsolidation
// (singlenodeconsolidation.go) and v0.29's Expiration (deprovisioning/expiration.go). A method
// reads a View, its candidates and budgets, and asks a Simulator for scheduling simulations; it
// owns no cluster object, so it runs without the engine (tests/unit/policy).
//
// StaticDrift (staticdrift.go, v1.8+) disrupts only NodePools with `spec.replicas` (the
// StaticCapacity feature gate, off by default), which capsim does not model: it has no method here.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/controller_time.hpp"
#include "capsim/policy/karpenter/model.hpp"
#include "capsim/scheduling/solver.hpp"

namespace capsim::policy::karpenter {

class Method;

// A node a method may disrupt (types.go NewCandidate): it passed ValidateNodeDisruptable and
// ValidatePodsDisruptable.
struct Candidate {
  cluster::NodeId id{cluster::k_no_node};
  const NodePoolModel* pool{nullptr};
  Money price;                                              // the node's offering price
  std::shared_ptr<const std::vector<cluster::PodId>> pods;  // reschedulable pods, bind order
  // The same pods as a simulation places them (shared with the node's pod summary; null in
  // tests that simulate nothing).
  std::shared_ptr<const std::vector<scheduling::SolverPod>> solver_pods;
  double reschedule_cost{1.0};  // RescheduleDisruptionCost: 1 + sum of positive eviction costs
  double legacy_cost{0.0};      // DisruptionCost: sum of eviction cost x lifetime remaining
  bool empty() const { return reschedule_cost <= 1.0; }
};

// What a method decided: delete the candidates, or replace them by the replacements first.
struct Command {
  const Method* method{nullptr};
  std::string reason;  // budget reason: Empty | Underutilized | Drifted (v0.29: ttlSecondsAfterEmpty, expired)
  std::vector<cluster::NodeId> candidates;
  std::vector<scheduling::NewNodeClaim> replacements;
};

// One scheduling simulation (helpers.go SimulateScheduling).
struct SimOutcome {
  bool ok{false};  // every non-pending pod scheduled, none onto an uninitialized node
  std::vector<scheduling::NewNodeClaim> claims;
  std::string why;
  // What the simulation read beyond the candidates (the no-op memo): the nodes it placed pods on,
  // the requests of its pods, whether topology was involved.
  std::vector<cluster::NodeId> used;
  std::vector<const ResourceList*> requests;
  bool topology{false};
};

// The scheduling simulations a method asks for.
class Simulator {
 public:
  virtual ~Simulator() = default;
  // SimulateScheduling: the candidates' reschedulable pods and the pending provisionable pods on
  // the other nodes and new NodeClaims (drift, v0.29 expiration).
  virtual SimOutcome simulate(const View& view, const std::vector<Candidate>& cands) = 0;
  // consolidation.go computeConsolidation for `method`: a DELETE when everything fits on the
  // remaining nodes, a REPLACE by one cheaper NodeClaim, else nullopt with `why` (computed when
  // `explain`).
  virtual std::optional<Command> consolidate(const View& view, const Method& method, const std::vector<Candidate>& cands,
                                             bool explain, std::string& why) = 0;
};

// The disruption pass under way, for controller time: its start, the work so far, its nodes and
// provisionable pending pods (every simulation places those too), candidates evaluated.
struct Pass {
  SimTime start;
  PassWork work;
  std::size_t nodes{0}, pending{0}, evaluated{0};
  std::uint64_t single_node_timeouts{0}, multi_node_timeouts{0};
  const spec::ControllerTime* model{nullptr};
  bool timeouts{false};  // upstream's consolidation timeouts apply (v1 under a timed model)

  // Charges one simulation of `cands` (their pods plus the pending ones).
  void charge(const std::vector<Candidate>& cands);
  std::int64_t ns() const { return work.ns(*model); }
  Duration elapsed() const { return work.elapsed(*model); }
};

// pkg/events/recorder.go publishEvent for Unconsolidatable (DedupeValues {node UID}, DedupeTimeout
// 15 min): an event for a node is dropped while the last one published is younger than that,
// whatever its message.
class UnconsolidatableEvents {
 public:
  bool due(cluster::NodeId node, SimTime now) const {
    auto it = m_published.find(node);
    return it == m_published.end() || now > it->second + k_unconsolidatable_dedupe;
  }
  void published(cluster::NodeId node, SimTime now) { m_published[node] = now; }

 private:
  std::map<cluster::NodeId, SimTime> m_published;
};

// consolidation.go lastConsolidationState with IsConsolidated / markConsolidated: a method that
// found nothing is skipped until the state it saw moves. capsim's state is a key of everything
// the method read (DisruptionController::consolidation_key); empty: never consolidated.
using ConsolidationKey = std::vector<std::uint64_t>;
class ConsolidationState {
 public:
  bool is_consolidated(const ConsolidationKey& key) const { return !key.empty() && key == m_key; }
  void mark_consolidated(ConsolidationKey key) { m_key = std::move(key); }
  void reset() { m_key.clear(); }

 private:
  ConsolidationKey m_key;
};

// What ComputeCommands gets: the view, the method's candidates in its order, the budget left per
// NodePool for the method's reason, the state a consolidation method compares with the one it
// last found nothing in (empty: never consolidated), the simulator, the pass and the event
// recorder.
struct MethodInput {
  const View& view;
  std::vector<Candidate> candidates;
  std::map<std::string, int> budgets;
  ConsolidationKey consolidation_key;
  Simulator& sim;
  Pass& pass;
  const UnconsolidatableEvents& events;
};

struct MethodResult {
  std::optional<Command> command;
  bool validate{false};   // the command waits the 15 s validation before it starts
  bool timed_out{false};  // a consolidation timeout ended the method
  // Unconsolidatable events to publish: (candidate, reason).
  std::vector<std::pair<cluster::NodeId, std::string>> unconsolidatable;
  std::vector<Note> notes;
};

enum class DisruptionClass : std::uint8_t { graceful, eventual };

class Method {
 public:
  virtual ~Method() = default;
  // As the logs name the method ("emptiness", "single-node consolidation", ...).
  virtual std::string_view name() const = 0;
  // The disruption reason its budgets are counted for (Reason).
  virtual std::string_view reason() const = 0;
  virtual DisruptionClass disruption_class() const = 0;
  // ShouldDisrupt: may this candidate be disrupted by the method now?
  virtual bool should_disrupt(const Candidate& c, const View& view) const = 0;
  // The order the method evaluates its candidates in.
  virtual void sort(std::vector<Candidate>& c, const View& view) const = 0;
  virtual MethodResult compute_command(MethodInput& in) = 0;
  // The methods that remember when they found nothing (consolidation.go); null for the others.
  virtual ConsolidationState* consolidation_state() { return nullptr; }
  // Validation (validation.go) re-runs the simulation (consolidation) rather than only the
  // candidate checks (emptiness).
  virtual bool validates_by_simulation() const { return false; }
  // Single-candidate commands (spot-to-spot needs 15 cheaper types, not one).
  virtual bool single_candidate() const { return false; }
};

// The methods of a Karpenter version, in the order the controller runs them. v1.5+: Emptiness,
// Drift, MultiNodeConsolidation, SingleNodeConsolidation. v0.29: Expiration, Emptiness
// (ttlSecondsAfterEmpty and empty-machine consolidation), MultiMachine, SingleMachine.
std::vector<std::unique_ptr<Method>> make_methods(const Shared& shared);

// Offerings.WorstLaunchPrice: among available offerings compatible with `reqs`, the first
// capacity-type class that has any (reserved, spot, on-demand), and the maximum price in it.
std::optional<Money> worst_launch_price(const catalog::InstanceType& it, const Requirements& reqs);

// Per NodePool, how many more nodes `reason` may disrupt now (helpers.go
// BuildDisruptionBudgetMapping); v0.29 and NodePools without budgets: unlimited.
std::map<std::string, int> budgets(const Shared& shared, const View& view, std::string_view reason);

}  // namespace capsim::policy::karpenter
