// ClusterState: the single source of truth for pods and nodes, with slot reuse so long traces
// run in bounded memory, and sorted id sets for deterministic iteration.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "capsim/cluster/objects.hpp"

namespace capsim::cluster {

class ClusterState {
 public:
  PodId add_pod(Pod pod);  // assigns id and uid
  void bind(PodId pod, NodeId node, SimTime now);
  // Unbinds (eviction) and returns the pod to pending; it keeps its identity.
  void unbind(PodId pod);
  // Removes a pod for good (deleted or succeeded); frees its slot.
  void remove_pod(PodId pod, SimTime now);
  // A bound pod was deleted gracefully: it stays on its node, holding its requests, until
  // remove_pod; its name is free at once (a replacement may take it).
  void mark_terminating(PodId pod, SimTime now);

  NodeId add_node(Node node);
  // The node's instance is gone at `now` (terminated_at); it must have no pods.
  void remove_node(NodeId node, SimTime now);
  // Changes node `id` in place (state, labels, taints, marks, allocatable, timestamps): `edit`
  // gets the node, and its version and the generations move after it, so no cache keyed by them
  // can miss the change. The only way to write a node after add_node.
  template <class Edit>
  void edit_node(NodeId id, Edit&& edit) {
    edit(m_nodes[id]);
    touch(id);
  }

  Pod& pod(PodId id) { return m_pods[id]; }
  const Pod& pod(PodId id) const { return m_pods[id]; }
  const Node& node(NodeId id) const { return m_nodes[id]; }
  const Pod* find_pod(const std::string& ns, const std::string& name) const;
  const Node* find_node(const std::string& name) const;

  // Live ids in ascending order (creation order for pods: ids are reused, so sort by uid where
  // order matters).
  const std::set<PodId>& pending_pods() const { return m_pending; }
  const std::set<PodId>& live_pods() const { return m_live_pods; }
  const std::set<NodeId>& nodes() const { return m_live_nodes; }
  // The same ids in a vector (ascending), for scans over every node.
  const std::vector<NodeId>& node_ids() const { return m_live_node_ids; }

  std::size_t node_count() const { return m_live_nodes.size(); }
  // Bound pods with required pod anti-affinity (kube-scheduler's existing-pods anti-affinity
  // check has nothing to count while this is 0).
  std::size_t bound_anti_affinity_pods() const { return m_bound_anti_affinity; }
  // Bound pods with any pod affinity or anti-affinity term (kube-scheduler's PodsWithAffinity):
  // InterPodAffinity scoring of a pod without preferred terms has nothing to count while this is 0.
  std::size_t bound_affinity_pods() const { return m_bound_affinity; }
  // The lowest priority of a bound pod (none bound: nullopt): preemption has nothing to take
  // from a pod of that priority or lower.
  std::optional<int> lowest_bound_priority() const {
    if (m_bound_by_priority.empty()) return std::nullopt;
    return m_bound_by_priority.begin()->first;
  }
  std::uint64_t pods_created() const { return m_next_uid; }
  // Monotonic counter bumped on every change Karpenter's cluster state watches (pods bound or
  // removed, nodes added, removed or changing state): the "consolidated state" memo.
  std::uint64_t generation() const { return m_generation; }
  // Bumped by every change that can make a pending pod schedulable (everything but binding a pod
  // or adding one): kube-scheduler's queueing hint for pods that failed before.
  std::uint64_t capacity_generation() const { return m_capacity_generation; }

  // Allocatable minus requested CPU, memory and pod slots (in milli-units) of every node, in one
  // dense array by node id: a scan over every node for a pod rejects the full ones without
  // reading the node.
  struct Free {
    std::int64_t cpu{0}, memory{0}, pods{0};
    // False when `requests` cannot fit (a necessary condition of ResourceList::fits_in).
    bool may_fit(const ResourceList& requests) const {
      return requests.get(Resource::cpu).milli <= cpu && requests.get(Resource::memory).milli <= memory &&
             requests.get(Resource::pods).milli <= pods;
    }
  };
  const Free& free(NodeId id) const { return m_free[id]; }

 private:
  void refresh_free(NodeId id);
  // Node `id` changed in place: bumps its version and the generations.
  void touch(NodeId id) {
    ++m_generation;
    ++m_capacity_generation;
    ++m_nodes[id].version;
    refresh_free(id);
  }

  std::deque<Pod> m_pods;  // a deque: references to pods stay valid as pods are added
  std::vector<PodId> m_free_pods;
  std::vector<Node> m_nodes;
  std::vector<Free> m_free;  // by node id
  std::set<PodId> m_pending;
  std::set<PodId> m_live_pods;
  std::set<NodeId> m_live_nodes;
  std::vector<NodeId> m_live_node_ids;  // m_live_nodes, ascending
  std::map<int, std::size_t> m_bound_by_priority;  // bound pods by priority
  std::unordered_map<std::string, PodId> m_pod_by_name;  // ns/name
  std::unordered_map<std::string, NodeId> m_node_by_name;
  std::uint64_t m_next_uid{0};
  std::size_t m_bound_anti_affinity{0};
  std::size_t m_bound_affinity{0};
  std::uint64_t m_generation{0};
  std::uint64_t m_capacity_generation{0};
};

}  // namespace capsim::cluster
