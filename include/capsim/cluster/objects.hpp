// Cluster objects: Pod and Node (a Node also carries its NodeClaim lifecycle when Karpenter owns
// it), with the precomputed scheduling data the placement engine reads on its hot path.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/labels.hpp"
#include "capsim/core/money.hpp"
#include "capsim/core/requirements.hpp"
#include "capsim/core/resources.hpp"
#include "capsim/core/taints.hpp"
#include "capsim/core/time.hpp"

namespace capsim::cluster {

using PodId = std::uint32_t;
using NodeId = std::uint32_t;
inline constexpr NodeId k_no_node = UINT32_MAX;

enum class PodPhase : std::uint8_t { pending, running, succeeded, deleted };

// Who owns a pod (ownerReferences): the workload that recreates it.
struct OwnerRef {
  std::string kind;  // Deployment (via ReplicaSet), StatefulSet, ReplicaSet, DaemonSet, Job, Node, ""
  std::string name;
  bool operator==(const OwnerRef&) const = default;
};

// metav1.LabelSelector over pod labels: matchLabels (key -> value) and matchExpressions with
// In / NotIn / Exists / DoesNotExist (k8s.io/apimachinery labels.Selector semantics). capsim's
// scenario schema does not distinguish an absent selector from `{}`: both match every pod.
struct LabelSelectorTerm {
  std::string key;
  Operator op{Operator::in};
  std::vector<std::string> values;
  bool operator==(const LabelSelectorTerm&) const = default;
};
struct PodLabelSelector {
  std::map<std::string, std::string> match_labels;
  std::vector<LabelSelectorTerm> match_expressions;
  bool matches(const Labels& labels) const;
  bool operator==(const PodLabelSelector&) const = default;
};

// corev1.TopologySpreadConstraint.
struct TopologySpreadConstraint {
  std::string topology_key;
  int max_skew{1};
  bool do_not_schedule{true};  // whenUnsatisfiable: DoNotSchedule (true) | ScheduleAnyway
  PodLabelSelector selector;
  std::optional<int> min_domains;
  bool node_affinity_policy_honor{true};  // nodeAffinityPolicy, default Honor
  bool node_taints_policy_honor{false};   // nodeTaintsPolicy, default Ignore
  // matchLabelKeys: the pod's own values of these labels are ANDed into the selector (In [value]).
  std::vector<std::string> match_label_keys;
};

// corev1.PodAffinityTerm (namespaceSelector is not modelled).
struct PodAffinityTerm {
  std::string topology_key;
  PodLabelSelector selector;
  std::vector<std::string> namespaces;  // empty: the pod's own namespace
};
struct WeightedPodAffinityTerm {
  int weight{1};
  PodAffinityTerm term;
};

// The scheduling-relevant part of a pod spec, shared by every replica of a workload.
struct PodSchedulingSpec {
  ResourceList requests;  // effective requests (k8s PodRequests: containers, init, overhead) + pods: 1
  std::map<std::string, std::string> node_selector;
  std::vector<Requirements> required_terms;  // required node-affinity OR-terms (empty = none)
  std::vector<std::pair<int, Requirements>> preferred_terms;  // (weight, term), heaviest first
  std::vector<Toleration> tolerations;
  std::vector<int> host_ports;
  int priority{0};
  bool preempt_never{false};  // its PriorityClass's preemptionPolicy is Never
  // Topology spread constraints and pod (anti-)affinity; preferred terms are kept heaviest first
  // (stable), the order in which Karpenter's preferences.go relaxes them.
  std::vector<TopologySpreadConstraint> topology_spread;
  std::vector<PodAffinityTerm> pod_affinity;  // requiredDuringSchedulingIgnoredDuringExecution
  std::vector<WeightedPodAffinityTerm> preferred_pod_affinity;
  std::vector<PodAffinityTerm> pod_anti_affinity;  // requiredDuringSchedulingIgnoredDuringExecution
  std::vector<WeightedPodAffinityTerm> preferred_pod_anti_affinity;
  // Not scheduling data: terminationGracePeriodSeconds, how long a deleted or evicted pod keeps
  // running (and holding its requests) on its node before it is gone.
  int termination_grace_seconds{30};
  // Not scheduling data: hostPath / disk-backed emptyDir volume names, for the Cluster
  // Autoscaler's local-storage drain rule.
  std::vector<std::string> local_storage_volumes;

  bool has_topology() const {
    return !topology_spread.empty() || !pod_affinity.empty() || !preferred_pod_affinity.empty() ||
           !pod_anti_affinity.empty() || !preferred_pod_anti_affinity.empty();
  }

