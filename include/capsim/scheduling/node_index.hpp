// The existing nodes a Karpenter solve may place pods on, shared by many solves (the simulations
// of one disruption pass): the nodes in the solver's order (scheduler.go NewScheduler:
// initialized first, then by name) and a max-tree over their remaining CPU, memory and pod slots.
// A solve asks the tree for the next node whose remaining resources can hold the pod, so pods
// that fit nowhere cost O(1) and others O(log n) instead of a scan of every node; the first-fit
// order and decisions are those of the scan (resources fitting is necessary for every placement).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "capsim/cluster/objects.hpp"
#include "capsim/scheduling/topology.hpp"

namespace capsim::scheduling {

struct ExistingNodeInput {
  cluster::NodeId id{cluster::k_no_node};
  std::string name;
  bool initialized{false};
  Requirements requirements;  // node labels as In, hostname included
  std::vector<Taint> taints;
  ResourceList remaining;  // allocatable - requested - missing daemon overhead
  std::vector<int> used_host_ports;
  // Pods bound here (running, not terminating): topology spread / pod affinity counts and the
  // inverse anti-affinity of pods with required anti-affinity. Pods of the batch being solved
  // may be listed; they are not counted (Topology.excludedPods).
  std::vector<BoundPodInput> pods;
  // false: the node only contributes its pods to topology counts (e.g. a node marked for
  // deletion whose pods still run); nothing is placed on it and it adds no domains.
  bool accepts_pods{true};
  // Some pod in `pods` has required pod anti-affinity (an inverse topology group); derived from
  // `pods` by the owning Solver constructor, kept by whoever caches inputs.
  bool has_required_anti_affinity{false};
};

// An existing node as one solve sees it: shared, read-only input (cached across solves by the
// caller, which keeps it alive during the solve) and whether this solve may place pods on it.
struct ExistingNodeRef {
  const ExistingNodeInput* in{nullptr};
  bool accepts_pods{true};
};

// A max-tree over per-position remaining CPU, memory and pod slots: the first position from a
// given one whose amounts reach a request, in O(log n) when few positions are near the request.
class FitTree {
 public:
  explicit FitTree(std::size_t n = 0);  // every position fits nothing
  std::size_t size() const { return m_size; }
  // Position `i` now has `remaining` (any negative amount: it fits nothing).
  void set(std::size_t i, const ResourceList& remaining);
  void clear(std::size_t i);  // fits nothing
  // Bulk loading: leaves first (no propagation), then one bottom-up pass.
  void set_leaf(std::size_t i, const ResourceList& remaining);
  void rebuild();
  // The first position >= `from` whose CPU, memory and pods reach `cpu`, `memory` and `pods`
  // (ResourceList milli units); size() if there is none.
  std::size_t next_fit(std::size_t from, std::int64_t cpu, std::int64_t memory, std::int64_t pods) const;

 private:
  struct Max {
    std::int64_t cpu, memory, pods;
  };
  static Max amounts(const ResourceList& r);
  void update(std::size_t leaf, const Max& m);
  std::size_t find(std::size_t k, std::size_t lo, std::size_t hi, std::size_t from, const Max& want) const;
  std::size_t m_size{0};
  std::size_t m_leaves{1};  // a power of two >= m_size
  std::vector<Max> m_tree;  // 1-based heap layout, 2 * m_leaves entries
};

class NodeIndex {
 public:
  // `nodes` in the solver's order when `presorted`, else sorted here. The inputs must outlive
  // the index.
  NodeIndex(std::vector<ExistingNodeRef> nodes, bool presorted);

  // Nodes that accept pods, in the solver's order.
  std::size_t size() const { return m_nodes.size(); }
  const ExistingNodeInput& operator[](std::size_t i) const { return *m_nodes[i]; }
  // Nodes that only count for topology (ExistingNodeRef::accepts_pods false), in order.
  const std::vector<const ExistingNodeInput*>& count_only() const { return m_count_only; }
  // Nodes (placeable or not) with a bound pod that has required anti-affinity.
  const std::vector<cluster::NodeId>& anti_affinity_nodes() const { return m_anti_affinity; }
  // The position of a placeable node, or size() if it is not one.
  std::size_t position(cluster::NodeId id) const;

  // The placeable nodes' remaining resources (ResourceList::fits_in: none negative) by position.
  const FitTree& fit() const { return m_fit; }

 private:
  std::vector<const ExistingNodeInput*> m_nodes;
  std::vector<const ExistingNodeInput*> m_count_only;
  std::vector<cluster::NodeId> m_anti_affinity;
  std::vector<std::pair<cluster::NodeId, std::uint32_t>> m_positions;  // by id
  FitTree m_fit;
};

}  // namespace capsim::scheduling
