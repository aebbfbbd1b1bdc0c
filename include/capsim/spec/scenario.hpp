// The scenario schema as plain structs: the capsim Scenario document plus the Kubernetes,
// Karpenter (v1alpha5 Provisioner/AWSNodeTemplate, v1beta1/v1 NodePool/EC2NodeClass) and
// workload manifests it carries, with upstream field names kept in comments. Loading with
// locations and validation lives in io; defaults in spec/defaults.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/labels.hpp"
#include "capsim/core/money.hpp"
#include "capsim/core/quantity.hpp"
#include "capsim/core/requirements.hpp"
#include "capsim/core/resources.hpp"
#include "capsim/core/taints.hpp"
#include "capsim/core/time.hpp"
#include "capsim/spec/trace.hpp"

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
  // Names of hostPath volumes and emptyDir volumes not backed by memory (the Cluster Autoscaler's
  // local-storage drain rule); other volume types are not modelled.
  std::vector<std::string> local_storage_volumes;
  // capsim extension (annotation capsim.dev/run-duration on the template): how long a Job pod
  // runs before it succeeds. Unset: runs until deleted.
  std::optional<Duration> run_duration;

  // k8s.io/component-helpers resource.PodRequests: max(sum of containers + sidecars, peak of init
  // containers with the sidecars started before them) + RuntimeClass overhead, plus pods: 1.
  ResourceList requests() const;
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
  bool preempt_never{false};  // preemptionPolicy: Never (default PreemptLowerPriority)
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
  std::map<std::string, std::string> annotations;  // template annotations (e.g. karpenter.sh/do-not-disrupt)
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

// One EBS volume of a node (EC2NodeClass/AWSNodeTemplate blockDeviceMappings[].ebs, or the AMI
// family's default mappings): what it costs per GiB-month, provisioned IOPS and throughput.
struct EbsVolume {
  std::string device_name{};
  std::int64_t size_gib{0};
  std::string volume_type{"gp3"};  // gp3 | gp2 | io1 | io2 | st1 | sc1 | standard
  std::int64_t iops{0};             // 0: the type's baseline (gp3 3,000)
  std::int64_t throughput_mibps{0}; // gp3 only; 0: 125 MiB/s
};

// The volumes EC2 creates for a node of `ami_family` when its NodeClass maps none: Karpenter's
// defaults (aws pkg/providers/amifamily/{al2,al2023,bottlerocket,windows,custom}.go
// DefaultBlockDeviceMappings; Custom: amifamily.DefaultEBS): 20Gi gp3, Bottlerocket 4Gi root +
// 20Gi data, Windows 50Gi. Node groups use the same (an EKS managed node group's default disk is
// 20 GiB).
std::vector<EbsVolume> default_volumes(std::string_view ami_family);

// karpenter.k8s.aws/v1alpha1 AWSNodeTemplate or v1beta1/v1 EC2NodeClass.
struct NodeClass {
  std::string name;
  std::string api;
  std::string kind;
  std::string ami_family{"AL2023"};  // v1alpha5 default AL2
  std::optional<Quantity> root_volume_size;
  std::vector<EbsVolume> volumes{};    // blockDeviceMappings, else default_volumes(ami_family)
  bool instance_store_raid0{false};  // EC2NodeClass spec.instanceStorePolicy: RAID0
  std::optional<KubeletSpec> kubelet;  // v1 EC2NodeClass spec.kubelet
  // subnetSelectorTerms zones (topology.kubernetes.io/zone tags), if any; empty = every zone.
  std::vector<std::string> subnet_zones;
  SourceLoc loc;
};

// AWS::AutoScaling::AutoScalingGroup MixedInstancesPolicy with its InstancesDistribution
// flattened: launch template overrides (instance types in priority order) and the On-Demand /
// Spot split.
struct MixedInstancesPolicy {
  std::vector<std::string> overrides;  // launchTemplate.overrides[].instanceType, first = highest priority
  int on_demand_base_capacity{0};
  int on_demand_percentage_above_base_capacity{100};
  std::string on_demand_allocation_strategy{"prioritized"};  // prioritized | lowest-price
  std::string spot_allocation_strategy{"lowest-price"};      // lowest-price | price-capacity-optimized | capacity-optimized
};

