#include "capsim/cluster/objects.hpp"

#include <algorithm>

namespace capsim::cluster {

// labels.Selector: every matchLabels pair present; In = present with a listed value, NotIn =
// absent or not listed, Exists = present, DoesNotExist = absent.
bool PodLabelSelector::matches(const Labels& labels) const {
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

Requirements PodSchedulingSpec::karpenter_requirements(bool include_preferred) const {
  Requirements r;
  for (const auto& [k, v] : node_selector) r.add(Requirement(k, Operator::in, {v}));
  if (!required_terms.empty()) r.add(required_terms.front());
  if (include_preferred && !preferred_terms.empty()) r.add(preferred_terms.front().second);
  return r;
}

bool PodSchedulingSpec::node_affinity_matches(const Labels& node_labels) const {
  for (const auto& [k, v] : node_selector) {
    auto it = node_labels.find(k);
    if (it == node_labels.end() || it->second != v) return false;
  }
  if (required_terms.empty()) return true;
  for (const auto& term : required_terms)
    if (term.matches(node_labels)) return true;
  return false;
}

}  // namespace capsim::cluster
