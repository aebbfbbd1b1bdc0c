// Behaviour of the scenario schema types: label-selector matching, workload kind names and
// lookups by kind and name.
#include "capsim/spec/scenario.hpp"

#include <algorithm>

namespace capsim::spec {

// metav1.LabelSelector semantics (k8s.io/apimachinery labels.Selector): every matchLabels pair
// must be present, and every expression hold: In = present with a listed value, NotIn = absent
// or not listed, Exists = present, DoesNotExist = absent. An empty selector matches everything.
bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& [k, v] : match_labels) {
    const auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& e : match_expressions) {
    const auto it = labels.find(e.key);
    const bool has = it != labels.end();
    const bool listed = has && std::find(e.values.begin(), e.values.end(), it->second) != e.values.end();
    switch (e.op) {
      case Operator::in:
        if (!listed) return false;
        break;
      case Operator::not_in:
        if (listed) return false;
        break;
      case Operator::exists:
        if (!has) return false;
        break;
      case Operator::does_not_exist:
        if (has) return false;
        break;
      default:
        return false;  // Gt/Lt are not label-selector operators
    }
  }
  return true;
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

const NodeClass* Scenario::find_node_class(std::string_view wanted) const {
  for (const auto& nc : node_classes)
    if (nc.name == wanted) return &nc;
  return nullptr;
}

}  // namespace capsim::spec
