// Behaviour of the scenario schema types: label-selector matching, workload kind names and
// lookups by kind and name.
#include "capsim/spec/scenario.hpp"

#include <algorithm>

namespace capsim::spec {

bool LabelSelector::matches(const Labels& labels) const {
  return label_selector_matches(match_labels, match_expressions, labels);
}

ResourceList PodTemplate::requests() const {
  ResourceList sum;
  for (const auto& c : containers) sum += c.requests;
  ResourceList sidecars;
  ResourceList init_peak;
  for (const auto& c : init_containers) {
    ResourceList tmp;
    if (c.restart_always) {
      sidecars += c.requests;
      tmp = sidecars;
    } else {
      tmp = c.requests + sidecars;
    }
    init_peak.max_with(tmp);
  }
  ResourceList r = sum + sidecars;
  r.max_with(init_peak);
  r += overhead;
  r.set(Resource::pods, Quantity::from_units(1));
  return r;
}

std::string_view workload_kind_name(WorkloadKind k) {
  switch (k) {
    case WorkloadKind::deployment: return "Deployment";
    case WorkloadKind::stateful_set: return "StatefulSet";
    case WorkloadKind::replica_set: return "ReplicaSet";
    case WorkloadKind::daemon_set: return "DaemonSet";
    case WorkloadKind::job: return "Job";
    case WorkloadKind::pod: return "Pod";
  }
  return "Unknown";
}

const Workload* Scenario::find_workload(std::string_view kind, std::string_view wanted) const {
  for (const auto& w : workloads)
    if (w.name == wanted && workload_kind_name(w.kind) == kind) return &w;
  return nullptr;
}

// AWS Auto Scaling InstancesDistribution: OnDemandBaseCapacity instances first, then
// OnDemandPercentageAboveBaseCapacity of the rest. capsim rounds the On-Demand share up (in
// favour of On-Demand), so 1 instance above the base at 50 % is On-Demand.
bool NodeGroup::in_run(std::string_view autoscaler) const {
  if (!autoscalers.empty()) return std::find(autoscalers.begin(), autoscalers.end(), autoscaler) != autoscalers.end();
  return !autoscaled() || autoscaler == "cluster-autoscaler" || autoscaler == "static";
}

int NodeGroup::on_demand_count(int size) const {
  if (size <= 0) return 0;
  if (!mixed_instances) return capacity_type == "spot" ? 0 : size;
  const auto& m = *mixed_instances;
  if (size <= m.on_demand_base_capacity) return size;
  const std::int64_t above = size - m.on_demand_base_capacity;
  const std::int64_t od_above = (above * m.on_demand_percentage_above_base_capacity + 99) / 100;
  return m.on_demand_base_capacity + static_cast<int>(od_above);
}

std::string NodeGroup::capacity_type_at(int index) const {
  return on_demand_count(index + 1) > on_demand_count(index) ? "on-demand" : "spot";
}

// The presets' figures and their sources: docs/controller-time.md. Karpenter per simulation:
// fast 10 ms + 0.1 ms/node + 0.5 ms/pod, typical 20 ms + 0.5 ms/node + 1 ms/pod (a fit to karpenter
// core PR #3271's ~900 ms at ~1,000 nodes and the 0.3-1 s reports of issues #1970, #3305, #2972),
// slow 20 ms + 1 ms/node + 5 ms/pod. Cluster Autoscaler per removal simulation: typical 5 ms +
// 0.025 ms/node (autoscaler PR #5552: ~1,000 non-empty nodes in the 30 s
// --scale-down-simulation-timeout), fast and slow about 2.5x either way.
std::optional<ControllerTime> controller_time_preset(std::string_view name) {
  constexpr std::int64_t us = 1000, ms = 1000 * us;
  ControllerTime t;
  t.preset = std::string(name);
  if (name == "instant") return t;
  if (name == "fast") {
    t.simulation_ns = 10 * ms, t.simulation_per_node_ns = 100 * us, t.simulation_per_pod_ns = 500 * us;
    t.list_per_node_ns = 10 * us;
    t.removal_ns = 2 * ms, t.removal_per_node_ns = 10 * us, t.snapshot_per_node_ns = 20 * us, t.binpack_per_pod_ns = 40 * us;
    return t;
  }
  if (name == "typical") {
    t.simulation_ns = 20 * ms, t.simulation_per_node_ns = 500 * us, t.simulation_per_pod_ns = 1 * ms;
    t.list_per_node_ns = 50 * us;
    t.removal_ns = 5 * ms, t.removal_per_node_ns = 25 * us, t.snapshot_per_node_ns = 50 * us, t.binpack_per_pod_ns = 100 * us;
    return t;
  }
  if (name == "slow") {
    t.simulation_ns = 20 * ms, t.simulation_per_node_ns = 1 * ms, t.simulation_per_pod_ns = 5 * ms;
    t.list_per_node_ns = 100 * us;
    t.removal_ns = 12 * ms, t.removal_per_node_ns = 60 * us, t.snapshot_per_node_ns = 125 * us, t.binpack_per_pod_ns = 250 * us;
    return t;
  }
  return std::nullopt;
}

void set_controller_time(Scenario& s, const ControllerTime& t) {
  s.karpenter.controller_time = t;
  s.cluster_autoscaler.controller_time = t;
}

int ClusterAutoscalerSettings::minor() const {
  // "1.33" or "1.33.2"; validated by the loader.
  const auto dot = version.find('.');
  if (dot == std::string::npos) return 0;
  int v = 0;
  for (std::size_t i = dot + 1; i < version.size() && version[i] >= '0' && version[i] <= '9'; ++i)
    v = v * 10 + (version[i] - '0');
  return v;
}

// config/flags/flags.go: --expander defaults to least-waste since 1.33 (commit f8a68efe), random
// before.
std::vector<std::string> ClusterAutoscalerSettings::effective_expander() const {
  if (!expander.empty()) return expander;
  return {minor() >= 33 ? "least-waste" : "random"};
}

std::vector<EbsVolume> default_volumes(std::string_view ami_family) {
  if (ami_family == "Bottlerocket") return {{"/dev/xvda", 4, "gp3", 0, 0}, {"/dev/xvdb", 20, "gp3", 0, 0}};
  if (ami_family.starts_with("Windows")) return {{"/dev/sda1", 50, "gp3", 0, 0}};
  if (ami_family == "Ubuntu") return {{"/dev/sda1", 20, "gp3", 0, 0}};
  return {{"/dev/xvda", 20, "gp3", 0, 0}};
}

const NodeClass* Scenario::find_node_class(std::string_view wanted) const {
  for (const auto& nc : node_classes)
    if (nc.name == wanted) return &nc;
  return nullptr;
}

}  // namespace capsim::spec

namespace capsim::spec {

std::vector<std::string> InstanceCatalogSpec::zones() const {
  std::vector<std::string> out;
  for (const auto& t : types)
    for (const auto& o : t.offerings)
      if (std::find(out.begin(), out.end(), o.zone) == out.end()) out.push_back(o.zone);
  std::sort(out.begin(), out.end());
  return out;
}

const InstanceCatalogSpec* Scenario::inline_catalog() const {
  for (const auto& c : instance_catalogs)
    if (c.name == instance_catalog) return &c;
  return nullptr;
}

}  // namespace capsim::spec
