#include "capsim/scheduling/kube_score.hpp"

#include <climits>
#include <cmath>
#include <map>
#include <set>

#include "kube_detail.hpp"

namespace capsim::scheduling {

namespace {

constexpr std::int64_t k_max_node_score = 100;  // framework.MaxNodeScore

// framework/plugins/helper/normalize_score.go DefaultNormalizeScore: scale to [0, 100] by the
// maximum; `reverse` flips it (fewer is better). All zero: 0, or 100 when reversed.
void default_normalize(std::vector<std::int64_t>& scores, bool reverse) {
  std::int64_t max = 0;
  for (auto s : scores) max = std::max(max, s);
  for (auto& s : scores) {
    if (max == 0) {
      s = reverse ? k_max_node_score : 0;
      continue;
    }
    s = k_max_node_score * s / max;
    if (reverse) s = k_max_node_score - s;
  }
}

// nodeaffinity/node_affinity.go Score: the summed weights of the preferred terms the node matches.
std::int64_t preferred_node_affinity(const cluster::Node& node, const cluster::PodSchedulingSpec& pod) {
  std::int64_t sum = 0;
  for (const auto& [weight, term] : pod.preferred_terms)
    if (term.matches(node.labels)) sum += weight;
  return sum;
}

// podtopologyspread/scoring.go (PreScore, Score, NormalizeScore) for the pod's ScheduleAnyway
// constraints; counts follow countPodsMatchSelector (the pod's namespace, the selector with
// matchLabelKeys). Returns false when the pod has no such constraint (the plugin is skipped).
bool topology_spread_scores(const cluster::ClusterState& state, const cluster::Pod& pod,
                            const std::vector<cluster::NodeId>& feasible, std::vector<std::int64_t>& out) {
  const auto& spec = *pod.spec;
  struct Soft {
    const cluster::TopologySpreadConstraint* c;
    cluster::PodLabelSelector selector;
    bool hostname;
    std::map<std::string, std::int64_t, std::less<>> counts;  // value -> matching pods (non-hostname keys)
    double weight{0};
  };
  std::vector<Soft> soft;
  for (const auto& c : spec.topology_spread)
    if (!c.do_not_schedule) soft.push_back({&c, detail::spread_selector(c, pod), c.topology_key == label::k_hostname, {}, 0});
  if (soft.empty()) return false;
  auto has_all_keys = [&](const cluster::Node& n) {
    return std::all_of(soft.begin(), soft.end(), [&](const Soft& s) { return n.labels.count(s.c->topology_key) != 0; });
  };
  auto matching = [&](const cluster::Node& n, const Soft& s) {
    std::int64_t count = 0;
    for (auto pid : n.pods) {
      const auto& p = state.pod(pid);
      if (!p.terminating && p.namespace_ == pod.namespace_ && s.selector.matches(p.labels)) ++count;
    }
    return count;
  };
  // requireAllTopologies (the pod has constraints of its own): feasible nodes missing a key are
  // ignored; the others register their domains.
  std::vector<bool> ignored(feasible.size(), false);
  std::size_t n_ignored = 0;
  for (std::size_t i = 0; i < feasible.size(); ++i) {
    const auto& n = state.node(feasible[i]);
    if (!has_all_keys(n)) {
      ignored[i] = true;
      ++n_ignored;
      continue;
    }
    for (auto& s : soft)
      if (!s.hostname) s.counts.try_emplace(n.labels.find(s.c->topology_key)->second, 0);
  }
  for (auto& s : soft) {
    const std::size_t size = s.hostname ? feasible.size() - n_ignored : s.counts.size();
    s.weight = std::log(static_cast<double>(size + 2));  // topologyNormalizingWeight
  }
  // Matching pods per registered domain over every node of the snapshot that carries all keys
  // and passes the constraint's node inclusion policies.
  for (auto nid : state.node_ids()) {
    const auto& n = state.node(nid);
    if (!detail::in_snapshot(n) || !has_all_keys(n)) continue;
    for (auto& s : soft) {
      if (s.hostname) continue;
      if (s.c->node_affinity_policy_honor && !spec.node_affinity_matches(n.labels)) continue;
      if (s.c->node_taints_policy_honor && detail::untolerated_do_not_schedule(n.taints, spec.tolerations)) continue;
      auto it = s.counts.find(n.labels.find(s.c->topology_key)->second);
      if (it != s.counts.end()) it->second += matching(n, s);
    }
  }
  std::int64_t min = INT64_MAX, max = 0;
  for (std::size_t i = 0; i < feasible.size(); ++i) {
    if (ignored[i]) continue;
    const auto& n = state.node(feasible[i]);
    double score = 0;
    for (const auto& s : soft) {
      const std::int64_t cnt = s.hostname ? matching(n, s) : s.counts.find(n.labels.find(s.c->topology_key)->second)->second;
      score += static_cast<double>(cnt) * s.weight + static_cast<double>(s.c->max_skew - 1);  // scoreForCount
    }
    out[i] = static_cast<std::int64_t>(std::round(score));
    min = std::min(min, out[i]);
    max = std::max(max, out[i]);
  }
  // NormalizeScore: fewer matching pods is better; ignored nodes get 0.
  for (std::size_t i = 0; i < feasible.size(); ++i) {
    if (ignored[i]) out[i] = 0;
    else if (max == 0) out[i] = k_max_node_score;
    else out[i] = k_max_node_score * (max + min - out[i]) / max;
  }
  return true;
}

// interpodaffinity/scoring.go (PreScore processExistingPod, Score, NormalizeScore): per topology
// pair, + the weight of each of the pod's preferred affinity terms an existing pod matches, - for
// its preferred anti-affinity terms, + hardPodAffinityWeight (1) for each existing pod's required
// affinity term the pod matches, +/- the weights of existing pods' preferred terms it matches.
// A node scores the sum over its labels' pairs, then min-max scaled to [0, 100]. Returns false
// when there is nothing to count (the plugin is skipped).
bool inter_pod_affinity_scores(const cluster::ClusterState& state, const cluster::Pod& pod,
                               const std::vector<cluster::NodeId>& feasible, std::vector<std::int64_t>& out) {
  const auto& spec = *pod.spec;
  const bool has_constraints = !spec.preferred_pod_affinity.empty() || !spec.preferred_pod_anti_affinity.empty();
  if (!has_constraints && state.bound_affinity_pods() == 0) return false;
  std::map<std::pair<std::string, std::string>, std::int64_t> topology_score;
  auto add = [&](const cluster::PodAffinityTerm& t, std::int64_t weight, const std::string& owner_ns,
                 const cluster::Pod& target, const cluster::Node& node) {
    if (!detail::term_matches(t, owner_ns, target)) return;
    auto it = node.labels.find(t.topology_key);
    if (it != node.labels.end()) topology_score[{t.topology_key, it->second}] += weight;
  };
  for (auto nid : state.node_ids()) {
    const auto& node = state.node(nid);
    if (!detail::in_snapshot(node) || node.labels.empty()) continue;
    for (auto pid : node.pods) {
      const auto& existing = state.pod(pid);
      const auto& e = *existing.spec;
      for (const auto& w : spec.preferred_pod_affinity) add(w.term, w.weight, pod.namespace_, existing, node);
      for (const auto& w : spec.preferred_pod_anti_affinity) add(w.term, -w.weight, pod.namespace_, existing, node);
      for (const auto& t : e.pod_affinity) add(t, 1, existing.namespace_, pod, node);
      for (const auto& w : e.preferred_pod_affinity) add(w.term, w.weight, existing.namespace_, pod, node);
      for (const auto& w : e.preferred_pod_anti_affinity) add(w.term, -w.weight, existing.namespace_, pod, node);
    }
  }
  if (topology_score.empty()) return false;
  std::int64_t min = INT64_MAX, max = INT64_MIN;
  for (std::size_t i = 0; i < feasible.size(); ++i) {
    std::int64_t s = 0;
    for (const auto& [k, v] : state.node(feasible[i]).labels) {
      auto it = topology_score.find({k, v});
      if (it != topology_score.end()) s += it->second;
    }
    out[i] = s;
    min = std::min(min, s);
    max = std::max(max, s);
  }
  for (auto& s : out)
    s = max > min ? static_cast<std::int64_t>(static_cast<double>(k_max_node_score) *
                                              (static_cast<double>(s - min) / static_cast<double>(max - min)))
                  : 0;
  return true;
}

}  // namespace

// tainttoleration/taint_toleration.go Score: the node's PreferNoSchedule taints that no
// toleration with an empty or PreferNoSchedule effect tolerates.
std::int64_t intolerable_prefer_no_schedule(const cluster::Node& node, const cluster::PodSchedulingSpec& pod) {
  std::int64_t n = 0;
  for (const auto& taint : node.taints) {
    if (taint.effect != TaintEffect::prefer_no_schedule) continue;
    const bool ok = std::any_of(pod.tolerations.begin(), pod.tolerations.end(), [&](const Toleration& t) {
      return (!t.effect || *t.effect == TaintEffect::prefer_no_schedule) && tolerates(t, taint);
    });
    if (!ok) ++n;
  }
  return n;
}

bool resource_scores_decide(const cluster::ClusterState& state, const cluster::Pod& pod) {
  const auto& spec = *pod.spec;
  if (!spec.preferred_terms.empty() || !spec.preferred_pod_affinity.empty() || !spec.preferred_pod_anti_affinity.empty())
    return false;
  if (state.bound_affinity_pods() > 0) return false;  // InterPodAffinity counts running pods' terms
  return std::all_of(spec.topology_spread.begin(), spec.topology_spread.end(),
                     [](const auto& c) { return c.do_not_schedule; });  // no ScheduleAnyway constraint
}

std::int64_t least_allocated_score(const cluster::Node& node, const cluster::PodSchedulingSpec& pod) {
  // least_allocated.go: per resource (capacity - requested) * 100 / capacity, weighted mean over
  // cpu and memory (weights 1, 1), using allocatable as capacity and integer arithmetic.
  auto score = [](std::int64_t alloc, std::int64_t requested) -> std::int64_t {
    if (alloc <= 0 || requested > alloc) return 0;
    return (alloc - requested) * 100 / alloc;
  };
  std::int64_t cpu = score(node.allocatable.cpu_millis(), node.requested.cpu_millis() + pod.requests.cpu_millis());
  std::int64_t mem = score(node.allocatable.memory_bytes(), node.requested.memory_bytes() + pod.requests.memory_bytes());
  return (cpu + mem) / 2;
}

std::int64_t balanced_allocation_score(const cluster::Node& node, const cluster::PodSchedulingSpec& pod) {
  // balanced_allocation.go balancedResourceScorer over cpu and memory with the pods' requests
  // (useRequested): fraction = requested / allocatable capped at 1, std = |f_cpu - f_mem| / 2,
  // score = (1 - std) * 100 truncated. A resource without allocatable is left out.
  if (pod.requests.cpu_millis() == 0 && pod.requests.memory_bytes() == 0) return 0;  // best effort: skipped
  double fractions[2];
  int n = 0;
  auto add = [&](std::int64_t alloc, std::int64_t requested) {
    if (alloc != 0) fractions[n++] = std::min(1.0, static_cast<double>(requested) / static_cast<double>(alloc));
  };
  add(node.allocatable.cpu_millis(), node.requested.cpu_millis() + pod.requests.cpu_millis());
  add(node.allocatable.memory_bytes(), node.requested.memory_bytes() + pod.requests.memory_bytes());
  const double std_dev = n == 2 ? std::abs((fractions[0] - fractions[1]) / 2) : 0.0;
  return static_cast<std::int64_t>((1 - std_dev) * static_cast<double>(k_max_node_score));
}

std::vector<std::int64_t> score_nodes(const cluster::ClusterState& state, const cluster::Pod& pod,
                                      const std::vector<cluster::NodeId>& feasible) {
  const auto& spec = *pod.spec;
  const std::size_t n = feasible.size();
  std::vector<std::int64_t> total(n, 0);
  std::vector<std::int64_t> plugin;  // one plugin's scores at a time; left empty while all are 0
  auto add = [&](std::int64_t weight) {
    for (std::size_t i = 0; i < n; ++i) total[i] += weight * plugin[i];
  };
  bool tainted = false;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& node = state.node(feasible[i]);
    total[i] = least_allocated_score(node, spec) + balanced_allocation_score(node, spec);  // weights 1, 1
    tainted = tainted || !node.taints.empty();
  }
  // TaintToleration, weight 3: reversed, so a node with nothing to count gets 100.
  plugin.assign(n, 0);
  if (tainted)
    for (std::size_t i = 0; i < n; ++i) plugin[i] = intolerable_prefer_no_schedule(state.node(feasible[i]), spec);
  default_normalize(plugin, /*reverse=*/true);
  add(3);
  // NodeAffinity, weight 2: all 0 without preferred terms.
  if (!spec.preferred_terms.empty()) {
    for (std::size_t i = 0; i < n; ++i) plugin[i] = preferred_node_affinity(state.node(feasible[i]), spec);
    default_normalize(plugin, /*reverse=*/false);
    add(2);
  }
  if (topology_spread_scores(state, pod, feasible, plugin)) add(2);
  if (inter_pod_affinity_scores(state, pod, feasible, plugin)) add(2);
  return total;
}

}  // namespace capsim::scheduling
