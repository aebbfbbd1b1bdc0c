// The disruption controller's scheduling simulations (disruption/helpers.go SimulateScheduling,
// consolidation.go computeConsolidation) on the shared scheduling inputs, with the no-op memo that
// carries a consolidation no-op across passes while it stays exact (stated at NoOpMemo).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/policy/karpenter/disruption.hpp"
#include "capsim/policy/karpenter/scheduling_inputs.hpp"

namespace capsim::policy::karpenter {

class ConsolidationSimulator final : public Simulator {
 public:
  ConsolidationSimulator(const Shared& shared, const SchedulingInputs& inputs) : m_shared(shared), m_inputs(inputs) {}

  SimOutcome simulate(const View& view, const std::vector<Candidate>& cands) override;
  // Through the memo (not under --exact): the memo is refreshed and the pending placement computed
  // at the first consolidation of each pass.
  std::optional<Command> consolidate(const View& view, const Method& method, const std::vector<Candidate>& cands,
                                     bool explain, std::string& why) override;
  // computeConsolidation again, without the memo (validation.go).
  std::optional<Command> recompute(const View& view, const Method& method, const std::vector<Candidate>& cands,
                                   std::string& why) const;
  // A new disruption pass begins; its view holds a new cluster state.
  void begin_pass() {
    m_prepared = false;
    new_view();
  }
  // A validation begins: the view holds a new cluster state.
  void new_view() { m_pending_pods.reset(); }

 private:
  // A consolidation no-op of a candidate set (single-node: one; multi-node: a prefix) simulated
  // with no pending pod, so of the candidates' pods alone, carried across passes. It stays exact
  // while the candidates, the NodeClaim templates and the DaemonSets are unchanged and every node
  // that changed since is one the simulation placed nothing on and that cannot hold any of its
  // pods now: a first-fit simulation without topology then makes the same placements (nodes that
  // reject every pod do not matter where they stand in the order) and the same NodeClaims.
  struct NoOpMemo {
    bool valid{false};                    // the simulation can be memoized (no topology)
    std::vector<std::uint64_t> versions;  // the candidate nodes' (key order)
    std::vector<cluster::NodeId> used;
    std::vector<const ResourceList*> requests;  // owned by the candidates' pods
    bool explained{false};                      // `why` was computed
    std::string why;
    std::uint64_t pass{0};  // the disruption pass that last used it (multi-node memos expire)
  };
  // `consolidation`: a consolidation simulation (IsConsolidationSimulation), where moved pods may
  // not land on nodes inside their consolidateAfter window (v1.14).
  // `stop_early`: the caller needs no reason text, so the solve may stop once the move is
  // certainly a no-op (SolverOptions::stop_when_not_consolidatable).
  // `replaced_price` (with stop_early): the candidates' price. When no instance type of any
  // NodePool launches for less, a NodeClaim cannot be a cheaper replacement, so the solve stops at
  // the first one.
  SimOutcome simulate(const View& view, const std::vector<Candidate>& cands, bool consolidation, bool stop_early,
                      std::optional<Money> replaced_price) const;
  // `explain`: the no-op reason `why` will be published, so the simulation runs to the end.
  // `memo`, if given, receives what a no-op result depends on (NoOpMemo); left untouched when the
  // simulation involved topology.
  std::optional<Command> compute_consolidation(const View& view, const Method& method, const std::vector<Candidate>& cands,
                                               bool explain, std::string& why, NoOpMemo* memo = nullptr) const;
  // Where the provisionable pending pods land when solved on their own on the consolidation view
  // of the nodes; nullopt unless each lands on an existing node at its first attempt without
  // topology. Then a simulation of candidates whose own pods touch none of those nodes (nor is
  // one) makes the placements of their pods alone plus these (see consolidate).
  std::optional<std::vector<cluster::NodeId>> pending_placement(const View& view) const;
  // Drops the memos that the changes since the last call may affect; once per disruption pass.
  void refresh_noop_memo(const View& view);
  // The lowest price of any available offering of any instance type of `templates` (a floor
  // for Offerings.WorstLaunchPrice of every NodeClaim they can make); cached per templates.
  std::optional<Money> launch_price_floor(const std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>>& templates) const;

  // The provisionable pending pods every simulation places besides the candidates' (the view's
  // unschedulable reschedulable pods), listed once per view: a pass or a validation reads one
  // unchanging cluster state (--exact: listed again for every simulation).
  const std::vector<scheduling::SolverPod>& pending_pods(const View& view) const;

  const Shared& m_shared;
  const SchedulingInputs& m_inputs;
  mutable std::optional<std::vector<scheduling::SolverPod>> m_pending_pods;
  bool m_prepared{false};  // this pass's memo refresh and pending placement are done
  std::optional<std::vector<cluster::NodeId>> m_pending;
  std::map<std::vector<cluster::NodeId>, NoOpMemo> m_noop;  // by candidate ids
  std::uint64_t m_noop_pass{0};
  struct NodeSeen {
    std::uint64_t version{0};
    bool present{false};
    bool accepts{false};
  };
  std::vector<NodeSeen> m_noop_seen;  // by node id, as of the last refresh
  std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> m_noop_templates;
  std::uint64_t m_noop_daemonsets{0};
  mutable std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> m_floor_templates;
  mutable std::optional<Money> m_floor;
};

}  // namespace capsim::policy::karpenter
