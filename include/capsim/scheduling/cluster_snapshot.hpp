// The Cluster Autoscaler's in-memory cluster copy for scheduling what-ifs (cluster-autoscaler
// simulator/clustersnapshot/{clustersnapshot,scheduling_opts}.go, store/{basic,delta}.go,
// predicate/plugin_runner.go, simulator/framework/handle.go): nodes with their pods, one level of
// fork / revert / commit, and the kube-scheduler PreFilter + Filter plugins CA runs (never Score):
// NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, PodTopologySpread
// and InterPodAffinity (required terms). Pods are placed first-fit over a ring of nodes that
// resumes one past the node that accepted the previous pod (NewLastIndexOrderMapping).
//
// The snapshot holds pointers to pod specs and labels; the caller keeps them alive while the
// snapshot is used (cluster pods during one policy call, template pods in the policy's caches).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "capsim/cluster/objects.hpp"

namespace capsim::scheduling {

inline constexpr cluster::PodId k_no_pod = UINT32_MAX;

// A pod as the snapshot sees it.
struct SnapshotPod {
  cluster::PodId id{k_no_pod};  // the cluster pod, or k_no_pod for a template's DaemonSet / mirror pod
  std::uint64_t uid{0};
  const cluster::PodSchedulingSpec* spec{nullptr};
  const Labels* labels{nullptr};  // null: no labels
  std::string_view namespace_{"default"};
  bool daemon{false};
  bool mirror{false};
};

// A snapshot node's labels: borrowed from the cluster node (no copy per loop; the node outlives
// the snapshot) or owned (template nodes). Writing through operator[] first makes an owned copy.
class SnapshotLabels {
 public:
  SnapshotLabels() : m_own(std::make_shared<Labels>()), m_ptr(m_own.get()) {}
  SnapshotLabels(Labels l) : m_own(std::make_shared<Labels>(std::move(l))), m_ptr(m_own.get()) {}  // NOLINT: a map
  static SnapshotLabels borrow(const Labels& l) { return SnapshotLabels(&l); }
  operator const Labels&() const { return *m_ptr; }  // NOLINT: reads as the map
  Labels::const_iterator find(const std::string& k) const { return m_ptr->find(k); }
  Labels::const_iterator begin() const { return m_ptr->begin(); }
  Labels::const_iterator end() const { return m_ptr->end(); }
  std::size_t count(const std::string& k) const { return m_ptr->count(k); }
  const std::string& at(const std::string& k) const { return m_ptr->at(k); }
  std::string& operator[](const std::string& k) {
    own();
    return (*m_own)[k];
  }

 private:
  explicit SnapshotLabels(const Labels* borrowed) : m_ptr(borrowed) {}
  void own() {
    if (m_own && m_own.use_count() == 1 && m_ptr == m_own.get()) return;
    m_own = std::make_shared<Labels>(*m_ptr);
    m_ptr = m_own.get();
  }
  std::shared_ptr<Labels> m_own;
  const Labels* m_ptr;
};

struct SnapshotNode {
  std::string name;
  cluster::NodeId id{cluster::k_no_node};  // the cluster node, or k_no_node for a template copy
  std::string node_group;                  // "" for nodes of no node group
  SnapshotLabels labels;
  std::vector<Taint> taints;
  bool unschedulable{false};  // cordoned
  ResourceList capacity;
  ResourceList allocatable;
  ResourceList requested;  // sum of the requests of `pods`
  std::vector<SnapshotPod> pods;
};

// Which Filter plugin rejected a pod (the first one, in the default profile's order).
enum class FilterFailure : std::uint8_t {
  none,
  node_unschedulable,  // NodeUnschedulable
  taint,               // TaintToleration
  node_affinity,       // NodeAffinity (nodeSelector, required node affinity)
  node_ports,          // NodePorts
  resources,           // NodeResourcesFit (incl. the pod count)
  topology_spread,     // PodTopologySpread
  inter_pod_affinity,  // InterPodAffinity
};
std::string_view filter_failure_text(FilterFailure f);  // kube-scheduler's reason text
// NodeResourcesFit's reason: "Insufficient cpu", "Too many pods", ...
std::string insufficient_resource(const cluster::PodSchedulingSpec& pod, const SnapshotNode& node);

class ClusterSnapshot {
 public:
  // Nodes keep their insertion order (the "list order" CA iterates).
  std::size_t add_node(SnapshotNode node);
  // The same, told whether any of the node's pods has required pod anti-affinity (a caller that
  // caches nodes knows it without reading every pod).
  std::size_t add_node(SnapshotNode node, bool pods_have_anti_affinity);
  // One snapshot refilled loop after loop (the Cluster Autoscaler's), copying only what changed:
  // begin_refill() forgets the fork and the name index (the ring position stays); then each node i is
  // either kept (the caller knows it holds the same cluster node at the same version, and
  // changed(i) says nothing edited it outside a fork since the last refill) or assigned in full
  // through refill(i) (i == size() appends); end_refill(n, ...) drops the nodes from n on.
  void begin_refill();
  bool changed(std::size_t i) const { return i < m_changed.size() && m_changed[i]; }
  SnapshotNode& refill(std::size_t i);
  void end_refill(std::size_t n, bool any_anti_affinity);
  std::size_t size() const { return m_nodes.size(); }
  std::size_t ring_position() const { return m_last_index; }
  const SnapshotNode& node(std::size_t i) const { return m_nodes[i]; }
  const std::vector<SnapshotNode>& nodes() const { return m_nodes; }
  std::optional<std::size_t> find(std::string_view name) const;

