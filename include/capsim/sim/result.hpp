// What one simulation run produces for the reports: the signals the run emitted (launches,
// terminations, decisions, samples) and per-pod wait data. Reports observe these; nothing in sim
// calls into report.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capsim/core/money.hpp"
#include "capsim/core/resources.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/core/time.hpp"

namespace capsim::sim {

struct LaunchRecord {
  SimTime at;  // the NodeClaim was created (decision time)
  SimTime launched_at;  // instance running (billing starts)
  std::string node;
  std::string instance_type;
  std::string zone;
  std::string capacity_type;
  std::string node_pool;  // or node group
  std::string reason;
  Money price_per_hour;
  std::size_t instance_type_options{0};  // the NodeClaim's instance-type choices (0: a node group's)
  double requests_cpu{0};                // the NodeClaim's requests: cores
  double requests_memory_gib{0};         // and GiB
  // Why it is on-demand though its NodePool allows spot (policy::LaunchNode::capacity_note).
  std::string capacity_note{};
};

// The size of the nodes of one instance type in one NodePool / node group: capacity, allocatable
// and the overhead between them (Karpenter's AWS formulas, which EKS managed node groups share for
// the same AMI family and max pods: catalog/instance_type.hpp).
struct NodeSize {
  std::string node_pool;  // or node group
  std::string instance_type;
  ResourceList capacity;  // memory: EC2 memory less the VM overhead
  ResourceList allocatable;
  ResourceList kube_reserved;
  ResourceList system_reserved;
  ResourceList eviction_threshold;
  std::int64_t ec2_memory_mib{0};  // EC2 SizeInMiB (0 for a synthetic type)
};

struct TerminationRecord {
  SimTime at;  // deletion decided
  SimTime terminated_at;  // instance gone (billing stops)
  std::string node;
  std::string instance_type;
  std::string reason;
  std::string node_pool;  // or node group
};

// One provisioning or disruption decision with its reason and the pods involved, shaped like
// Karpenter's logs ("found provisionable pod(s)", "disrupting nodeclaim(s) via delete").
struct Decision {
  SimTime at;
  std::string autoscaler;
  std::string kind;    // provision | nominate | disrupt | unschedulable | launch-failed
  std::string reason;  // e.g. "empty", "ttlSecondsAfterEmpty", "provisionable pods"
  std::string node_pool;
  std::vector<std::string> nodes;           // candidates / launched node names
  std::vector<std::string> instance_types;  // options or chosen type
  std::vector<std::string> pods;
  std::string message;  // one human line
};

// A sample of the cluster, taken every sample interval and at the end.
struct Sample {
  SimTime at;
  std::map<std::string, int> nodes_by_type;  // live nodes (launching included) by instance type ("" while launching)
  int pending_pods{0};
  int running_pods{0};
  Money cost_rate_per_hour;  // sum of hourly prices of running instances
  int spot_nodes{0};         // of the live nodes, those on spot capacity
  // Over the live nodes that are registered (have allocatable): pod requests and allocatable.
  std::int64_t cpu_requested_millis{0}, cpu_allocatable_millis{0};
  std::int64_t memory_requested_bytes{0}, memory_allocatable_bytes{0};
};

// Pods of one workload that were pending at the end of the run or waited long to be placed, and
// why, in the autoscaler's words (the last reason it gave for one of them: Karpenter's
// "incompatible with nodepool ...", the Cluster Autoscaler's "pod didn't trigger scale-up: ..."),
// else the kube-scheduler's filters for the first one still pending ("0/3 nodes are available: ...").
struct PendingWorkload {
  std::string workload;  // "Deployment web", "Pod debug", "trace pods of ReplicaSet x" ...
  int pending_at_end{0};
  int waited_long{0};    // placed after waiting k_long_pending or more
  std::string reason;
};
// A pod that waits this long before it runs counts as waiting long (PendingWorkload::waited_long).
inline constexpr Duration k_long_pending = Duration::minutes(5);

// A price the run's instances were billed at, and where it comes from (catalog::Catalog's
// on_demand_source / spot_source, or spec.pricing).
struct PriceUsed {
  std::string instance_type;
  std::string capacity_type;
  std::string zone;  // spot prices differ per zone; "" for on-demand
  Money price_per_hour;
  std::string source;
  int nodes{0};
};

struct Summary {
  int nodes_launched{0};
  int nodes_terminated{0};
  int peak_nodes{0};
  int final_nodes{0};
  Money cost;        // EC2 instances after discounts (the instance lines of `bill`)
  Money total_cost;  // every line of the bill: instances, EBS volumes, the EKS fee
  double node_hours{0};
  std::int64_t pods_created{0};
  int pods_pending_at_end{0};
  double pod_pending_p50_s{0};
  double pod_pending_p95_s{0};
  double pod_pending_p99_s{0};
  double pod_pending_max_s{0};
  // Workload pods evicted from nodes (drains, terminations, spot reclaims); DaemonSet pods excluded.
  int evictions{0};
  // Share of node-hours on spot instances (0 without node-hours).
  double spot_share{0};
  std::map<std::string, int> terminations_by_reason;  // reason -> terminated nodes
  std::map<std::string, int> nodes_by_instance_type;  // instance type -> nodes launched
  // cost / the lower bound's cost, set on every other result when a lower bound ran (NaN when the
  // lower bound is 0).
  std::optional<double> cost_ratio_to_lower_bound;
};

// The value of a summary metric named as expectations name it (spec::k_expectation_metrics, e.g.
// "costUsd", "podPendingSeconds.p95"); nullopt for an unknown name or an unset ratio.
std::optional<double> summary_metric(const Summary& s, std::string_view metric);

// An autoscaler's controller passes under spec.controllerTime (not instant): Karpenter's
// disruption passes (a pass that found a command runs to the end of its validation), the Cluster
// Autoscaler's loops.
struct ControllerTimeSummary {
  std::string model;       // the preset (or "custom")
  std::string controller;  // "disruption" | "loop"
  std::int64_t passes{0};
  double pass_p50_s{0}, pass_p95_s{0}, pass_max_s{0};
  std::int64_t evaluated_p50{0}, evaluated_max{0};  // candidates evaluated per pass
  std::uint64_t single_node_timeouts{0}, multi_node_timeouts{0};  // Karpenter
  std::uint64_t scale_down_timeouts{0};                             // Cluster Autoscaler
};

struct AutoscalerResult {
  std::string autoscaler;
  Summary summary;
  std::optional<ControllerTimeSummary> controller_time;
  // Set on an instant run whose longest pass would take longer than the controller's poll
  // period under the typical controller-time preset: the one line that says so.
  std::string controller_time_warning;
  // The bill (cloud::compute_bill): instance, licence, discount, EBS and EKS lines; empty for the
  // lower bound, whose cost is the LP's.
  std::vector<CostLine> bill;
  std::vector<PriceUsed> prices;  // by instance type, capacity type, zone
  std::vector<LaunchRecord> launches;  // autoscaler-launched nodes only
  std::vector<TerminationRecord> terminations;
  // Every node's size, one entry per (NodePool / node group, instance type), sorted by both.
  std::vector<NodeSize> node_sizes;
  // The node groups this run's cluster started with and their nodes at t = 0, in scenario order
  // (spec::NodeGroup::in_run decides which); empty for the lower bound.
  std::vector<std::pair<std::string, int>> node_groups_at_start;
  // Per workload with pods pending at the end or that waited k_long_pending or more: most pending
  // first, then by name.
  std::vector<PendingWorkload> pending_workloads;
  std::vector<Decision> decisions;  // empty when SimOptions::keep_decisions is false
  std::size_t decision_count{0};    // every decision made
  std::vector<Sample> samples;
  std::vector<std::string> log;  // "[t=00:05:30.000 karpenter] ..." lines
  // Structural expectation values by index in Scenario::expectations (NaN: nothing to read).
  std::map<std::size_t, double> structural;
};

struct ExpectationResult {
  std::string autoscaler;
  std::string metric;
  std::string op;
  double expected{0};
  double actual{0};
  bool passed{false};
  std::string location;  // file:line:col of the expectation
};

struct RunResult {
  std::string scenario;
  std::string scenario_file;
  std::uint64_t seed{0};
  std::string region;
  Duration duration;
  std::int64_t start_time_unix_s{0};  // wall-clock time of t = 0 (spec.startTime)
  std::vector<AutoscalerResult> results;
  std::vector<ExpectationResult> expectations;
  // What the scenario's manifests hold that can change the answer but is not modelled, grouped by
  // message (spec::Scenario::not_modelled).
  std::vector<DiagnosticGroup> not_modelled;
};

}  // namespace capsim::sim