// A node group: pre-existing nodes (such as an EKS managed node group) and, when max_size is set,
// an AWS Auto Scaling group that the Cluster Autoscaler scales between min_size and max_size.
// One node of a node group that exists at t = 0, placed and loaded as listed (`nodeGroups[].nodes`,
// e.g. from `capsim import cluster`).
struct InitialNode {
  std::string zone;
  std::string instance_type;  // empty: the group's
  std::vector<std::pair<std::string, int>> pods;  // workload name -> pods bound here at t = 0
  SourceLoc loc;
};

struct NodeGroup {
  std::string name;
  std::string instance_type;  // for a mixed-instances group: the first override
  // Nodes at the start. For an autoscaled group this is the desired capacity (desiredCapacity,
  // else count, else minSize).
  int count{1};
  std::vector<std::string> zones;  // nodes are spread round-robin; empty = scenario zones
  std::vector<InitialNode> nodes;  // given: the `count` nodes one by one, instead of round-robin
  std::string capacity_type{"on-demand"};
  std::string ami_family{"AL2"};
  Labels labels;
  std::vector<Taint> taints;
  std::optional<KubeletSpec> kubelet;
  // Autoscaling (AWS Auto Scaling group) fields.
  std::optional<int> min_size;
  std::optional<int> max_size;
  std::optional<MixedInstancesPolicy> mixed_instances;
  std::map<std::string, std::string> tags;         // ASG tags, e.g. k8s.io/cluster-autoscaler/node-template/label/<k>
  std::map<std::string, std::string> annotations;  // annotations of the group's nodes
  // The runs whose cluster holds the group (nodeGroups[].autoscalers); empty: the default of in_run.
  std::vector<std::string> autoscalers;
  SourceLoc loc;

  bool autoscaled() const { return max_size.has_value(); }
  // The group exists in the run of `autoscaler` (the run's first autoscaler, or one it hands over
  // to): one of `autoscalers` when given; otherwise a static group (no maxSize) is in every run
  // and an autoscaled one is the Cluster Autoscaler's, so only in its runs and in the static
  // cluster's (the cluster frozen as it stands). Karpenter's runs never see a CA group unless it
  // says so. The lower bound has no node groups.
  bool in_run(std::string_view autoscaler) const;
  // On-Demand instances a group of `size` instances holds: the base, then the percentage above
  // it, rounded up in favour of On-Demand (a group without a mixed-instances policy: all of them
  // for capacity type on-demand, none for spot).
  int on_demand_count(int size) const;
  // Capacity type of the index-th instance (0-based) when instances are added one by one.
  std::string capacity_type_at(int index) const;
};

// spec.controllerTime (or --controller-time): how long an autoscaler's own work takes in simulated
// time. "instant" (the default) runs every pass in zero time, as upstream's unit tests see it (a
// fake clock; no timeout ever fires). The presets charge each scheduling simulation, candidate
// listing, snapshot and binpacking an estimate of its wall time in a real controller, so that a
// pass ends later than it starts and upstream's wall-clock timeouts fire as they do in large
// clusters (docs/controller-time.md gives the sources of each figure and their uncertainty).
// Coefficients in nanoseconds; a pass's duration is their sum, rounded up to the millisecond.
struct ControllerTime {
  std::string preset{"instant"};  // instant | fast | typical | slow | custom
  // Karpenter: one scheduling simulation (disruption's SimulateScheduling or a provisioning solve)
  // costs simulation + simulation_per_node x nodes + simulation_per_pod x pods to place; listing
  // one method's candidates (GetCandidates) costs list_per_node x nodes.
  std::int64_t simulation_ns{0}, simulation_per_node_ns{0}, simulation_per_pod_ns{0}, list_per_node_ns{0};
  // Cluster Autoscaler: one node-removal simulation costs removal + removal_per_node x nodes; a
  // loop's cluster snapshot snapshot_per_node x nodes; the scale-up estimate binpack_per_pod for
  // each pod binpacked onto each node group's template.
  std::int64_t removal_ns{0}, removal_per_node_ns{0}, snapshot_per_node_ns{0}, binpack_per_pod_ns{0};
  bool instant() const { return preset == "instant"; }
  bool operator==(const ControllerTime&) const = default;
};
// The named preset (instant, fast, typical, slow), or nullopt.
std::optional<ControllerTime> controller_time_preset(std::string_view name);
inline constexpr const char* k_controller_time_presets[] = {"instant", "fast", "typical", "slow"};
struct Scenario;
// --controller-time: the same model for every autoscaler of the scenario.
void set_controller_time(Scenario& s, const ControllerTime& t);

