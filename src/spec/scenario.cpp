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

const NodeClass* Scenario::find_node_class(std::string_view wanted) const {
  for (const auto& nc : node_classes)
    if (nc.name == wanted) return &nc;
  return nullptr;
}

}  // namespace capsim::spec
