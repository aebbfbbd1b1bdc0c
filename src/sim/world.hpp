// Module-private: the World that one run_autoscaler call builds and drives.
#pragma once

#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/cloud/simulated_cloud.hpp"
#include "capsim/cluster/cluster_state.hpp"
#include "capsim/engine/engine.hpp"
#include "capsim/policy/autoscaler.hpp"
#include "capsim/policy/lower_bound/lower_bound.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/workload/controllers.hpp"
#include "sim/expectation_probe.hpp"

namespace capsim::sim {

class World {
 public:
  World(const spec::Scenario& scenario, const std::string& autoscaler, const SimOptions& opts);
  AutoscalerResult run();

 private:
  // Setup.
  void add_node_groups();
  // A pre-existing node's price (catalog or fake offering), capacity, allocatable and instance
  // labels for type `it` in its zone and capacity type.
  void set_instance(cluster::Node& n, const catalog::InstanceType& it);
  // Keeps the size of node `n` of type `it` for AutoscalerResult::node_sizes.
  void record_size(const cluster::Node& n, const catalog::InstanceType& it);
  // spec.nodeClaims: initialized Karpenter nodes at t = 0 (adopted by the policy), and the pods
  // each names bound to it once the workloads exist.
  void add_node_claims();
  void bind_initial_pods();  // the `pods` of spec.nodeClaims and nodeGroups[].nodes
  void schedule_timeline();
  // Pods.
  void create_pod(cluster::Pod pod);
  // Deletes (or evicts) a pod. A bound pod that did not succeed terminates gracefully: it keeps
  // its node and requests for its terminationGracePeriodSeconds while its owner replaces it
  // (a StatefulSet only once it is gone), unless `graceful` is false (the instance is gone, a
  // forced drain, a preemption victim). Deleting a terminating pod removes it at once.
  void delete_pod(cluster::PodId id, bool evicted, bool succeeded, bool graceful = true);
  // The end of a graceful termination: the pod is gone; a StatefulSet now recreates it.
  void finish_termination(cluster::PodId id, std::uint64_t uid);
  // Removes a terminating pod; its StatefulSet replacement, if owed, follows.
  void remove_terminated(cluster::PodId id);
  void request_kube_scheduler();
  void kube_scheduler_pass();
  // DefaultPreemption for a pod that fits no node: the node it then binds to, if any.
  std::optional<cluster::NodeId> preempt_for(cluster::PodId pid);
  // Autoscaler.
  void refresh_wakeup();
  void autoscaler_reconcile();
  void apply(const policy::Actions& actions);
  void launch(const policy::LaunchNode& l);
  void complete_launch(cluster::NodeId id, const policy::LaunchNode& request);
  void register_node(cluster::NodeId id);
  void initialize_node(cluster::NodeId id);
  void mark_node(const policy::MarkNode& m);
  void delete_node(cluster::NodeId id, const std::string& reason);
  void drain(cluster::NodeId id);
  bool eviction_allowed(const cluster::Pod& pod) const;
  void terminate_node(cluster::NodeId id);
  // Failures (spec.failures): scheduled and sampled spot interruptions.
  void schedule_failures();
  void schedule_sampled_interruption(cluster::NodeId id);
  void scheduled_interruption(std::size_t index);
  void spot_interruption_notice(cluster::NodeId id, const std::string& cause);
  void reclaim_spot_instance(cluster::NodeId id);
  // Trace replay.
  void replay_next(std::size_t replay_index);
  void scale_node_group(const std::string& group, int desired);
  // The lower bound's demand-only world: one unbilled virtual node every workload pod binds to at
  // creation, and the demand D(t) recorded as time spent at each distinct demand.
  void add_virtual_node();
  void demand_changed(const cluster::Pod& pod, int sign);
  void finish_lower_bound(SimTime end);
  // Output.
  void note(const policy::Note& n);
  void report_pod_event(const cluster::Pod& p, bool created);  // to SimOptions::pod_event
  void record(Decision d);  // counts it; keeps it unless SimOptions::keep_decisions is false
  void log(const std::string& line);
  void sample();
  void note_price_used(const cluster::Node& n);
  void finish();
  void summarize_controller_time(const policy::ControllerStats& stats);
  // SimOptions::check_invariants.
  void check_invariants() const;
  void check_launch_explained(cluster::NodeId id) const;
  std::string next_node_name();

