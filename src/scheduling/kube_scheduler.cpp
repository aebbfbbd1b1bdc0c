#include "capsim/scheduling/kube_scheduler.hpp"

#include "kube_detail.hpp"

#include <algorithm>
#include <climits>
#include <map>

namespace capsim::scheduling {

namespace {

// The default filters; `why` (when not null) gets the reason of a failure. Fast callers pass null.
bool passes_filters(const cluster::Node& node, const cluster::PodSchedulingSpec& pod, const cluster::ClusterState& state,
                    std::string* why) {
  auto fail = [&](auto&& reason) {
    if (why) *why = reason();
    return false;
  };
  // Without a reason to report, the cheapest test first: most nodes of a busy cluster are full.
  const bool fits = pod.requests.fits_in(node.allocatable, node.requested);
  if (!why && !fits) return false;
  if (!node.schedulable()) return fail([] { return std::string("node(s) were unschedulable"); });
  // TaintToleration filter: NoSchedule and NoExecute taints must be tolerated.
  for (const auto& taint : node.taints) {
    if (taint.effect == TaintEffect::prefer_no_schedule) continue;
    bool ok = std::any_of(pod.tolerations.begin(), pod.tolerations.end(),
                          [&](const Toleration& t) { return tolerates(t, taint); });
    if (!ok) return fail([&] { return "node(s) had untolerated taint {" + describe(taint) + "}"; });
  }
  if (!pod.node_affinity_matches(node.labels))
    return fail([] { return std::string("node(s) didn't match Pod's node affinity/selector"); });
  if (!pod.host_ports.empty()) {
    for (auto pid : node.pods) {
      const auto& other = state.pod(pid);
      for (int p : other.spec->host_ports)
        if (std::find(pod.host_ports.begin(), pod.host_ports.end(), p) != pod.host_ports.end())
          return fail([] { return std::string("node(s) didn't have free ports for the requested pod ports"); });
    }
  }
  if (!fits)
    return fail([&] {
      std::string r = pod.requests.first_exceeding(node.available());
      return r == "pods" ? std::string("Too many pods") : "Insufficient " + r;
    });
  return true;
}

}  // namespace

std::string kube_filter(const cluster::Node& node, const cluster::PodSchedulingSpec& pod,
                        const cluster::ClusterState& state) {
  std::string why;
  passes_filters(node, pod, state, &why);
  return why;
}

using detail::in_snapshot;
using detail::term_matches;
using detail::untolerated_do_not_schedule;

KubeTopologyFilter::KubeTopologyFilter(const cluster::ClusterState& state, const cluster::Pod& pod) : m_pod(&pod) {
  const auto& spec = *pod.spec;
  // PodTopologySpread PreFilter: DoNotSchedule constraints only (ScheduleAnyway is a score);
  // matchLabelKeys add the pod's own values to the selector. Per constraint, matching pods in the
  // pod's namespace are counted per domain over the nodes that carry every constraint key and
  // pass the inclusion policies (nodeAffinityPolicy Honor: the pod's required node affinity;
  // nodeTaintsPolicy Honor: NoSchedule/NoExecute taints tolerated).
  std::vector<const cluster::TopologySpreadConstraint*> hard;
  std::vector<cluster::PodLabelSelector> selectors;
  for (const auto& c : spec.topology_spread) {
    if (!c.do_not_schedule) continue;
    hard.push_back(&c);
    cluster::PodLabelSelector sel = detail::spread_selector(c, pod);
    Spread sp;
    sp.key = c.topology_key;
    sp.max_skew = c.max_skew;
    sp.min_domains = c.min_domains;
    sp.self = sel.matches(pod.labels);
    m_spread.push_back(std::move(sp));
    selectors.push_back(std::move(sel));
  }
  if (!hard.empty()) {
    m_active = true;
    for (auto nid : state.node_ids()) {
      const auto& node = state.node(nid);
      if (!in_snapshot(node)) continue;
      const bool all_keys = std::all_of(hard.begin(), hard.end(), [&](const cluster::TopologySpreadConstraint* c) {
        return node.labels.count(c->topology_key) != 0;
      });
      if (!all_keys) continue;
      for (std::size_t i = 0; i < hard.size(); ++i) {
        const auto& c = *hard[i];
        if (c.node_affinity_policy_honor && !spec.node_affinity_matches(node.labels)) continue;
        if (c.node_taints_policy_honor && untolerated_do_not_schedule(node.taints, spec.tolerations)) continue;
        std::int64_t count = 0;
        for (auto pid : node.pods) {
          const auto& p = state.pod(pid);
          if (!p.terminating && p.namespace_ == pod.namespace_ && selectors[i].matches(p.labels)) ++count;
        }
        m_spread[i].counts[node.labels.find(c.topology_key)->second] += count;
      }
    }
    for (auto& sp : m_spread) {
      // criticalPaths start at MaxInt32: with no eligible domain every skew passes.
      sp.min = INT32_MAX;
      for (const auto& [d, n] : sp.counts) sp.min = std::min(sp.min, n);
      if (sp.min_domains && static_cast<int>(sp.counts.size()) < *sp.min_domains) sp.min = 0;
    }
  }

  // InterPodAffinity PreFilter: existing pods' required anti-affinity terms that match this pod,
  // and, for this pod's required terms, the matching existing pods per topology pair (an existing
  // pod counts for affinity only if it matches every affinity term).
  if (!spec.pod_affinity.empty() || !spec.pod_anti_affinity.empty()) m_active = true;
  // Nothing to count: no affinity terms of its own and no bound pod with required anti-affinity.
  if (!m_active && state.bound_anti_affinity_pods() == 0) return;
  m_self_affinity = !spec.pod_affinity.empty() &&
                    std::all_of(spec.pod_affinity.begin(), spec.pod_affinity.end(),
                                [&](const cluster::PodAffinityTerm& t) { return term_matches(t, pod.namespace_, pod); });
  auto bump = [](std::map<Pair, std::int64_t>& m, const cluster::Node& node, const std::string& key) {
    auto it = node.labels.find(key);
    if (it != node.labels.end()) ++m[Pair{key, it->second}];
  };
  for (auto nid : state.node_ids()) {
    const auto& node = state.node(nid);
    if (!in_snapshot(node)) continue;
    for (auto pid : node.pods) {
      const auto& p = state.pod(pid);
      for (const auto& t : p.spec->pod_anti_affinity)
        if (term_matches(t, p.namespace_, pod)) bump(m_existing_anti, node, t.topology_key);
      if (!spec.pod_affinity.empty() &&
          std::all_of(spec.pod_affinity.begin(), spec.pod_affinity.end(),
                      [&](const cluster::PodAffinityTerm& t) { return term_matches(t, pod.namespace_, p); }))
        for (const auto& t : spec.pod_affinity) bump(m_affinity, node, t.topology_key);
      for (const auto& t : spec.pod_anti_affinity)
        if (term_matches(t, pod.namespace_, p)) bump(m_anti_affinity, node, t.topology_key);
    }
  }
  if (!m_existing_anti.empty()) m_active = true;
}

std::string KubeTopologyFilter::check(const cluster::Node& node) const {
  if (!m_active) return {};
  // PodTopologySpread Filter: 'existing matching num' + 'self match' - 'global min' <= maxSkew.
  for (const auto& sp : m_spread) {
    auto it = node.labels.find(sp.key);
    if (it == node.labels.end()) return "node(s) didn't match pod topology spread constraints (missing required label)";
    auto c = sp.counts.find(it->second);
    const std::int64_t matching = c == sp.counts.end() ? 0 : c->second;
    if (matching + (sp.self ? 1 : 0) - sp.min > sp.max_skew) return "node(s) didn't match pod topology spread constraints";
  }
  // InterPodAffinity Filter.
  const auto& spec = *m_pod->spec;
  if (!spec.pod_affinity.empty()) {
    bool pods_exist = true;
    for (const auto& t : spec.pod_affinity) {
      auto it = node.labels.find(t.topology_key);
      if (it == node.labels.end()) return "node(s) didn't match pod affinity rules";
      auto c = m_affinity.find(Pair{t.topology_key, it->second});
      if (c == m_affinity.end() || c->second <= 0) pods_exist = false;
    }
    // The first pod of a series with affinity to itself may go anywhere its topology keys exist.
    if (!pods_exist && !(m_affinity.empty() && m_self_affinity)) return "node(s) didn't match pod affinity rules";
  }
  if (!m_anti_affinity.empty()) {
    for (const auto& t : spec.pod_anti_affinity) {
      auto it = node.labels.find(t.topology_key);
      if (it == node.labels.end()) continue;
      auto c = m_anti_affinity.find(Pair{t.topology_key, it->second});
      if (c != m_anti_affinity.end() && c->second > 0) return "node(s) didn't match pod anti-affinity rules";
    }
  }
  if (!m_existing_anti.empty()) {
    for (const auto& [k, v] : node.labels) {
      auto c = m_existing_anti.find(Pair{k, v});
      if (c != m_existing_anti.end() && c->second > 0) return "node(s) didn't satisfy existing pods anti-affinity rules";
    }
  }
  return {};
}

BindChoice select_node(const cluster::ClusterState& state, const cluster::Pod& pod, bool explain) {
  BindChoice choice;
  const KubeTopologyFilter topology(state, pod);
  std::vector<cluster::NodeId> feasible;
  // Most pods are told apart only by the resource plugins: they are scored in the filter loop
  // (the same choice as score_nodes, without a second pass over the nodes).
  bool resources_decide = resource_scores_decide(state, pod);
  std::int64_t best_score = -1;
  const cluster::Node* best_node = nullptr;
  for (auto nid : state.node_ids()) {
    if (!state.free(nid).may_fit(pod.spec->requests)) continue;  // full: NodeResourcesFit rejects it
    const auto& node = state.node(nid);
    if (node.state != cluster::NodeState::ready && node.state != cluster::NodeState::registered) continue;
    if (!passes_filters(node, *pod.spec, state, nullptr)) continue;
    if (topology.active() && !topology.check(node).empty()) continue;
    feasible.push_back(nid);
    if (!resources_decide) continue;
    if (!node.taints.empty() && intolerable_prefer_no_schedule(node, *pod.spec) > 0) {
      resources_decide = false;
      continue;
    }
    const std::int64_t score = least_allocated_score(node, *pod.spec) + balanced_allocation_score(node, *pod.spec);
    if (score > best_score || (score == best_score && node.name < best_node->name)) {
      best_score = score;
      best_node = &node;
    }
  }
  // One feasible node is taken without scoring (schedule_one.go schedulePod).
  if (feasible.size() == 1) choice.node = feasible.front();
  if (feasible.size() > 1 && resources_decide) choice.node = best_node->id;
  if (feasible.size() > 1 && !resources_decide) {
    const std::vector<std::int64_t> scores = score_nodes(state, pod, feasible);
    std::size_t best = 0;
    for (std::size_t i = 1; i < feasible.size(); ++i)
      if (scores[i] > scores[best] ||
          (scores[i] == scores[best] && state.node(feasible[i]).name < state.node(feasible[best]).name))
        best = i;
    choice.node = feasible[best];
  }
  if (choice.node || !explain) return choice;
  // No node fits: the reasons, counted per distinct reason (a second pass, only on failure).
  // "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint ..." (sorted)
  std::map<std::string, int> reasons;
  int total = 0;
  for (auto nid : state.node_ids()) {
    const auto& node = state.node(nid);
    if (node.state != cluster::NodeState::ready && node.state != cluster::NodeState::registered) continue;
    ++total;
    std::string why = kube_filter(node, *pod.spec, state);
    if (why.empty() && topology.active()) why = topology.check(node);
    if (!why.empty()) ++reasons[why];
  }
  choice.reason = std::to_string(0) + "/" + std::to_string(total) + " nodes are available";
  std::string sep = ": ";
  for (const auto& [r, n] : reasons) {
    choice.reason += sep + std::to_string(n) + " " + r;
    sep = ", ";
  }
  return choice;
}

std::optional<Preemption> select_preemption(const cluster::ClusterState& state, const cluster::Pod& pod,
                                            const std::function<bool(const cluster::Pod&)>& pdb_allows) {
  const auto& spec = *pod.spec;
  if (spec.preempt_never) return std::nullopt;  // PodEligibleToPreemptOthers
  if (const auto lowest = state.lowest_bound_priority(); !lowest || *lowest >= spec.priority) return std::nullopt;
  auto more_important = [&](cluster::PodId a, cluster::PodId b) {
    const auto& pa = state.pod(a);
    const auto& pb = state.pod(b);
    if (pa.spec->priority != pb.spec->priority) return pa.spec->priority > pb.spec->priority;
    return pa.uid < pb.uid;  // started earlier
  };
  std::optional<Preemption> best;
  std::string best_name;
  std::int64_t best_key[4]{};
  for (auto nid : state.node_ids()) {
    const cluster::Node& n = state.node(nid);
    if (!in_snapshot(n)) continue;
    std::vector<cluster::PodId> lower;
    for (auto pid : n.pods)
      if (state.pod(pid).spec->priority < spec.priority) lower.push_back(pid);
    if (lower.empty()) continue;
    cluster::Node trial = n;  // the node without them
    auto remove = [&](cluster::PodId pid) {
      trial.pods.erase(std::find(trial.pods.begin(), trial.pods.end(), pid));
      trial.requested -= state.pod(pid).spec->requests;
    };
    for (auto pid : lower) remove(pid);
    if (!passes_filters(trial, spec, state, nullptr)) continue;
    std::sort(lower.begin(), lower.end(), more_important);
    std::vector<cluster::PodId> violating, fine;
    for (auto pid : lower) (pdb_allows(state.pod(pid)) ? fine : violating).push_back(pid);
    Preemption p;
    p.node = nid;
    auto reprieve = [&](cluster::PodId pid) {
      trial.pods.push_back(pid);
      trial.requested += state.pod(pid).spec->requests;
      if (passes_filters(trial, spec, state, nullptr)) return true;
      remove(pid);
      p.victims.push_back(pid);
      return false;
    };
    for (auto pid : violating)
      if (!reprieve(pid)) ++p.pdb_violations;
    for (auto pid : fine) reprieve(pid);
    if (p.victims.empty()) continue;
    std::sort(p.victims.begin(), p.victims.end(), more_important);
    std::int64_t sum = 0;
    // preemption.go: priorities offset by MaxInt32 + 1 so that negative ones still add up.
    for (auto v : p.victims) sum += static_cast<std::int64_t>(state.pod(v).spec->priority) + 2147483648LL;
    const std::int64_t key[4] = {p.pdb_violations, state.pod(p.victims.front()).spec->priority, sum,
                                 static_cast<std::int64_t>(p.victims.size())};
    bool better = !best;
    for (int k = 0; !better && k < 4; ++k) {
      if (key[k] != best_key[k]) {
        better = key[k] < best_key[k];
        break;
      }
      if (k == 3) better = n.name < best_name;
    }
    if (better) {
      best = std::move(p);
      best_name = n.name;
      std::copy(std::begin(key), std::end(key), best_key);
    }
  }
  return best;
}

}  // namespace capsim::scheduling