struct KarpenterSettings {
  std::string version{"v1.14"};  // v0.29 | v1.14
  Duration batch_idle{Duration::seconds(1)};
  Duration batch_max{Duration::seconds(10)};
  double vm_memory_overhead_percent{0.075};
  bool spot_to_spot_consolidation{false};
  std::string min_values_policy{"Strict"};
  ControllerTime controller_time;  // spec.controllerTime (.karpenter)
  bool is_v1alpha5() const { return version.rfind("v0.", 0) == 0; }
};

// spec.clusterAutoscaler: the Cluster Autoscaler command-line flags, under their flag names in the
// scenario, with CA's defaults (reference cluster-autoscaler.md appendix A; CA >= 1.33).
struct ClusterAutoscalerSettings {
  std::string version{"1.33"};  // "1.<minor>": decides the default expander and removed flags
  std::vector<std::string> expander;  // --expander, in chain order; empty: the version's default
  Duration scan_interval{Duration::seconds(10)};
  double scale_down_utilization_threshold{0.5};
  Duration scale_down_unneeded_time{Duration::minutes(10)};
  Duration scale_down_unready_time{Duration::minutes(20)};
  Duration scale_down_delay_after_add{Duration::minutes(10)};
  Duration scale_down_delay_after_delete{Duration{0}};
  Duration scale_down_delay_after_failure{Duration::minutes(3)};
  bool scale_down_enabled{true};
  Duration max_node_provision_time{Duration::minutes(15)};
  Duration new_pod_scale_up_delay{Duration{0}};
  bool balance_similar_node_groups{false};
  bool enforce_node_group_min_size{false};
  int max_nodes_total{0};  // 0: no limit
  std::int64_t cores_total_min{0};
  std::int64_t cores_total_max{320000};
  std::int64_t memory_total_min_gib{0};
  std::int64_t memory_total_max_gib{6400000};
  int max_nodes_per_scaleup{1000};
  int max_scale_down_parallelism{10};
  int max_drain_parallelism{1};
  std::optional<int> max_empty_bulk_delete;  // only before 1.33 (default 10 there)
  bool ignore_daemonsets_utilization{false};
  bool skip_nodes_with_local_storage{true};
  bool skip_nodes_with_system_pods{true};
  int ok_total_unready_count{3};
  int max_total_unready_percentage{45};
  int expendable_pods_priority_cutoff{-10};
  Duration initial_node_group_backoff_duration{Duration::minutes(5)};
  Duration max_node_group_backoff_duration{Duration::minutes(30)};
  Duration node_group_backoff_reset_timeout{Duration::hours(3)};
  Duration node_delete_delay_after_taint{Duration::seconds(5)};
  // Wall-clock limit of one loop's removal simulations (planner.go); it binds only under a timed
  // controller-time model.
  Duration scale_down_simulation_timeout{Duration::seconds(30)};
  // Binpacking's wall-clock limits (bind only under a timed controllerTime).
  Duration max_node_group_binpacking_duration{Duration::seconds(10)};  // --max-nodegroup-binpacking-duration
  Duration max_binpacking_time{Duration::minutes(5)};                    // --max-binpacking-time
  // The priority expander ConfigMap (cluster-autoscaler-priority-expander, key `priorities`):
  // priority -> regular expressions matched against node group names. Empty: no ConfigMap.
  std::map<int, std::vector<std::string>> priorities;
  bool priority_config_given{false};
  ControllerTime controller_time;  // spec.controllerTime (.clusterAutoscaler)

  int minor() const;  // 33 for "1.33"
  // --expander as written ("least-waste" or the chain "priority,least-waste").
  std::vector<std::string> effective_expander() const;
};

