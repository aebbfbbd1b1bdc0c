#include "capsim/cluster/objects.hpp"

#include <algorithm>

namespace capsim::cluster {

bool PodLabelSelector::matches(const Labels& labels) const {
  return label_selector_matches(match_labels, match_expressions, labels);
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
