// What every Karpenter scheduling solve starts from (provisioning/provisioner.go NewScheduler):
// the NodeClaim templates of the NodePools (instance types with an available offering, DaemonSet
// overhead, remaining limits) and the existing nodes in the solver's order. The provisioner and
// the disruption controller's simulations share them; each is cached and rebuilt when what it is
// derived from changes (stated at each cache).
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/karpenter/model.hpp"
#include "capsim/scheduling/solver.hpp"

namespace capsim::policy::karpenter {

class SchedulingInputs {
 public:
  explicit SchedulingInputs(const Shared& shared) : m_shared(shared) {}
  SchedulingInputs(const SchedulingInputs&) = delete;
  SchedulingInputs& operator=(const SchedulingInputs&) = delete;

  // The templates, cached: they change only with offering availability or the NodePools
  // (Shared::state_version), the DaemonSets, and - for pools with limits - the pool's node
  // capacities. `notes` gets the build's notes on every call.
  std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> templates(const View& view, std::vector<Note>& notes) const;
  // The same without the notes (the simulations, which publish none).
  std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> templates(const View& view) const;
  // The solver's existing nodes (active, launched; v0.29: Karpenter-owned only) in the solver's
  // order, from the per-node cache. `consolidation`: a consolidation simulation's view (v1.14),
  // where nodes inside their NodePool's consolidateAfter window take no pods. Cached until the
  // cluster, the DaemonSets, the NodePools or (for consolidation) the time change, so the
  // simulations of one disruption pass share it.
  std::shared_ptr<const scheduling::NodeIndex> node_index(const View& view, bool consolidation) const;
  // The solver options of this Karpenter version, sharing one template cache.
  scheduling::SolverOptions solver_options() const;

  // pkg/utils/disruption/disruption.go IsUnderConsolidateAfter.
  static bool under_consolidate_after(const NodePoolModel* p, const cluster::Node& n, SimTime now);
  // Identity of the DaemonSets a view holds (names and specs): caches derived from them compare it.
  static std::uint64_t daemonsets_key(const View& view);

 private:
  std::vector<scheduling::NodeClaimTemplate> build_templates(const View& view, std::vector<Note>& notes) const;
  std::vector<scheduling::ExistingNodeRef> existing_nodes(const View& view) const;
  // `requirements`: the node's requirements when they are known (taken), else built from its labels.
  scheduling::ExistingNodeInput make_existing_node(const View& view, const cluster::Node& n,
                                                   Requirements* requirements = nullptr) const;

  const Shared& m_shared;
  mutable std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> m_templates;
  mutable std::uint64_t m_templates_key{0};
  mutable std::array<std::uint64_t, 3> m_templates_seen{};  // (generation, state version, DaemonSets) of the last check
  mutable std::vector<Note> m_templates_notes;
  // What the solves over m_templates derive from the templates alone (one solve at a time).
  mutable scheduling::TemplateCache m_solver_cache;
  // Per node (by id): the solver input derived from it, rebuilt when the node's version or the
  // DaemonSets change; and the live nodes in the solver's order (initialized first, then name),
  // kept up to date node by node (--exact: sorted afresh at every call).
  struct NodeInputCache {
    std::uint64_t version{0};
    std::uint64_t daemonsets{0};
    bool valid{false};
    bool placed{false};               // in m_node_order
    bool placed_initialized{false};   // in.initialized when it was placed there
    Labels labels;                    // the labels in.requirements was built from
    scheduling::ExistingNodeInput in;
  };
  mutable std::vector<NodeInputCache> m_node_inputs;
  mutable std::vector<cluster::NodeId> m_node_order;
  mutable bool m_node_order_dirty{true};
  struct NodeIndexCache {
    std::uint64_t generation{0}, daemonsets{0}, state_version{0};
    SimTime at{0};
    std::shared_ptr<const scheduling::NodeIndex> index;
  };
  mutable std::array<NodeIndexCache, 2> m_node_index;  // [consolidation]
};

}  // namespace capsim::policy::karpenter
