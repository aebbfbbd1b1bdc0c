// Karpenter's disruption controller (disruption/controller.go): a singleton that polls every 10 s
// (1 s while the cluster state is not synced; at once after a command), lists the candidates
// (types.go NewCandidate, with ValidateNodeDisruptable and ValidatePodsDisruptable), runs its
// methods in order until one returns a command, puts a consolidation command through the 15 s
// validation (validation.go) and hands it to the queue. Under controller time a pass is decided on
// the state at its start and applied at its end.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/policy/controller_time.hpp"
#include "capsim/policy/karpenter/disruption.hpp"
#include "capsim/policy/karpenter/provisioner.hpp"
#include "capsim/policy/karpenter/queue.hpp"
#include "capsim/policy/karpenter/scheduling_inputs.hpp"
#include "capsim/policy/karpenter/simulation.hpp"

namespace capsim::policy::karpenter {

class DisruptionController {
 public:
  DisruptionController(Shared& shared, const SchedulingInputs& inputs, const Provisioner& provisioner);

  // This instant's work: the queue's poll of running commands, then a pass or a validation that
  // is due (`synced`: every NodeClaim has a provider ID).
  void reconcile(const View& view, bool synced, Actions& out);
  std::optional<SimTime> next_wakeup() const;
  const ControllerStats& stats() const { return m_stats; }

 private:
  // What one pass decided (controller.go Reconcile): the events and logs it published and at most
  // one command, which waits the 15 s validation first (consolidation, v1 emptiness) or starts at
  // once (drift, v0.29 expiration and ttlSecondsAfterEmpty).
  struct PassOutcome {
    std::vector<Note> notes;
    std::optional<Command> command;
    bool validate{false};
    bool requeue{false};  // a validation's outcome: the next pass starts at once
  };
  PassOutcome disrupt(const View& view);
  // Applies a pass's outcome at the pass's end (`view.now`): its notes, then its command started
  // or put to validation; sets the next poll.
  Actions end_pass(const View& view, PassOutcome o);

  // Candidates (candidates.cpp).
  struct PodSummary {
    std::uint64_t version{0};
    bool valid{false};
    std::shared_ptr<const std::vector<cluster::PodId>> reschedulable;  // non-DaemonSet, non-mirror pods, bind order
    std::shared_ptr<const std::vector<scheduling::SolverPod>> solver_pods;  // the same, as the solver takes them
    double reschedule_cost{1.0};                  // 1 + sum of positive eviction costs of those
    std::vector<double> eviction_costs;           // of every pod, bind order (the legacy DisruptionCost)
    bool do_not_disrupt{false};                   // a reschedulable pod has do-not-disrupt "true"
    std::optional<SimTime> do_not_disrupt_until;  // latest end of a duration-valued do-not-disrupt (v1)
    bool multi_pdb{false};                        // a reschedulable pod is selected by more than one PDB
    std::vector<std::uint32_t> pdbs;              // PDBs (index in Config::pdbs) selecting some reschedulable pod
  };
  // Per node, what the candidates derive from its pods, rebuilt when its version moves.
  const PodSummary& pod_summary(const View& view, const cluster::Node& n) const;
  // The nodes every method may consider, in node id order; computed once per instant and state.
  const std::vector<Candidate>& disruptable(const View& view) const;
  // The disruptable nodes `m` should disrupt, in its order (`sorted`; else in node id order).
  std::vector<Candidate> candidates(const View& view, const Method& m, bool sorted = true) const;
  // A v1 consolidation method's state: the cluster state generation and NodePools, the time of
  // the last state change (forced every 5 minutes, state/cluster.go ConsolidationState), the
  // candidates, their budgets and the nodes inside their consolidateAfter window.
  ConsolidationKey consolidation_key(const View& view, const std::vector<Candidate>& cands,
                                     const std::map<std::string, int>& budgets);

  // Validation (validation.cpp): every candidate must still be a candidate of the method, not
  // nominated, within a fresh budget, and a consolidation must simulate the same way.
  bool revalidate(const View& view, Command& cmd);
  PassOutcome finish_validation(const View& view);

  // Controller time.
  void begin_pass(const View& view);
  // The pass's nodes and provisionable pending pods, as the simulations from now on see them.
  void count_pass_inputs(const View& view);
  // The pass's duration under the model (and the longest typical pass so far).
  Duration price_pass();
  // Adds the pass that started at m_pass.start and ends at `end` to the stats (timed models).
  void record_pass(SimTime end);

  // The quiet pass: what a pass reads that changes with time alone, after `after`.
  std::optional<SimTime> quiet_until(const View& view, SimTime after) const;

  Shared& m_shared;
  std::vector<std::unique_ptr<Method>> m_methods;
  ConsolidationSimulator m_sim;
  CommandQueue m_queue;
  UnconsolidatableEvents m_events;

  mutable std::vector<PodSummary> m_pod_summaries;
  struct CandidateKey {
    SimTime now;
    std::uint64_t generation{0}, state_version{0}, nominations{0};
    bool operator==(const CandidateKey&) const = default;
  };
  mutable std::optional<CandidateKey> m_disruptable_key;
  mutable std::vector<Candidate> m_disruptable;
  // Cluster.ConsolidationState: when the state last changed (or was forced to, every 5 minutes).
  std::uint64_t m_state_change_generation{UINT64_MAX};
  SimTime m_state_change_at{0};
  // A v1 pass that ended with nothing to do and nothing to say (at `at`). While the keys stay the
  // same, a later pass would compute the same candidates, budgets and memos and find nothing again
  // until a time threshold after `at` comes (quiet_until, computed at the first pass that finds
  // the keys unchanged): disrupt() returns at once. Not a model of upstream (which re-evaluates
  // every 10 s); the same decisions for less work. Off under --exact.
  struct QuietPass {
    std::uint64_t generation{0}, state_version{0}, nominations{0};
    std::size_t drifted{0};
    SimTime at;
    std::optional<std::optional<SimTime>> until;  // unset: not computed yet; nullopt: never quiet
  };
  std::optional<QuietPass> m_quiet;

  Pass m_pass;
  ControllerStats m_stats;
  // A pass (or a validation) that ends at `at`, and what it decided.
  struct PassEnd {
    SimTime at;
    PassOutcome outcome;
    bool record{false};  // the pass is recorded at its end (not when it goes on to a validation)
  };
  std::optional<PassEnd> m_pass_end;
  SimTime m_next_poll{0};
  struct PendingValidation {
    SimTime due;
    Command cmd;
  };
  std::optional<PendingValidation> m_validation;
  std::optional<SimTime> m_next_command_check;
};

}  // namespace capsim::policy::karpenter
