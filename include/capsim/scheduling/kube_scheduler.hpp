// A kube-scheduler-like binder over ClusterState: default filters (NodeResourcesFit incl. pod
// count, NodeAffinity/nodeSelector, TaintToleration for NoSchedule/NoExecute, NodePorts,
// NodeUnschedulable, PodTopologySpread for DoNotSchedule constraints, InterPodAffinity for
// required affinity / anti-affinity including existing pods' anti-affinity) and the default score
// plugins with their weights (kube_score.hpp).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/scheduling/kube_score.hpp"

namespace capsim::scheduling {

struct BindChoice {
  std::optional<cluster::NodeId> node;
  std::string reason;  // why no node fits (first node's failure summary) when node is empty
};

// Why `pod` cannot go on `node` (empty string = it can).
std::string kube_filter(const cluster::Node& node, const cluster::PodSchedulingSpec& pod,
                        const cluster::ClusterState& state);

// PodTopologySpread and InterPodAffinity (k8s pkg/scheduler/framework/plugins/podtopologyspread
// and interpodaffinity, filtering.go), computed once per pod (PreFilter) and asked per node.
class KubeTopologyFilter {
 public:
  KubeTopologyFilter(const cluster::ClusterState& state, const cluster::Pod& pod);
  bool active() const { return m_active; }
  // Why `pod` cannot go on `node` for topology reasons (empty string = it can).
  std::string check(const cluster::Node& node) const;

 private:
  struct Spread {
    std::string key;
    int max_skew{1};
    std::optional<int> min_domains;
    bool self{false};
    std::map<std::string, std::int64_t> counts;  // domain -> matching pods on eligible nodes
    std::int64_t min{0};
  };
  struct Pair {
    std::string key, value;
    auto operator<=>(const Pair&) const = default;
  };
  bool m_active{false};
  std::vector<Spread> m_spread;
  const cluster::Pod* m_pod{nullptr};
  std::map<Pair, std::int64_t> m_affinity;       // affinityCounts
  std::map<Pair, std::int64_t> m_anti_affinity;  // antiAffinityCounts
  std::map<Pair, std::int64_t> m_existing_anti;  // existingAntiAffinityCounts
  bool m_self_affinity{false};                   // the pod matches all its own affinity terms
};

// Highest weighted score (score_nodes) wins; ties go to the lowest node name (upstream picks uniformly at random among
// the top scores, selectHost in schedule_one.go; capsim fixes the lexical rule for determinism).
// `explain`: on failure, fill BindChoice::reason (a second pass over the nodes).
BindChoice select_node(const cluster::ClusterState& state, const cluster::Pod& pod, bool explain = true);

// DefaultPreemption (k8s pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go
// SelectVictimsOnNode, pkg/scheduler/framework/preemption/preemption.go pickOneNodeForPreemption)
// for a pod that fits no node: on each node, remove every pod of lower priority; if the pod then
// passes the filters (resources, ports, taints, node affinity; topology spread and inter-pod
// affinity are not re-checked), reprieve the removed pods most important first (priority, then
// creation) - those whose eviction `pdb_allows` refuses first - keeping every one the pod still
// fits with. Among the nodes with victims: fewest PDB violations, then the lowest highest victim
// priority, the smallest sum of victim priorities, the fewest victims, then the node name (upstream
// falls back to its candidate order). A pod whose preemptionPolicy is Never preempts nothing.
struct Preemption {
  cluster::NodeId node{cluster::k_no_node};
  std::vector<cluster::PodId> victims;  // most important first
  int pdb_violations{0};
};
std::optional<Preemption> select_preemption(const cluster::ClusterState& state, const cluster::Pod& pod,
                                            const std::function<bool(const cluster::Pod&)>& pdb_allows);

}  // namespace capsim::scheduling
