// Karpenter disruption: candidates, budgets and the Emptiness method (v1: consolidateAfter,
// budgets, 15 s validation; v1alpha5: ttlSecondsAfterEmpty, or consolidation's empty-node pass),
// and expiration (v1 expireAfter, forceful; v1alpha5 ttlSecondsUntilExpired).
#include <algorithm>
#include <cmath>

#include "capsim/policy/karpenter/karpenter.hpp"

namespace capsim::policy::karpenter {
namespace {

// Reschedulable pods: active, not DaemonSet-owned, not mirror pods (disruption/types.go).
bool has_reschedulable_pods(const View& view, const cluster::Node& n) {
  return std::any_of(n.pods.begin(), n.pods.end(), [&](cluster::PodId pid) {
    const auto& p = view.cluster.pod(pid);
    return !p.is_daemon() && !p.is_mirror();
  });
}

// karpenter.sh/do-not-disrupt ("true"; v0.29: karpenter.sh/do-not-evict) on a pod blocks its node.
bool blocked_by_pods(const View& view, const cluster::Node& n, bool v1alpha5) {
  const char* key = v1alpha5 ? "karpenter.sh/do-not-evict" : "karpenter.sh/do-not-disrupt";
  return std::any_of(n.pods.begin(), n.pods.end(), [&](cluster::PodId pid) {
    const auto& a = view.cluster.pod(pid).annotations;
    auto it = a.find(key);
    return it != a.end() && it->second == "true";
  });
}

// A budget value: an integer, or a percentage of the pool's nodes rounded up (nodepool.go).
int budget_allowed(const std::string& nodes, int num_nodes) {
  if (!nodes.empty() && nodes.back() == '%') {
    int pct = std::stoi(nodes.substr(0, nodes.size() - 1));
    return static_cast<int>((static_cast<std::int64_t>(pct) * num_nodes + 99) / 100);
  }
  return std::stoi(nodes);
}

std::string names_of(const View& view, const std::vector<cluster::NodeId>& ids, std::vector<std::string>& out_types) {
  std::string s;
  for (auto id : ids) {
    const auto& n = view.cluster.node(id);
    if (!s.empty()) s += ", ";
    s += n.name + "/" + n.instance_type + "/" + n.capacity_type;
    out_types.push_back(n.instance_type);
  }
  return s;
}

}  // namespace

// Per NodePool: how many more nodes may be disrupted for `reason` now (BuildDisruptionBudgetMapping).
std::map<std::string, int> Karpenter::budgets(const View& view, const std::string& reason) const {
  std::map<std::string, int> out;
  for (const auto& p : m_pools) {
    int num = 0, disrupting = 0;
    for (auto nid : view.cluster.nodes()) {
      const auto& n = view.cluster.node(nid);
      if (n.node_pool != p.spec.name || n.state == cluster::NodeState::terminated) continue;
      // numNodes: initialized nodes of the pool; disrupting: those of them being deleted.
      if (n.initialized()) ++num;
      if (n.state == cluster::NodeState::deleting) {
        ++num;
        ++disrupting;
      }
    }
    if (v1alpha5() || p.spec.budgets.empty()) {  // v1alpha5 has no budgets
      out[p.spec.name] = INT32_MAX;
      continue;
    }
    std::optional<int> allowed;
    for (const auto& b : p.spec.budgets) {
      if (!b.reasons.empty() && std::find(b.reasons.begin(), b.reasons.end(), reason) == b.reasons.end()) continue;
      if (b.schedule) continue;  // scheduled budgets: see the closing note of issue 2 (issue 3)
      int a = budget_allowed(b.nodes, num);
      if (!allowed || a < *allowed) allowed = a;
    }
    out[p.spec.name] = allowed ? std::max(*allowed - disrupting, 0) : INT32_MAX;
  }
  return out;
}

std::vector<cluster::NodeId> Karpenter::empty_candidates(const View& view) const {
  const SimTime now = view.now;
  std::vector<cluster::NodeId> out;
  for (auto nid : view.cluster.nodes()) {
    const auto& n = view.cluster.node(nid);
    if (!n.managed() || !n.initialized() || n.marked_for_deletion() || nominated(nid, now)) continue;
    if (n.unschedulable) continue;
    const NodePoolModel* p = pool(n.node_pool);
    if (!p || has_reschedulable_pods(view, n) || blocked_by_pods(view, n, v1alpha5())) continue;
    const SimTime since = std::max(n.last_pod_event_at, n.initialized_at);
    if (v1alpha5()) {
      // ttlSecondsAfterEmpty: Empty condition true for at least the TTL; with consolidation
      // enabled instead, empty nodes are consolidated (after validation) right away.
      if (p->spec.ttl_seconds_after_empty) {
        if (now < since + Duration::seconds(*p->spec.ttl_seconds_after_empty)) continue;
      } else if (!p->spec.consolidation_enabled) {
        continue;
      }
    } else {
      // Emptiness: consolidateAfter not Never and Consolidatable=True.
      if (!p->spec.consolidate_after) continue;
      if (now < since + *p->spec.consolidate_after) continue;
    }
    out.push_back(nid);
  }
  // Candidate order: savings ratio price / disruption cost, descending (an empty node has cost
  // 1.0, so by price); ties by name. v0.29 ordered by disruption cost, equal (0) for empty nodes.
  std::sort(out.begin(), out.end(), [&](cluster::NodeId a, cluster::NodeId b) {
    const auto& na = view.cluster.node(a);
    const auto& nb = view.cluster.node(b);
    if (!v1alpha5() && na.price_per_hour != nb.price_per_hour) return na.price_per_hour > nb.price_per_hour;
    return na.name < nb.name;
  });
  return out;
}

Actions Karpenter::expire(const View& view) {
  // v1: the expiration controller (nodeclaim/expiration/controller.go) deletes a NodeClaim at
  // exactly creation + expireAfter: forceful, no budget, no replacement pre-spin.
  // v0.29: ttlSecondsUntilExpired is the first deprovisioner of the 10 s loop, one node per pass.
  Actions out;
  const SimTime now = view.now;
  m_next_expiry.reset();
  for (auto nid : view.cluster.nodes()) {
    const auto& n = view.cluster.node(nid);
    if (!n.managed() || n.marked_for_deletion()) continue;
    const NodePoolModel* p = pool(n.node_pool);
    if (!p) continue;
    std::optional<Duration> ttl = p->spec.expire_after;
    if (v1alpha5())
      ttl = p->spec.ttl_seconds_until_expired ? std::optional<Duration>(Duration::seconds(*p->spec.ttl_seconds_until_expired))
                                              : std::nullopt;
    if (!ttl) continue;
    const SimTime at = n.created_at + *ttl;
    if (now < at || (v1alpha5() && !out.deletions.empty())) {
      if (!v1alpha5() && (!m_next_expiry || at < *m_next_expiry)) m_next_expiry = at;
      continue;
    }
    out.deletions.push_back(DeleteNode{nid, "expired"});
    std::vector<std::string> types;
    out.notes.push_back(Note{"disrupt", "expired", n.node_pool, {n.name}, {n.instance_type}, {},
                             "disrupting nodeclaim(s) via delete, expired " + names_of(view, {nid}, types) +
                                 " (expireAfter " + format_duration(*ttl) + ")"});
  }
  return out;
}

Actions Karpenter::disrupt(const View& view) {
  Actions out;
  const SimTime now = view.now;
  if (v1alpha5()) {
    out = expire(view);
    if (!out.deletions.empty()) return out;
  }
  auto cands = empty_candidates(view);
  if (cands.empty()) return out;
  if (v1alpha5() ) {
    // ttlSecondsAfterEmpty: delete every expired-empty node at once, no validation, no budget.
    std::vector<cluster::NodeId> ttl, consolidate;
    for (auto nid : cands)
      (pool(view.cluster.node(nid).node_pool)->spec.ttl_seconds_after_empty ? ttl : consolidate).push_back(nid);
    if (!ttl.empty()) {
      std::vector<std::string> types, names;
      for (auto nid : ttl) {
        out.deletions.push_back(DeleteNode{nid, "ttlSecondsAfterEmpty"});
        names.push_back(view.cluster.node(nid).name);
      }
      std::string desc = names_of(view, ttl, types);
      out.notes.push_back(Note{"disrupt", "ttlSecondsAfterEmpty", view.cluster.node(ttl.front()).node_pool, names, types,
                               {}, "deprovisioning via emptiness delete, terminating " + std::to_string(ttl.size()) +
                                       " machines " + desc});
      return out;
    }
    m_validation = PendingValidation{now + k_validation_delay, "emptiness", consolidate};
    return out;
  }
  auto budget = budgets(view, "Empty");
  std::vector<cluster::NodeId> chosen;
  for (auto nid : cands) {
    int& b = budget[view.cluster.node(nid).node_pool];
    if (b <= 0) continue;
    --b;
    chosen.push_back(nid);
  }
  if (!chosen.empty()) m_validation = PendingValidation{now + k_validation_delay, "emptiness", chosen};
  return out;
}

Actions Karpenter::finish_validation(const View& view) {
  Actions out;
  PendingValidation v = *m_validation;
  m_validation.reset();
  // validation.go: keep candidates that are still candidates (empty, consolidatable, not
  // nominated) and fit a freshly computed budget; abandon when none remain.
  auto still = empty_candidates(view);
  auto budget = budgets(view, "Empty");
  std::vector<cluster::NodeId> keep;
  for (auto nid : v.candidates) {
    if (std::find(still.begin(), still.end(), nid) == still.end()) continue;
    if (!v1alpha5()) {
      int& b = budget[view.cluster.node(nid).node_pool];
      if (b <= 0) continue;
      --b;
    }
    keep.push_back(nid);
  }
  if (keep.empty()) {
    out.notes.push_back(Note{"disrupt", "validation failed", "", {}, {}, {},
                             "abandoning empty-node command: candidates changed during the 15s validation"});
    return out;
  }
  std::vector<std::string> types, names;
  for (auto nid : keep) {
    out.deletions.push_back(DeleteNode{nid, "empty"});
    names.push_back(view.cluster.node(nid).name);
  }
  std::string desc = names_of(view, keep, types);
  out.notes.push_back(Note{"disrupt", "empty", view.cluster.node(keep.front()).node_pool, names, types, {},
                           "disrupting nodeclaim(s) via delete, terminating " + std::to_string(keep.size()) +
                               " nodes (0 pods) " + desc + " (reason Empty)"});
  return out;
}

}  // namespace capsim::policy::karpenter