// Node boot model shared by every autoscaler (defaults: reference karpenter.md section 4.5).
struct CloudSettings {
  Duration launch_latency{Duration::seconds(2)};          // CreateFleet round trip
  Duration registration_latency{Duration::seconds(30)};   // instance pending -> kubelet registered
  Duration initialization_latency{Duration::seconds(10)}; // registered -> Ready/initialized
  Duration termination_latency{Duration::seconds(5)};     // drained -> instance terminated (billing stops)
};

// spec.golden: how `capsim check --golden` compares this scenario's run with its stored golden
// (report/golden.hpp): a relative cost tolerance, a time shift within which two decisions are
// the same one, and decision categories (or "cost") left out of the comparison.
inline constexpr std::string_view k_golden_categories[] = {
    "launch",       "termination",   "disrupt",  "scale-up", "scale-down", "preempt",
    "interruption", "launch-failed", "handover", "cost"};
struct GoldenSettings {
  double cost_tolerance{0.0};  // |cost - golden| <= cost_tolerance x golden
  Duration time_tolerance{};
  std::vector<std::string> ignore;
};

struct TraceReplay {
  std::string path;    // resolved against the scenario file's directory
  std::string format;  // csv | jsonl | alibaba-openb | "" (by extension)
  std::optional<TraceGeneratorSpec> generate;  // a synthetic trace made on the fly instead of a file
  // Replay from this offset into the trace: the pods alive then are created at the replay's start,
  // later events come `skip` earlier (0: from the beginning).
  Duration skip{};
};

enum class TimelineKind : std::uint8_t { apply, scale, del, replay, update, handover };

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
  // handover: the `handover_from` autoscaler (empty = the first listed) stops deciding and
  // `handover_to` takes over; the old autoscaler's node groups stay as they are.
  std::string handover_from;
  std::string handover_to;
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
    "podPendingSeconds.p99", "podPendingSeconds.max", "evictions", "spotShare", "costRatioToLowerBound", "totalCostUsd"};

// Structural metrics: measured on the run's launches, terminations, decisions or final pod
// placement, narrowed by the expectation's filters (ExpectationFilter). The filters each allows
// are listed in docs/scenario-format.md.
inline constexpr std::string_view k_structural_metrics[] = {
    "launches",         "launch.instanceTypeOptions", "launch.requests.cpu", "launch.requests.memoryGiB",
    "terminations",     "disruptionWave.max",         "decisions",           "podsInZone",
    "podsPerZone.skew", "podsPerHost.skew"};

// What a structural expectation counts or reads; unset fields match everything.
struct ExpectationFilter {
  std::optional<std::string> instance_type, capacity_type, zone, node_pool, reason, kind, message_contains;
  std::optional<SimTime> from, until;  // [from, until) on the launch / termination / decision time
  Labels selector;                     // pod labels (pod metrics)
  std::size_t index{0};                // launch.*: the index-th matching launch (0-based)
  std::vector<std::string> given;      // "key=value" of each filter given, in a fixed key order (for the report)
};

// A CI expectation on a summary or structural metric of one autoscaler's result.
struct Expectation {
  std::string autoscaler;  // empty = every autoscaler run
  std::string metric;      // summary key (nodesLaunched, costUsd, ...) or a structural metric
  std::string op;          // "==", "<=", ">=", "<", ">"
  double value{0};
  ExpectationFilter filter;
  std::string label;  // metric plus its filters, e.g. launches{instanceType=m5.large}
  SourceLoc loc;
};

// A scenario-defined instance catalog (kind: InstanceCatalog): types built like Karpenter's
// fake.NewInstanceType (its labels size / special / integer included) with the given capacity,
// overhead, labels and offerings.
struct InlineOffering {
  std::string zone;
  std::string capacity_type;  // on-demand | spot
  double price_usd{0};        // per hour
  bool available{true};
};
struct InlineInstanceType {
  std::string name;
  ResourceList capacity;                // cpu, memory, pods (defaults 4, 4Gi, 5), extended resources
  std::optional<ResourceList> overhead;  // default: kube-reserved cpu 100m, memory 10Mi
  std::string arch{"amd64"};
  std::vector<std::string> operating_systems{"linux"};
  Labels labels;
  std::vector<InlineOffering> offerings;
  SourceLoc loc;
};
struct InstanceCatalogSpec {
  std::string name;
  std::string region{"test"};
  std::vector<InlineInstanceType> types;
  std::vector<std::string> zones() const;  // the zones its offerings name, sorted
  SourceLoc loc;
};

