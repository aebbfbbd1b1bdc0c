// Helpers shared by the kube-scheduler filters (kube_scheduler.cpp) and scores (kube_score.cpp).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "capsim/cluster/cluster_state.hpp"

namespace capsim::scheduling::detail {

// kube-scheduler's snapshot holds Node objects: registered until terminated.
inline bool in_snapshot(const cluster::Node& n) {
  return n.state == cluster::NodeState::registered || n.state == cluster::NodeState::ready ||
         n.state == cluster::NodeState::deleting;
}

// AffinityTerm.Matches: the target's namespace is listed (empty list: the term owner's namespace)
// and the selector matches its labels.
inline bool term_matches(const cluster::PodAffinityTerm& t, const std::string& owner_ns, const cluster::Pod& target) {
  const bool ns_ok = t.namespaces.empty()
                         ? target.namespace_ == owner_ns
                         : std::find(t.namespaces.begin(), t.namespaces.end(), target.namespace_) != t.namespaces.end();
  return ns_ok && t.selector.matches(target.labels);
}

// FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc (NoSchedule, NoExecute).
inline bool untolerated_do_not_schedule(const std::vector<Taint>& taints, const std::vector<Toleration>& tols) {
  for (const auto& taint : taints) {
    if (taint.effect == TaintEffect::prefer_no_schedule) continue;
    if (!std::any_of(tols.begin(), tols.end(), [&](const Toleration& t) { return tolerates(t, taint); })) return true;
  }
  return false;
}

// A topology spread constraint's selector with its matchLabelKeys ANDed in (the pod's own values).
inline cluster::PodLabelSelector spread_selector(const cluster::TopologySpreadConstraint& c, const cluster::Pod& pod) {
  cluster::PodLabelSelector sel = c.selector;
  for (const auto& k : c.match_label_keys) {
    auto it = pod.labels.find(k);
    if (it != pod.labels.end()) sel.match_expressions.push_back({k, Operator::in, {it->second}});
  }
  return sel;
}

}  // namespace capsim::scheduling::detail