  // Karpenter pod requirements (pkg/scheduling/requirements.go): node selector as In + the first
  // required term ("strict"); plus the heaviest preferred term when include_preferred.
  Requirements karpenter_requirements(bool include_preferred) const;
  // kube-scheduler node-affinity filter: node selector matches and some required term matches.
  bool node_affinity_matches(const Labels& node_labels) const;
};

struct Pod {
  PodId id{0};
  std::uint64_t uid{0};  // creation order, unique per simulation (tie-break of last resort)
  std::string name;
  std::string namespace_{"default"};
  Labels labels;
  std::map<std::string, std::string> annotations;
  OwnerRef owner;
  std::shared_ptr<const PodSchedulingSpec> spec;
  SimTime created;
  PodPhase phase{PodPhase::pending};
  NodeId node{k_no_node};
  SimTime bound_at;
  // PodScheduled=False reason Unschedulable (kube-scheduler tried and failed): Karpenter's trigger.
  bool unschedulable{false};
  SimTime first_unschedulable_at;
  // ClusterState::capacity_generation() when kube-scheduler last found no node for the pod.
  std::optional<std::uint64_t> failed_at_capacity_generation;
  std::optional<Duration> run_duration;  // Job pods: succeed after running this long
  // Deleted gracefully (deletionTimestamp set): still bound and holding its requests until its
  // termination grace period ends. Its owner has already replaced it (a StatefulSet waits).
  bool terminating{false};

  bool is_daemon() const { return owner.kind == "DaemonSet"; }
  bool is_mirror() const { return owner.kind == "Node"; }
  bool bound() const { return node != k_no_node; }
};

// Karpenter NodeClaim lifecycle (pkg/controllers/nodeclaim/lifecycle): created -> launched
// (provider id, concrete type) -> registered (Node object) -> initialized (Ready, startup taints gone).
enum class NodeState : std::uint8_t { launching, launched, registered, ready, deleting, terminated };

struct Node {
  NodeId id{0};
  std::string name;
  // Ownership: node_pool set for Karpenter nodes, node_group for pre-existing/CA groups.
  std::string node_pool;
  std::string node_group;
  NodeState state{NodeState::launching};
  Labels labels;
  std::vector<Taint> taints;
  std::vector<Taint> startup_taints;
  bool unschedulable{false};  // cordoned
  bool marked{false};         // marked for deletion by a disruption command (see marked_for_deletion)

  // Concrete after launch.
  std::string instance_type;
  std::string zone;
  std::string capacity_type;
  Money price_per_hour;
  ResourceList capacity;
  ResourceList allocatable;

  // Before launch: the NodeClaim's requirements and instance-type options (cheapest first).
  Requirements requirements;
  std::vector<std::string> instance_type_options;
  ResourceList nodeclaim_requests;

  ResourceList requested;  // sum of requests of pods bound here
  std::vector<PodId> pods;  // bound pods, in bind order

  SimTime created_at;
  SimTime launched_at;
  SimTime registered_at;
  SimTime initialized_at;
  SimTime deletion_requested_at;
  SimTime terminated_at;
  std::string deletion_reason;
  SimTime nominated_until;  // Karpenter nomination window (state/statenode.go)
  SimTime last_pod_event_at;  // status.lastPodEventTime (podevents controller)
  std::string launch_tag;     // set from LaunchNode::tag so a policy can find the nodes it asked for
  std::map<std::string, std::string> annotations;  // e.g. karpenter.sh/nodepool-hash
  std::optional<Duration> termination_grace_period;  // drain deadline (NodeClaim terminationGracePeriod)
  // Bumped by ClusterState whenever anything about the node changes (pods bound or removed, state,
  // labels, taints, marks): per-node caches of derived scheduling data compare it.
  std::uint64_t version{0};

  bool managed() const { return !node_pool.empty(); }
  bool initialized() const { return state == NodeState::ready; }
  bool launched() const { return state != NodeState::launching; }
  // Karpenter marks the candidates of a disruption command for deletion (tainted
  // karpenter.sh/disrupted:NoSchedule) while its replacements boot; their pods keep running.
  bool marked_for_deletion() const { return marked || state == NodeState::deleting || state == NodeState::terminated; }
  bool active() const { return !marked_for_deletion(); }
  // kube-scheduler may bind here: Ready, not cordoned, not being deleted.
  bool schedulable() const { return state == NodeState::ready && !unschedulable; }
  ResourceList available() const { return allocatable - requested; }
};

}  // namespace capsim::cluster