  const spec::Scenario& m_scenario;
  std::string m_autoscaler_name;
  SimOptions m_opts;
  std::vector<std::string> m_zones;
  // The built-in fake catalog's types (restricted to m_zones) when the scenario selects one.
  std::shared_ptr<const std::vector<catalog::InstanceType>> m_fake_types;
  engine::Engine m_engine;
  cluster::ClusterState m_state;
  workload::Controllers m_controllers;
  cloud::SimulatedCloud m_cloud;
  std::unique_ptr<policy::Autoscaler> m_autoscaler;
  std::vector<policy::DaemonSetView> m_daemonset_views;

  bool m_scheduler_requested{false};
  std::optional<engine::EventId> m_wakeup_event;
  std::optional<SimTime> m_wakeup_at;

  struct Replay {
    std::unique_ptr<spec::TraceSource> source;
    SimTime start;
    std::optional<spec::TraceEvent> next;
  };
  std::vector<Replay> m_replays;

  std::map<cluster::NodeId, SimTime> m_billing_start;
  std::uint64_t m_sampled_generation{UINT64_MAX};  // the cluster generation of the last sample
  // Initial nodes with pods to bind at t = 0 (spec.nodeClaims[].pods, nodeGroups[].nodes[].pods).
  struct InitialBinding {
    cluster::NodeId node;
    const std::vector<std::pair<std::string, int>>* pods;
    spec::SourceLoc loc;
    std::string path;
  };
  std::vector<InitialBinding> m_initial_bindings;
  std::map<cluster::NodeId, std::string> m_launch_reason;
  std::set<cluster::NodeId> m_interrupted;  // nodes that got a spot interruption notice
  std::set<std::uint64_t> m_replace_when_gone;  // uids of terminating evicted StatefulSet pods
  int m_node_counter{0};
  std::vector<double> m_pending_seconds;
  // The last reason the autoscaler gave for a pod it could not place (its unschedulable notes), by
  // the name the note used ("web-00003" or "default/web-00003"); dropped when the pod binds or goes.
  std::unordered_map<std::string, std::string> m_pending_reason;
  std::map<std::string, int> m_waited_long;  // per workload label: pods placed after k_long_pending or more
  // A pending pod was bound (`placed`) or deleted: its wait is counted and its reason dropped.
  void pod_placed_or_gone(const cluster::Pod& p, SimTime now, bool placed);
  // AutoscalerResult::pending_workloads at the end of the run.
  void explain_pending();
  AutoscalerResult m_result;
  std::map<std::pair<std::string, std::string>, NodeSize> m_node_sizes;  // (pool or group, type)
  ExpectationProbe m_probe;
  int m_live_instances{0};
  std::int64_t m_pods_created{0};  // workload pods (DaemonSet pods are not counted)
  std::uint64_t m_pods_removed{0};  // every pod removed for good (invariant mode)
  std::map<cluster::NodeId, std::vector<std::uint64_t>> m_launched_for;  // pod uids (invariant mode)

  // Lower-bound mode (autoscaler "lower-bound"): null otherwise.
  policy::lower_bound::LowerBound* m_lower_bound{nullptr};
  cluster::NodeId m_virtual_node{cluster::k_no_node};
  policy::lower_bound::CoverDemand m_demand;
  SimTime m_demand_since;
  std::map<policy::lower_bound::CoverDemand, std::int64_t> m_demand_ms;  // demand -> time spent (ms)
};

}  // namespace capsim::sim
