// The scenario schema as plain structs: the capsim Scenario document plus the Kubernetes,
// Karpenter (v1alpha5 Provisioner/AWSNodeTemplate, v1beta1/v1 NodePool/EC2NodeClass) and
// workload manifests it carries, with upstream field names kept in comments. Loading with
// locations and validation lives in io; defaults in spec/defaults.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/labels.hpp"
#include "capsim/core/quantity.hpp"
#include "capsim/core/requirements.hpp"
#include "capsim/core/resources.hpp"
#include "capsim/core/taints.hpp"
#include "capsim/core/time.hpp"

namespace capsim::spec {

struct SourceLoc {
  std::string file;
  int line{0};
  int col{0};
};

// corev1.NodeSelectorRequirement (+ Karpenter's minValues).
struct SelectorRequirement {
  std::string key;
  Operator op{Operator::in};
  std::vector<std::string> values;
  std::optional<int> min_values;
};
using NodeSelectorTerm = std::vector<SelectorRequirement>;

struct PreferredSchedulingTerm {
  int weight{1};
  NodeSelectorTerm preference;
};

struct NodeAffinity {
  std::vector<NodeSelectorTerm> required;  // requiredDuringSchedulingIgnoredDuringExecution (OR of terms)
  std::vector<PreferredSchedulingTerm> preferred;
};

// metav1.LabelSelector (matchExpressions use In/NotIn/Exists/DoesNotExist).
struct LabelSelector {
  std::map<std::string, std::string> match_labels;
  std::vector<SelectorRequirement> match_expressions;
  bool matches(const Labels& labels) const;
  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
};

struct PodAffinityTerm {
  LabelSelector selector;
  std::string topology_key;
  std::vector<std::string> namespaces;
};
struct WeightedPodAffinityTerm {
  int weight{1};
  PodAffinityTerm term;
};
struct PodAffinity {
  std::vector<PodAffinityTerm> required;
  std::vector<WeightedPodAffinityTerm> preferred;
};

struct TopologySpreadConstraint {
  int max_skew{1};
  std::string topology_key;
  bool do_not_schedule{true};  // whenUnsatisfiable: DoNotSchedule (true) | ScheduleAnyway
  LabelSelector selector;
  std::optional<int> min_domains;
  bool node_affinity_policy_honor{true};  // nodeAffinityPolicy (default Honor)
  bool node_taints_policy_honor{false};   // nodeTaintsPolicy (default Ignore)
  std::vector<std::string> match_label_keys;
};

struct Container {
  std::string name;
  ResourceList requests;  // limits-only resources are defaulted into requests by the loader
  ResourceList limits;
  std::vector<int> host_ports;
  bool restart_always{false};  // init container with restartPolicy: Always (sidecar)
};

struct PodTemplate {
  Labels labels;
  std::map<std::string, std::string> annotations;
  std::map<std::string, std::string> node_selector;
  NodeAffinity node_affinity;
  PodAffinity pod_affinity;
  PodAffinity pod_anti_affinity;
  std::vector<Toleration> tolerations;
  std::vector<TopologySpreadConstraint> topology_spread;
  std::vector<Container> containers;
  std::vector<Container> init_containers;
  ResourceList overhead;  // RuntimeClass overhead
  std::string priority_class_name;
  std::optional<int> priority;
  int termination_grace_period_seconds{30};
  // capsim extension (annotation capsim.dev/run-duration on the template): how long a Job pod
  // runs before it succeeds. Unset: runs until deleted.
  std::optional<Duration> run_duration;
};

enum class WorkloadKind : std::uint8_t { deployment, stateful_set, replica_set, daemon_set, job, pod };
std::string_view workload_kind_name(WorkloadKind k);  // "Deployment", ...

struct Workload {
  WorkloadKind kind{WorkloadKind::deployment};
  std::string name;
  std::string namespace_{"default"};
  int replicas{1};     // Deployment/StatefulSet/ReplicaSet replicas; Job parallelism; Pod 1
  int completions{1};  // Job only
  PodTemplate tmpl;
  SourceLoc loc;
};

struct PodDisruptionBudget {
  std::string name;
  std::string namespace_{"default"};
  LabelSelector selector;
  std::optional<std::string> min_available;    // int or percent
  std::optional<std::string> max_unavailable;  // int or percent
  SourceLoc loc;
};

struct PriorityClass {
  std::string name;
  int value{0};
  bool global_default{false};
};

struct KubeletSpec {
  std::optional<int> max_pods;
  std::optional<int> pods_per_core;
  std::map<std::string, Quantity> kube_reserved;
  std::map<std::string, Quantity> system_reserved;
  std::map<std::string, std::string> eviction_hard;
  bool operator==(const KubeletSpec&) const = default;
};

enum class ConsolidationPolicy : std::uint8_t { when_empty, when_empty_or_underutilized, balanced };

// karpenter.sh/v1 NodePool spec.disruption.budgets[]
struct DisruptionBudget {
  std::string nodes{"10%"};
  std::optional<std::string> schedule;  // cron, UTC
  std::optional<Duration> duration;
  std::vector<std::string> reasons;  // Empty | Drifted | Underutilized; empty = all
};

// One NodePool, whichever API wrote it. `api` says which: "karpenter.sh/v1alpha5" (Provisioner),
// "karpenter.sh/v1beta1" or "karpenter.sh/v1" (NodePool).
struct NodePool {
  std::string name;
  std::string api;
  std::string kind;  // Provisioner | NodePool
  int weight{0};
  Labels labels;                          // template labels
  std::vector<Taint> taints;
  std::vector<Taint> startup_taints;
  std::vector<SelectorRequirement> requirements;
  std::string node_class_ref;  // providerRef.name (v1alpha5) | nodeClassRef.name
  ResourceList limits;
  bool has_limits{false};
  // Disruption, normalised: v1alpha5 TTLs are kept as they are (their semantics differ).
  ConsolidationPolicy consolidation_policy{ConsolidationPolicy::when_empty_or_underutilized};
  std::optional<Duration> consolidate_after{Duration{0}};  // nullopt = Never
  std::optional<Duration> expire_after{Duration::hours(720)};  // nullopt = Never
  std::vector<DisruptionBudget> budgets;  // defaulted to [{nodes: 10%}]
  std::optional<Duration> termination_grace_period;
  // v1alpha5 only
  bool consolidation_enabled{false};
  std::optional<std::int64_t> ttl_seconds_after_empty;
  std::optional<std::int64_t> ttl_seconds_until_expired;
  std::optional<KubeletSpec> kubelet;  // v1alpha5 kubeletConfiguration / v1beta1 template kubelet
  SourceLoc loc;
};

// karpenter.k8s.aws/v1alpha1 AWSNodeTemplate or v1beta1/v1 EC2NodeClass.
struct NodeClass {
  std::string name;
  std::string api;
  std::string kind;
  std::string ami_family{"AL2023"};  // v1alpha5 default AL2
  std::optional<Quantity> root_volume_size;
  std::optional<KubeletSpec> kubelet;  // v1 EC2NodeClass spec.kubelet
  // subnetSelectorTerms zones (topology.kubernetes.io/zone tags), if any; empty = every zone.
  std::vector<std::string> subnet_zones;
  SourceLoc loc;
};

// Pre-existing, non-autoscaled nodes such as an EKS managed node group.
struct NodeGroup {
  std::string name;
  std::string instance_type;
  int count{1};
  std::vector<std::string> zones;  // nodes are spread round-robin; empty = scenario zones
  std::string capacity_type{"on-demand"};
  std::string ami_family{"AL2"};
  Labels labels;
  std::vector<Taint> taints;
  std::optional<KubeletSpec> kubelet;
  SourceLoc loc;
};

struct KarpenterSettings {
  std::string version{"v1.14"};  // v0.29 | v1.14
  Duration batch_idle{Duration::seconds(1)};
  Duration batch_max{Duration::seconds(10)};
  double vm_memory_overhead_percent{0.075};
  bool spot_to_spot_consolidation{false};
  std::string min_values_policy{"Strict"};
  bool is_v1alpha5() const { return version.rfind("v0.", 0) == 0; }
};

// Node boot model shared by every autoscaler (defaults: reference karpenter.md section 4.5).
struct CloudSettings {
  Duration launch_latency{Duration::seconds(2)};          // CreateFleet round trip
  Duration registration_latency{Duration::seconds(30)};   // instance pending -> kubelet registered
  Duration initialization_latency{Duration::seconds(10)}; // registered -> Ready/initialized
  Duration termination_latency{Duration::seconds(5)};     // drained -> instance terminated (billing stops)
};

struct TraceReplay {
  std::string path;    // resolved against the scenario file's directory
  std::string format;  // csv | jsonl | "" (by extension)
};

enum class TimelineKind : std::uint8_t { apply, scale, del, replay, update };

struct TimelineEvent {
  Duration at;
  TimelineKind kind{TimelineKind::apply};
  std::string target_kind;  // Deployment, NodePool, ... (apply/scale/delete)
  std::string target_name;
  int replicas{0};  // scale
  TraceReplay replay;
  // update: new versions of existing NodePools / node classes (same names), from a file. Nodes
  // launched under the old versions drift (reference karpenter.md 6.3).
  std::string update_file;
  std::vector<NodePool> node_pool_updates;
  std::vector<NodeClass> node_class_updates;
  SourceLoc loc;
};

// spec.failures: capacity and spot failures the simulated cloud injects (cloud/failures.hpp has
// the semantics). Empty filters mean "any".
struct InsufficientCapacityFailure {
  std::string capacity_type;                // on-demand | spot | "" (any)
  std::vector<std::string> instance_types;  // empty: any
  std::vector<std::string> zones;           // empty: any
  Duration from{0};                         // window start, inclusive
  std::optional<Duration> until;            // window end, exclusive; nullopt: the end of the run
  std::optional<double> probability;        // per attempt, stream "ice"; nullopt: every attempt fails
  SourceLoc loc;
};

struct SpotInterruptionFailure {
  Duration at;                // the 2-minute notice is given at `at`
  std::string instance_type;  // "" = any
  std::string zone;           // "" = any
  int count{1};               // the `count` oldest running matching spot nodes (ties: node name)
  SourceLoc loc;
};

struct Failures {
  std::vector<InsufficientCapacityFailure> insufficient_capacity;
  std::vector<SpotInterruptionFailure> spot_interruptions;
  bool sampled_spot_interruptions{false};  // sample each spot node's interruption from its band
  bool empty() const {
    return insufficient_capacity.empty() && spot_interruptions.empty() && !sampled_spot_interruptions;
  }
};

// The summary metrics an expectation may name (the keys of a result's summary).
inline constexpr std::string_view k_expectation_metrics[] = {
    "nodesLaunched", "nodesTerminated", "peakNodes",        "finalNodes",            "costUsd",
    "nodeHours",     "podsCreated",     "podsPendingAtEnd", "podPendingSeconds.p50", "podPendingSeconds.p95",
    "podPendingSeconds.max"};

// A CI expectation on a summary metric of one autoscaler's result.
struct Expectation {
  std::string autoscaler;  // empty = every autoscaler run
  std::string metric;      // summary key: nodesLaunched, peakNodes, costUsd, podPendingSeconds.max, ...
  std::string op;          // "==", "<=", ">=", "<", ">"
  double value{0};
  SourceLoc loc;
};

struct Scenario {
  std::string name;
  std::string file;  // path as given on the command line
  std::string description;
  std::string region{"us-east-1"};
  std::vector<std::string> zones;  // empty = every zone of the region in the catalog
  Duration duration{Duration::hours(1)};
  std::uint64_t seed{1};
  // Wall-clock time of t = 0 (UTC, Unix seconds) for cron schedules of disruption budgets.
  // Default 2026-01-05T00:00:00Z, a Monday.
  std::int64_t start_time_unix_s{1767571200};
  std::vector<std::string> autoscalers{"karpenter"};
  KarpenterSettings karpenter;
  CloudSettings cloud;
  std::vector<NodeGroup> node_groups;
  std::vector<NodePool> node_pools;
  std::vector<NodeClass> node_classes;
  std::vector<Workload> workloads;
  std::vector<PodDisruptionBudget> pdbs;
  std::vector<PriorityClass> priority_classes;
  std::vector<TimelineEvent> timeline;  // sorted by time, stable
  Failures failures;
  std::vector<Expectation> expectations;
  std::vector<Diagnostic> warnings;  // unmodelled fields, one each

  const Workload* find_workload(std::string_view kind, std::string_view name) const;
  const NodeClass* find_node_class(std::string_view name) const;
};

}  // namespace capsim::spec