// Karpenter NodeClaims present at t = 0 (spec.nodeClaims[]): `count` initialized nodes of a
// NodePool, created `age` before t = 0, each with `pods` (workload name -> replicas) already bound.
struct InitialNodeClaim {
  std::string node_pool;
  std::string instance_type;
  std::string zone;
  std::string capacity_type{"on-demand"};
  Duration age{0};
  int count{1};
  std::vector<std::pair<std::string, int>> pods;
  SourceLoc loc;
};

// spec.pricing: the bill as a FinOps user reconciles it. Market prices (a price file, spot price
// overrides) replace the catalog's and so also change the autoscalers' decisions; discounts,
// Windows licences, EBS and the EKS fee are billing only, as Karpenter and the Cluster Autoscaler
// decide with public Linux list prices (aws pkg/providers/pricing/pricing.go filters
// operatingSystem=Linux; the CA's price expander uses the same list).
struct PriceOverride {
  std::string instance_type;
  std::string capacity_type{"on-demand"};  // on-demand | spot
  std::string zone{};                      // spot only; empty: every zone of the region
  std::string os{"linux"};                 // linux | windows (windows: billing only)
  Money price;                             // per hour
  std::string source;                      // "prices.csv:12", "spec.pricing.spotPrices"
};
struct Pricing {
  double on_demand_discount{0};                             // fraction of on-demand instance cost
  std::map<std::string, double, std::less<>> family_discounts;  // family -> fraction (replaces the global)
  std::vector<PriceOverride> prices;                        // spotPrices and priceFile rows, in order
  std::string eks_support{"standard"};                      // standard | extended | none
  std::map<std::string, double, std::less<>> ebs_usd_per_gib_month;  // volume type -> rate override
};

struct Scenario {
  std::string name;
  std::string file;  // path as given on the command line
  std::string description;
  // spec.instanceCatalog: "aws" (the EC2 catalog) or a built-in fake catalog of Karpenter's test
  // provider ("karpenter-fake", "karpenter-fake-assorted", "karpenter-fake-N"; region "test").
  std::string instance_catalog{"aws"};
  // InstanceCatalog documents of the scenario file; instance_catalog may name one.
  std::vector<InstanceCatalogSpec> instance_catalogs;
  const InstanceCatalogSpec* inline_catalog() const;  // the selected one, if instance_catalog names one
  std::string region{"us-east-1"};
  std::vector<std::string> zones;  // empty = every zone of the region in the catalog
  Duration duration{Duration::hours(1)};
  std::uint64_t seed{1};
  // Wall-clock time of t = 0 (UTC, Unix seconds) for cron schedules of disruption budgets.
  // Default 2026-01-05T00:00:00Z, a Monday.
  std::int64_t start_time_unix_s{1767571200};
  std::vector<std::string> autoscalers{"karpenter"};
  KarpenterSettings karpenter;
  ClusterAutoscalerSettings cluster_autoscaler;
  CloudSettings cloud;
  Pricing pricing;
  GoldenSettings golden;
  std::vector<NodeGroup> node_groups;
  std::vector<InitialNodeClaim> node_claims;
  std::vector<NodePool> node_pools;
  std::vector<NodeClass> node_classes;
  std::vector<Workload> workloads;
  std::vector<PodDisruptionBudget> pdbs;
  std::vector<PriorityClass> priority_classes;
  std::vector<TimelineEvent> timeline;  // sorted by time, stable
  Failures failures;
  std::vector<Expectation> expectations;
  std::vector<Diagnostic> warnings;  // questionable input that does not stop the run
  // Fields and kinds of the manifests that can change the answer but are not modelled (and, under
  // --lenient, unknown fields): reported always, in the text, JSON and HTML results.
  std::vector<Diagnostic> not_modelled;
  // Fields and kinds that cannot change the simulation (image, env, probes, Secrets ...): counted
  // in one line; `--explain-ignored` lists them.
  std::vector<Diagnostic> ignored;

  const Workload* find_workload(std::string_view kind, std::string_view name) const;
  const NodeClass* find_node_class(std::string_view name) const;
};

}  // namespace capsim::spec
