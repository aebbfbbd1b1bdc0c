// Workload controllers: turn Deployments, StatefulSets, ReplicaSets, Jobs, bare Pods and
// DaemonSets into pods, keep replica counts (evicted pods are recreated pending), scale and delete
// them, and convert trace events into pods. Pod specs follow Kubernetes' PodRequests rules.
#pragma once

#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capsim/cluster/cluster_state.hpp"
#include "capsim/spec/scenario.hpp"
#include "capsim/spec/trace.hpp"

namespace capsim::workload {

cluster::PodSchedulingSpec make_scheduling_spec(const spec::PodTemplate& t, int priority);
Requirements to_requirements(const spec::NodeSelectorTerm& term);

struct DaemonSetInfo {
  std::string name;
  std::string namespace_;
  std::shared_ptr<const cluster::PodSchedulingSpec> spec;
  Labels labels;
  std::map<std::string, std::string> annotations;
};

class Controllers {
 public:
  explicit Controllers(const spec::Scenario& scenario);

  // Pods a newly applied workload creates (DaemonSets create none here: see daemon_pods_for).
  std::vector<cluster::Pod> apply(const spec::Workload& w, SimTime now);
  // New pods to create (scale up) and live pods to delete (scale down: pending first, then newest).
  std::vector<cluster::Pod> scale(const std::string& kind, const std::string& name, int replicas,
                                  const cluster::ClusterState& state, SimTime now, std::vector<cluster::PodId>& remove);
  // Deletes the workload: every live pod it owns (and, for a DaemonSet, stops creating them).
  std::vector<cluster::PodId> remove(const std::string& kind, const std::string& name, const cluster::ClusterState& state);
  // A pod left (evicted, deleted, or finished): the replacement its owner creates, if any.
  std::optional<cluster::Pod> on_pod_gone(const cluster::Pod& gone, bool succeeded, SimTime now);
  // DaemonSet pods for a node that just registered.
  std::vector<cluster::Pod> daemon_pods_for(const cluster::Node& node, SimTime now);
  const std::vector<DaemonSetInfo>& daemonsets() const { return m_daemonsets; }
  // A pod from a trace create event.
  cluster::Pod from_trace(const spec::TraceEvent& e, SimTime now);

 private:
  struct Managed {
    spec::Workload spec;
    std::shared_ptr<const cluster::PodSchedulingSpec> sched;
    int desired{0};
    int live{0};
    int succeeded{0};
    int next_index{0};
    bool deleted{false};
  };
  cluster::Pod make_pod(Managed& m, SimTime now);
  Managed* find(const std::string& kind, const std::string& name);
  int priority_of(const spec::PodTemplate& t) const;

  std::map<std::string, int> m_priority_classes;
  std::optional<int> m_default_priority;
  std::set<std::string> m_never_preempt;  // PriorityClasses with preemptionPolicy Never
  std::string m_default_class;
  std::map<std::string, Managed> m_workloads;  // key kind/name
  std::vector<DaemonSetInfo> m_daemonsets;
  // Specs of trace pods by shape (from_trace), shared while some pod uses them.
  std::map<std::string, std::weak_ptr<const cluster::PodSchedulingSpec>> m_trace_specs;
  std::size_t m_trace_specs_pruned_at{0};
};

}  // namespace capsim::workload
