#include "capsim/scheduling/cluster_snapshot.hpp"

#include <algorithm>
#include <climits>
#include <map>

#include "capsim/core/diagnostic.hpp"

namespace capsim::scheduling {

namespace {

const Labels k_no_labels;

const Labels& labels_of(const SnapshotPod& p) { return p.labels ? *p.labels : k_no_labels; }

bool tolerated(const std::vector<Toleration>& tols, const Taint& taint) {
  return std::any_of(tols.begin(), tols.end(), [&](const Toleration& t) { return tolerates(t, taint); });
}

// TaintToleration filter (and the nodeTaintsPolicy: Honor node filter): every NoSchedule and
// NoExecute taint tolerated; PreferNoSchedule is ignored.
bool tolerates_hard_taints(const std::vector<Toleration>& tols, const std::vector<Taint>& taints) {
  for (const auto& t : taints) {
    if (t.effect == TaintEffect::prefer_no_schedule) continue;
    if (!tolerated(tols, t)) return false;
  }
  return true;
}

// An affinity term selects pods of its namespaces (empty: the namespace of the pod that owns
// the term) whose labels match its selector.
bool term_selects(const cluster::PodAffinityTerm& term, std::string_view owner_ns, const SnapshotPod& other) {
  if (term.namespaces.empty()) {
    if (other.namespace_ != owner_ns) return false;
  } else if (std::find(term.namespaces.begin(), term.namespaces.end(), other.namespace_) == term.namespaces.end()) {
    return false;
  }
  return term.selector.matches(labels_of(other));
}

const std::string* label_value(const Labels& labels, const std::string& key) {
  auto it = labels.find(key);
  return it == labels.end() ? nullptr : &it->second;
}

using Pair = std::pair<std::string, std::string>;

}  // namespace

std::string_view filter_failure_text(FilterFailure f) {
  switch (f) {
    case FilterFailure::none: return "";
    case FilterFailure::node_unschedulable: return "node(s) were unschedulable";
    case FilterFailure::taint: return "node(s) had untolerated taint";
    case FilterFailure::node_affinity: return "node(s) didn't match Pod's node affinity/selector";
    case FilterFailure::node_ports: return "node(s) didn't have free ports for the requested pod ports";
    case FilterFailure::resources: return "Insufficient resources";
    case FilterFailure::topology_spread: return "node(s) didn't match pod topology spread constraints";
    case FilterFailure::inter_pod_affinity: return "node(s) didn't match pod affinity/anti-affinity rules";
  }
  return "";
}

std::string insufficient_resource(const cluster::PodSchedulingSpec& pod, const SnapshotNode& node) {
  ResourceList avail = node.allocatable - node.requested;
  avail.clamp_non_negative();
  const std::string r = pod.requests.first_exceeding(avail);
  if (r.empty()) return {};
  return r == "pods" ? "Too many pods" : "Insufficient " + r;
}

// PreFilter state of PodTopologySpread (k8s pkg/scheduler/framework/plugins/podtopologyspread/
// filtering.go) and InterPodAffinity (interpodaffinity/filtering.go) for one pod.
struct ClusterSnapshot::PreFilter {
  struct Spread {
    const cluster::TopologySpreadConstraint* c{nullptr};
    cluster::PodLabelSelector selector;  // labelSelector + matchLabelKeys
    bool self_match{false};
    std::map<std::string, int> counts;  // domain value -> matching pods
    int min{INT_MAX};
  };
  std::vector<Spread> spread;
  std::map<Pair, int> existing_anti;  // existing pods' anti-affinity that selects this pod
  std::map<Pair, int> affinity;       // pods matching all of this pod's affinity terms
  std::map<Pair, int> anti;           // pods matching one of this pod's anti-affinity terms
};

std::size_t ClusterSnapshot::add_node(SnapshotNode node) {
  bool anti = false;
  for (const auto& p : node.pods)
    if (p.spec && !p.spec->pod_anti_affinity.empty()) anti = true;
  return add_node(std::move(node), anti);
}

std::size_t ClusterSnapshot::add_node(SnapshotNode node, bool pods_have_anti_affinity) {
  if (pods_have_anti_affinity) m_any_anti_affinity = true;
  widen_largest(node);
  m_nodes.push_back(std::move(node));
  if (m_fork) m_fork->is_saved.push_back(true);  // new in this fork: dropped on revert, never saved
  return m_nodes.size() - 1;
}

void ClusterSnapshot::begin_refill() {
  m_fork.reset();
  m_index.clear();
  m_indexed = 0;
}

SnapshotNode& ClusterSnapshot::refill(std::size_t i) {
  CAPSIM_ASSERT(i <= m_nodes.size(), "refill past the end of the snapshot");
  if (i == m_nodes.size()) m_nodes.emplace_back();
  return m_nodes[i];
}

void ClusterSnapshot::end_refill(std::size_t n, bool any_anti_affinity) {
  m_nodes.resize(n);
  m_changed.assign(n, false);
  m_any_anti_affinity = any_anti_affinity;
  m_largest_cpu = m_largest_memory = 0;
  for (const auto& node : m_nodes) widen_largest(node);
}

void ClusterSnapshot::widen_largest(const SnapshotNode& n) {
  m_largest_cpu = std::max(m_largest_cpu, n.allocatable.get(Resource::cpu).milli);
  m_largest_memory = std::max(m_largest_memory, n.allocatable.get(Resource::memory).milli);
}

std::optional<std::size_t> ClusterSnapshot::find(std::string_view name) const {
  // The name index is built on the first lookup (most snapshots are never searched by name).
  for (; m_indexed < m_nodes.size(); ++m_indexed)
    CAPSIM_ASSERT(m_index.emplace(m_nodes[m_indexed].name, m_indexed).second,
                  "duplicate snapshot node " + m_nodes[m_indexed].name);
  auto it = m_index.find(std::string(name));
  if (it == m_index.end()) return std::nullopt;
  return it->second;
}

SnapshotNode& ClusterSnapshot::edit(std::size_t i) {
  if (m_fork && !m_fork->is_saved[i]) {
    m_fork->saved.emplace_back(i, m_nodes[i]);
    m_fork->is_saved[i] = true;
  }
  if (!m_fork) mark_changed(i);
  return m_nodes[i];
}

void ClusterSnapshot::mark_changed(std::size_t i) {
  if (m_changed.size() <= i) m_changed.resize(i + 1, false);
  m_changed[i] = true;
}

void ClusterSnapshot::add_pod(std::size_t i, const SnapshotPod& pod) {
  SnapshotNode& n = edit(i);
  n.pods.push_back(pod);
  n.requested += pod.spec->requests;
  if (!pod.spec->pod_anti_affinity.empty()) m_any_anti_affinity = true;
}

bool ClusterSnapshot::remove_pod(std::size_t i, cluster::PodId id) {
  auto& pods = m_nodes[i].pods;
  auto it = std::find_if(pods.begin(), pods.end(), [&](const SnapshotPod& p) { return p.id == id; });
  if (it == pods.end()) return false;
  const std::size_t pos = static_cast<std::size_t>(it - pods.begin());
  SnapshotNode& n = edit(i);
  n.requested -= n.pods[pos].spec->requests;
  n.pods.erase(n.pods.begin() + static_cast<std::ptrdiff_t>(pos));
  return true;
}

void ClusterSnapshot::add_taint(std::size_t i, const Taint& taint) { edit(i).taints.push_back(taint); }

void ClusterSnapshot::fork() {
  CAPSIM_ASSERT(!m_fork, "the cluster snapshot is already forked");
  Fork f;
  f.node_count = m_nodes.size();
  f.is_saved.assign(m_nodes.size(), false);
  f.any_anti_affinity = m_any_anti_affinity;
  m_fork = std::move(f);
}

void ClusterSnapshot::revert() {
  CAPSIM_ASSERT(m_fork.has_value(), "revert without fork");
  Fork& f = *m_fork;
  for (; m_indexed > f.node_count; --m_indexed) m_index.erase(m_nodes[m_indexed - 1].name);
  m_nodes.resize(f.node_count);
  for (auto& [i, n] : f.saved) m_nodes[i] = std::move(n);
  m_any_anti_affinity = f.any_anti_affinity;
  m_fork.reset();
}

void ClusterSnapshot::commit() {
  CAPSIM_ASSERT(m_fork.has_value(), "commit without fork");
  for (const auto& [i, n] : m_fork->saved) mark_changed(i);
  m_fork.reset();
}

ClusterSnapshot::PreFilter ClusterSnapshot::prefilter(const SnapshotPod& pod) const {
  PreFilter pf;
  const cluster::PodSchedulingSpec& spec = *pod.spec;
  const Labels& own = labels_of(pod);

  // PodTopologySpread: DoNotSchedule constraints only (ScheduleAnyway is a score).
  for (const auto& c : spec.topology_spread) {
    if (!c.do_not_schedule) continue;
    PreFilter::Spread s;
    s.c = &c;
    s.selector = c.selector;
    for (const auto& k : c.match_label_keys)
      if (auto v = label_value(own, k)) s.selector.match_labels[k] = *v;
    s.self_match = s.selector.matches(own);
    pf.spread.push_back(std::move(s));
  }
  if (!pf.spread.empty()) {
    for (const auto& n : m_nodes) {
      // nodeLabelsMatchSpreadConstraints: the node carries every constraint's key.
      bool has_all = true;
      for (const auto& s : pf.spread)
        if (!label_value(n.labels, s.c->topology_key)) has_all = false;
      if (!has_all) continue;
      for (auto& s : pf.spread) {
        // matchNodeInclusionPolicies: nodeAffinityPolicy Honor (default) and nodeTaintsPolicy Honor.
        if (s.c->node_affinity_policy_honor && !spec.node_affinity_matches(n.labels)) continue;
        if (s.c->node_taints_policy_honor && !tolerates_hard_taints(spec.tolerations, n.taints)) continue;
        int count = 0;
        for (const auto& p : n.pods)
          if (p.namespace_ == pod.namespace_ && s.selector.matches(labels_of(p))) ++count;
        s.counts[*label_value(n.labels, s.c->topology_key)] += count;
      }
    }
    for (auto& s : pf.spread) {
      for (const auto& [v, count] : s.counts) s.min = std::min(s.min, count);
      // minDomains: fewer eligible domains than required -> the global minimum is 0.
      if (s.c->min_domains && static_cast<int>(s.counts.size()) < *s.c->min_domains) s.min = 0;
    }
  }

  // InterPodAffinity.
  const bool own_terms = !spec.pod_affinity.empty() || !spec.pod_anti_affinity.empty();
  if (own_terms || m_any_anti_affinity) {
    for (const auto& n : m_nodes) {
      for (const auto& p : n.pods) {
        if (!p.spec) continue;
        for (const auto& term : p.spec->pod_anti_affinity)
          if (term_selects(term, p.namespace_, pod))
            if (auto v = label_value(n.labels, term.topology_key)) ++pf.existing_anti[{term.topology_key, *v}];
        if (!spec.pod_affinity.empty()) {
          bool all = true;
          for (const auto& term : spec.pod_affinity)
            if (!term_selects(term, pod.namespace_, p)) all = false;
          if (all)
            for (const auto& term : spec.pod_affinity)
              if (auto v = label_value(n.labels, term.topology_key)) ++pf.affinity[{term.topology_key, *v}];
        }
        for (const auto& term : spec.pod_anti_affinity)
          if (term_selects(term, pod.namespace_, p))
            if (auto v = label_value(n.labels, term.topology_key)) ++pf.anti[{term.topology_key, *v}];
      }
    }
  }
  return pf;
}

FilterFailure ClusterSnapshot::filter(const PreFilter& pf, const SnapshotPod& pod, const SnapshotNode& n) const {
  const cluster::PodSchedulingSpec& spec = *pod.spec;
  // NodeUnschedulable: a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable.
  if (n.unschedulable && !tolerated(spec.tolerations, Taint{"node.kubernetes.io/unschedulable", "", TaintEffect::no_schedule}))
    return FilterFailure::node_unschedulable;
  if (!tolerates_hard_taints(spec.tolerations, n.taints)) return FilterFailure::taint;
  if (!spec.node_affinity_matches(n.labels)) return FilterFailure::node_affinity;
  if (!spec.host_ports.empty()) {
    for (const auto& p : n.pods)
      for (int port : p.spec->host_ports)
        if (std::find(spec.host_ports.begin(), spec.host_ports.end(), port) != spec.host_ports.end())
          return FilterFailure::node_ports;
  }
  // NodeResourcesFit (fitsRequest): only the resources the pod requests are compared, so a node
  // over-committed on a resource the pod does not ask for still fits; pods always count.
  ResourceList avail = n.allocatable - n.requested;
  avail.clamp_non_negative();
  if (!spec.requests.fits_in(avail)) return FilterFailure::resources;

  for (const auto& s : pf.spread) {
    const std::string* v = label_value(n.labels, s.c->topology_key);
    if (!v) return FilterFailure::topology_spread;
    auto it = s.counts.find(*v);
    const int match = it == s.counts.end() ? 0 : it->second;
    const std::int64_t skew = static_cast<std::int64_t>(match) + (s.self_match ? 1 : 0) - s.min;
    if (skew > s.c->max_skew) return FilterFailure::topology_spread;
  }

  if (!pf.existing_anti.empty()) {
    for (const auto& [pair, count] : pf.existing_anti) {
      const std::string* v = label_value(n.labels, pair.first);
      if (v && *v == pair.second && count > 0) return FilterFailure::inter_pod_affinity;
    }
  }
  for (const auto& term : spec.pod_anti_affinity) {
    const std::string* v = label_value(n.labels, term.topology_key);
    if (!v) continue;
    auto it = pf.anti.find({term.topology_key, *v});
    if (it != pf.anti.end() && it->second > 0) return FilterFailure::inter_pod_affinity;
  }
  if (!spec.pod_affinity.empty()) {
    bool exist = true;
    for (const auto& term : spec.pod_affinity) {
      const std::string* v = label_value(n.labels, term.topology_key);
      if (!v) return FilterFailure::inter_pod_affinity;  // every topology key must be on the node
      auto it = pf.affinity.find({term.topology_key, *v});
      if (it == pf.affinity.end() || it->second <= 0) exist = false;
    }
    if (!exist) {
      // The first pod of a series with affinity to itself may go anywhere.
      bool self = pf.affinity.empty();
      for (const auto& term : spec.pod_affinity)
        if (!term_selects(term, pod.namespace_, pod)) self = false;
      if (!self) return FilterFailure::inter_pod_affinity;
    }
  }
  return FilterFailure::none;
}

FilterFailure ClusterSnapshot::check(const SnapshotPod& pod, std::size_t i) const {
  return filter(prefilter(pod), pod, m_nodes[i]);
}

FilterFailure ClusterSnapshot::try_schedule(const SnapshotPod& pod, std::size_t i) {
  FilterFailure f = check(pod, i);
  if (f == FilterFailure::none) add_pod(i, pod);
  return f;
}

std::optional<std::size_t> ClusterSnapshot::schedule_anywhere(const SnapshotPod& pod,
                                                              const std::function<bool(std::size_t)>& acceptable) {
  const std::size_t n = m_nodes.size();
  if (n == 0) return std::nullopt;
  // NodeResourcesFit decides alone for a pod larger than every node, and first on a node without
  // room for its CPU or memory: such nodes are passed over without the other filters.
  const std::int64_t cpu = pod.spec->requests.get(Resource::cpu).milli;
  const std::int64_t memory = pod.spec->requests.get(Resource::memory).milli;
  if (cpu > m_largest_cpu || memory > m_largest_memory) return std::nullopt;
  const auto no_room = [&](const SnapshotNode& node) {
    const auto room = [&](Resource r) {
      return std::max<std::int64_t>(0, node.allocatable.get(r).milli - node.requested.get(r).milli);
    };
    return (cpu > 0 && cpu > room(Resource::cpu)) || (memory > 0 && memory > room(Resource::memory));
  };
  const PreFilter pf = prefilter(pod);
  // lastIndexOrderMapping with offset 1: position k of the walk is (k + 1 + lastIndex) mod n, and
  // lastIndex becomes the index of the node that took the pod.
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (k + 1 + m_last_index) % n;
    if (acceptable && !acceptable(i)) continue;
    if (no_room(m_nodes[i]) || filter(pf, pod, m_nodes[i]) != FilterFailure::none) continue;
    add_pod(i, pod);
    m_last_index = i;
    return i;
  }
  return std::nullopt;
}

const std::string* SchedulingHints::get(std::uint64_t pod_uid) const {
  if (auto it = m_current.find(pod_uid); it != m_current.end()) return it->second;
  if (auto it = m_old.find(pod_uid); it != m_old.end()) return it->second;
  return nullptr;
}

const std::string* SchedulingHints::intern(const std::string& name) { return &*m_names.insert(name).first; }

void SchedulingHints::drop_old() {
  m_repeated = m_current == m_old;
  m_old = std::move(m_current);
  m_current.clear();
}

std::optional<std::size_t> schedule_with_hints(ClusterSnapshot& snap, const SnapshotPod& pod, SchedulingHints& hints,
                                               const std::function<bool(std::size_t)>& acceptable) {
  if (const std::string* hinted = hints.get(pod.uid))
    if (auto i = snap.find(*hinted); i && (!acceptable || acceptable(*i)) && snap.try_schedule(pod, *i) == FilterFailure::none) {
      hints.set_interned(pod.uid, hinted);
      return i;
    }
  auto at = snap.schedule_anywhere(pod, acceptable);
  if (at) hints.set(pod.uid, snap.node(*at).name);
  return at;
}

}  // namespace capsim::scheduling