  void add_pod(std::size_t node, const SnapshotPod& pod);
  // Removes the pod with this cluster id from the node; false if it is not there.
  bool remove_pod(std::size_t node, cluster::PodId id);
  void add_taint(std::size_t node, const Taint& taint);

  // One level of what-if: fork, then revert (drop every change since) or commit (keep them).
  void fork();
  void revert();
  void commit();
  bool forked() const { return m_fork.has_value(); }

  // Filter plugins for `pod` on node `i` (PreFilter state computed for this one check).
  FilterFailure check(const SnapshotPod& pod, std::size_t i) const;
  // Checks and, if every filter passes, places the pod on node `i`.
  FilterFailure try_schedule(const SnapshotPod& pod, std::size_t i);
  // SchedulePodOnAnyNodeMatching: the first node (in ring order from the last hit) that passes
  // `acceptable` and every filter gets the pod. nullopt when none.
  std::optional<std::size_t> schedule_anywhere(const SnapshotPod& pod,
                                               const std::function<bool(std::size_t)>& acceptable = {});

 private:
  struct PreFilter;
  PreFilter prefilter(const SnapshotPod& pod) const;
  FilterFailure filter(const PreFilter& pf, const SnapshotPod& pod, const SnapshotNode& n) const;
  SnapshotNode& edit(std::size_t i);  // saves the node first when forked
  void mark_changed(std::size_t i);

  std::vector<SnapshotNode> m_nodes;
  std::vector<bool> m_changed;  // nodes edited outside a fork (or committed) since the last refill
  mutable std::unordered_map<std::string, std::size_t> m_index;  // names of m_nodes[0, m_indexed)
  mutable std::size_t m_indexed{0};
  struct Fork {
    std::size_t node_count{0};
    std::vector<std::pair<std::size_t, SnapshotNode>> saved;
    std::vector<bool> is_saved;
    bool any_anti_affinity{false};
  };
  std::optional<Fork> m_fork;
  std::size_t m_last_index{0};     // predicate/plugin_runner.go lastIndex: not part of the snapshot data
  bool m_any_anti_affinity{false};  // some pod in the snapshot has required anti-affinity
  // The largest allocatable CPU and memory (milli-units) of any node: at least that after a
  // revert dropped nodes, so a pod requesting more fits no node.
  std::int64_t m_largest_cpu{0}, m_largest_memory{0};
  void widen_largest(const SnapshotNode& n);
};

// simulator/scheduling/hints.go: where each pod (by uid) was placed last, in two generations: a
// hint set since the last drop_old() is current, the ones before are old; drop_old() forgets the
// old ones (hints not used in a whole round).
class SchedulingHints {
 public:
  // The hinted node's name (interned: valid as long as the hints are), or null.
  const std::string* get(std::uint64_t pod_uid) const;
  void set(std::uint64_t pod_uid, const std::string& node) { m_current[pod_uid] = intern(node); }
  // The same with a name get() returned.
  void set_interned(std::uint64_t pod_uid, const std::string* node) { m_current[pod_uid] = node; }
  void drop_old();
  // Whether the last drop_old() found this round's hints equal to the round's before: with every
  // round ending in drop_old(), the round left the hints as it found them.
  bool last_round_repeated() const { return m_repeated; }

 private:
  // Node names are kept once each (a loop sets a hint for every pending pod it places): the maps
  // hold pointers, equal exactly when the names are.
  const std::string* intern(const std::string& name);
  std::unordered_set<std::string> m_names;
  std::unordered_map<std::uint64_t, const std::string*> m_current, m_old;
  bool m_repeated{false};
};

// hinting_simulator.go TrySchedulePods for one pod: its hinted node first (when it is still in
// the snapshot and acceptable; the ring position does not move), else schedule_anywhere; the node
// that takes the pod becomes its hint. nullopt when no node takes it.
std::optional<std::size_t> schedule_with_hints(ClusterSnapshot& snap, const SnapshotPod& pod, SchedulingHints& hints,
                                               const std::function<bool(std::size_t)>& acceptable = {});

}  // namespace capsim::scheduling
