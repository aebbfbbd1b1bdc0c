#include "capsim/scheduling/topology.hpp"

#include <algorithm>
#include <climits>

#include "capsim/scheduling/solver.hpp"

namespace capsim::scheduling {
namespace {

constexpr std::uint32_t k_none = UINT32_MAX;
constexpr int k_affinity_max_skew = INT32_MAX;  // math.MaxInt32 for (anti-)affinity groups

// Field separators for identity strings (label keys and values never contain control characters).
constexpr char k_sep = '\x1f';
constexpr char k_sub = '\x1e';

void append_selector(std::string& out, const cluster::PodLabelSelector& s) {
  // hashSelector: matchLabels as a map, expressions as a set (values as sets too).
  for (const auto& [k, v] : s.match_labels) {
    out += k;
    out += '=';
    out += v;
    out += k_sub;
  }
  std::vector<std::string> exprs;
  for (const auto& e : s.match_expressions) {
    std::vector<std::string> vals = e.values;
    std::sort(vals.begin(), vals.end());
    vals.erase(std::unique(vals.begin(), vals.end()), vals.end());
    std::string x = e.key;
    x += ' ';
    x += operator_name(e.op);
    for (const auto& v : vals) {
      x += ' ';
      x += v;
    }
    exprs.push_back(std::move(x));
  }
  std::sort(exprs.begin(), exprs.end());
  exprs.erase(std::unique(exprs.begin(), exprs.end()), exprs.end());
  out += k_sep;
  for (const auto& x : exprs) {
    out += x;
    out += k_sub;
  }
}

std::string toleration_identity(const Toleration& t) {
  std::string s = t.key;
  s += t.op_exists ? " Exists " : " Equal ";
  s += t.value;
  s += ' ';
  s += t.effect ? std::string(taint_effect_name(*t.effect)) : std::string("*");
  return s;
}

// Karpenter's hash of a TopologyNodeFilter: requirements and tolerations as sets, both policies.
void append_filter(std::string& out, const TopologyNodeFilter& f) {
  out += f.affinity_honor ? "AH" : "AI";
  out += f.taints_honor ? "TH" : "TI";
  std::vector<std::string> terms;
  for (const auto& t : f.terms) terms.push_back(t.describe());
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  for (const auto& t : terms) {
    out += t;
    out += k_sub;
  }
  out += k_sep;
  std::vector<std::string> tols;
  for (const auto& t : f.tolerations) tols.push_back(toleration_identity(t));
  std::sort(tols.begin(), tols.end());
  tols.erase(std::unique(tols.begin(), tols.end()), tols.end());
  for (const auto& t : tols) {
    out += t;
    out += k_sub;
  }
}

bool is_nodepool_key(std::string_view key) { return key == label::k_nodepool || key == label::k_provisioner_name; }

// A Requirement's text for error messages; null means "Exists".
std::string describe_or_exists(const Requirement* r, std::string_view key) {
  if (r) return r->describe();
  return std::string(key) + " Exists";
}

}  // namespace

std::string_view topology_type_name(TopologyType t) {
  switch (t) {
    case TopologyType::spread: return "topology spread";
    case TopologyType::pod_affinity: return "pod affinity";
    case TopologyType::pod_anti_affinity: return "pod anti-affinity";
  }
  return "topology spread";
}

bool TopologyNodeFilter::trivial() const {
  if (taints_honor) return false;
  if (!affinity_honor) return true;
  return std::all_of(terms.begin(), terms.end(), [](const Requirements& r) { return r.empty(); });
}

// TopologyNodeFilter.Matches: nodeAffinityPolicy Honor -> some term is Compatible with the node's
// requirements; nodeTaintsPolicy Honor -> the pod tolerates every taint of the node.
bool TopologyNodeFilter::matches(const std::vector<Taint>& taints, const Requirements& node,
                                 bool allow_undefined_well_known) const {
  if (affinity_honor && !terms.empty()) {
    const WellKnownFn wk = allow_undefined_well_known ? WellKnownFn(is_well_known_label) : WellKnownFn();
    bool any = false;
    for (const auto& t : terms)
      if (!node.compatible(t, wk)) {
        any = true;
        break;
      }
    if (!any) return false;
  }
  if (taints_honor && first_untolerated(taints, tolerations)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Construction

Topology::Topology(const std::vector<NodeClaimTemplate>& templates, bool ignore_preferences)
    : m_ignore_preferences(ignore_preferences), m_templates(&templates) {
  m_hostname_key = key_id(label::k_hostname);
}

// buildDomainGroups for one key (computed when the first group on the key appears): per NodePool
// and instance type, the values of (NodePool requirements and labels ∩ instance-type
// requirements) for the key; then the values of the NodePool's In requirement on it. Upstream
// reads the NodePool spec, which never carries karpenter.sh/nodepool (capsim's template
// requirements add it), so that key has no universe. Values() of a complement requirement are
// its exclusions, inserted as upstream does.
void Topology::ensure_universe(std::uint32_t k) {
  if (m_keys[k].universe_built) return;
  m_keys[k].universe_built = true;
  const std::string key = m_keys[k].key;
  if (is_nodepool_key(key)) return;
  auto insert = [&](const std::string& value, const std::vector<Taint>& taints) {
    std::uint32_t d = domain_id(k, value);
    auto& entries = m_keys[k].universe.entries;
    auto it = std::lower_bound(entries.begin(), entries.end(), d,
                               [](const auto& e, std::uint32_t x) { return e.first < x; });
    if (it == entries.end() || it->first != d) {
      entries.insert(it, {d, {taints}});
      return;
    }
    // TopologyDomainGroup.Insert: an untainted pool makes the domain always eligible.
    if (taints.empty()) {
      it->second = {taints};
      return;
    }
    if (it->second.front().empty()) return;
    it->second.push_back(taints);
  };
  for (const auto& t : *m_templates) {
    const Requirement* tr = t.requirements.get(key);
    for (const auto* it : t.instance_types) {
      const Requirement* ir = it->requirements.get(key);
      if (ir && tr) {
        const Requirement both = tr->intersection(*ir);
        for (const auto& v : both.values()) insert(v, t.taints);
      } else if (ir) {
        for (const auto& v : ir->values()) insert(v, t.taints);
      } else if (tr) {
        for (const auto& v : tr->values()) insert(v, t.taints);
      }
    }
    if (tr && tr->op() == Operator::in)
      for (const auto& v : tr->values()) insert(v, t.taints);
  }
}

std::uint32_t Topology::key_id(std::string_view key) {
  auto it = m_key_ids.find(std::string(key));
  if (it != m_key_ids.end()) return it->second;
  std::uint32_t id = static_cast<std::uint32_t>(m_keys.size());
  KeyTable k;
  k.key = std::string(key);
  k.hostname = key == label::k_hostname;
  m_keys.push_back(std::move(k));
  m_key_ids.emplace(std::string(key), id);
  return id;
}

std::uint32_t Topology::domain_id(std::uint32_t key, std::string_view value) {
  KeyTable& k = m_keys[key];
  auto it = k.ids.find(std::string(value));
  if (it != k.ids.end()) return it->second;
  std::uint32_t id = static_cast<std::uint32_t>(k.names.size());
  k.names.emplace_back(value);
  k.ids.emplace(std::string(value), id);
  return id;
}

std::optional<std::uint32_t> Topology::lookup(std::uint32_t key, std::string_view value) const {
  const KeyTable& k = m_keys[key];
  auto it = k.ids.find(std::string(value));
  if (it == k.ids.end()) return std::nullopt;
  return it->second;
}

std::uint32_t Topology::hostname_domain(const std::string& hostname) { return domain_id(m_hostname_key, hostname); }

bool Topology::pod_selected(const Group& g, const std::string& ns, const Labels& labels) const {
  if (!std::binary_search(g.namespaces.begin(), g.namespaces.end(), ns)) return false;
  return g.selector.matches(labels);
}

namespace {
// FNV-1a over the bytes of a string, chained.
std::uint64_t fnv(std::uint64_t h, std::string_view s) {
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 1099511628211ULL;
  }
  return h ^ 0xff;  // terminator, so ("ab","c") and ("a","bc") differ
}
}  // namespace

std::uint32_t Topology::label_class(const std::string& ns, const Labels* labels) {
  static const Labels k_empty;
  const Labels& l = labels ? *labels : k_empty;
  std::uint64_t h = fnv(14695981039346656037ULL, ns);
  for (const auto& [k, v] : l) h = fnv(fnv(h, k), v);
  auto& bucket = m_label_class_ids[h];
  for (std::uint32_t id : bucket)
    if (m_label_classes[id].namespace_ == ns && m_label_classes[id].labels == l) return id;
  std::uint32_t cid = static_cast<std::uint32_t>(m_label_classes.size());
  LabelClass c;
  c.namespace_ = ns;
  c.labels = l;
  for (std::uint32_t gid = 0; gid < m_groups.size(); ++gid) {
    const Group& g = m_groups[gid];
    bool s = pod_selected(g, c.namespace_, c.labels);
    c.selects.push_back(s ? 1 : 0);
    if (s) (g.inverse ? c.selecting_inverse : c.selecting_regular).push_back(gid);
  }
  m_label_classes.push_back(std::move(c));
  bucket.push_back(cid);
  return cid;
}

std::uint32_t Topology::pod_class(const cluster::PodSchedulingSpec* spec, std::uint32_t lc) {
  const std::uint64_t h = (reinterpret_cast<std::uintptr_t>(spec) * 0x9E3779B97F4A7C15ULL) ^ lc;
  auto& bucket = m_pod_class_ids[h];
  for (std::uint32_t id : bucket)
    if (m_pod_classes[id].spec == spec && m_pod_classes[id].label_class == lc) return id;
  std::uint32_t pid = static_cast<std::uint32_t>(m_pod_classes.size());
  PodClass pc;
  pc.spec = spec;
  pc.label_class = lc;
  m_pod_classes.push_back(std::move(pc));
  bucket.push_back(pid);
  return pid;
}

void Topology::build_without_groups(const std::vector<SolverPod>& batch) {
  // No batch pod has constraints and no bound pod has required anti-affinity: no group will ever
  // exist, so every pod gets one shared label class (it selects nothing) and one pod class (it
  // owns nothing).
  m_nodes.clear();
  m_node_labels.clear();
  m_excluded.clear();
  m_batch.clear();
  if (batch.empty()) return;
  const PodHandle h{pod_class(batch.front().spec, label_class(batch.front().namespace_, nullptr)), 0};
  m_batch.assign(batch.size(), PodHandle{h.pod_class, m_pod_classes[h.pod_class].label_class});
}

void Topology::build(std::vector<TopologyNodeInput> nodes, const std::vector<SolverPod>& batch) {
  m_nodes = std::move(nodes);
  // excludedPods: the pods being scheduled are not counted where they are bound now.
  m_excluded.clear();
  for (const auto& p : batch) m_excluded.push_back(p.uid);
  std::sort(m_excluded.begin(), m_excluded.end());
  auto excluded = [&](std::uint64_t uid) { return std::binary_search(m_excluded.begin(), m_excluded.end(), uid); };

  m_node_labels.clear();
  for (const auto& n : m_nodes) {
    Labels l;
    for (const auto& r : n.requirements.items())
      if (!r.complement() && r.values().size() == 1) l.emplace(r.key(), r.values().front());
    m_node_labels.push_back(std::move(l));
  }
  for (std::uint32_t i = 0; i < m_nodes.size(); ++i)
    for (const auto& p : m_nodes[i].pods) {
      if (excluded(p.uid)) continue;
      m_label_classes[label_class(p.namespace_, p.labels)].bound_nodes.push_back(i);
    }
  m_batch.clear();
  for (const auto& p : batch) {
    PodHandle h;
    h.label_class = label_class(p.namespace_, p.labels);
    h.pod_class = pod_class(p.spec, h.label_class);
    m_batch.push_back(h);
  }
  // updateInverseAffinities: bound pods with required anti-affinity, recording their own domain.
  for (std::uint32_t i = 0; i < m_nodes.size(); ++i)
    for (const auto& p : m_nodes[i].pods) {
      if (!p.spec || p.spec->pod_anti_affinity.empty() || excluded(p.uid)) continue;
      for (const auto& term : p.spec->pod_anti_affinity) {
        std::uint32_t gid =
            affinity_group(TopologyType::pod_anti_affinity, /*inverse=*/true, term, p.namespace_, p.spec->tolerations);
        Group& g = m_groups[gid];
        auto it = m_node_labels[i].find(m_keys[g.key].key);
        if (it != m_node_labels[i].end()) record_domain(g, domain_id(g.key, it->second));
      }
    }
  // Topology.Update for every batch pod: its groups exist (and are counted) from the start.
  for (const auto& h : m_batch) compute_pod_class(m_pod_classes[h.pod_class]);
}

void Topology::compute_pod_class(PodClass& pc) {
  if (pc.computed) return;
  pc.computed = true;
  const auto& spec = *pc.spec;
  const std::string ns = m_label_classes[pc.label_class].namespace_;
  // Update: inverse anti-affinity first, then spread constraints, then pod (anti-)affinity.
  for (const auto& term : spec.pod_anti_affinity)
    pc.inverse.push_back(affinity_group(TopologyType::pod_anti_affinity, true, term, ns, spec.tolerations));
  std::sort(pc.inverse.begin(), pc.inverse.end());
  pc.inverse.erase(std::unique(pc.inverse.begin(), pc.inverse.end()), pc.inverse.end());
  for (std::size_t i = 0; i < spec.topology_spread.size(); ++i) {
    // PreferencePolicy=Ignore drops ScheduleAnyway constraints (newForTopologies).
    if (m_ignore_preferences && !spec.topology_spread[i].do_not_schedule) {
      pc.spread.push_back(k_none);
      continue;
    }
    pc.spread.push_back(spread_group(pc, i, 0, false));
  }
  for (const auto& term : spec.pod_affinity)
    pc.affinity.push_back(affinity_group(TopologyType::pod_affinity, false, term, ns, spec.tolerations));
  for (const auto& w : spec.preferred_pod_affinity)
    pc.preferred_affinity.push_back(
        m_ignore_preferences ? k_none : affinity_group(TopologyType::pod_affinity, false, w.term, ns, spec.tolerations));
  for (const auto& term : spec.pod_anti_affinity)
    pc.anti.push_back(affinity_group(TopologyType::pod_anti_affinity, false, term, ns, spec.tolerations));
  for (const auto& w : spec.preferred_pod_anti_affinity)
    pc.preferred_anti.push_back(m_ignore_preferences ? k_none
                                                     : affinity_group(TopologyType::pod_anti_affinity, false, w.term,
                                                                      ns, spec.tolerations));
}

// newForTopologies + NewTopologyGroup for one spread constraint of a (possibly relaxed) pod.
std::uint32_t Topology::spread_group(const PodClass& pc, std::size_t index, std::size_t required_dropped,
                                     bool tolerate_pns) {
  const auto& spec = *pc.spec;
  const LabelClass& lc = m_label_classes[pc.label_class];
  const auto& tsc = spec.topology_spread[index];
  Group g;
  g.type = TopologyType::spread;
  g.key = key_id(tsc.topology_key);
  g.namespaces = {lc.namespace_};
  g.selector = tsc.selector;
  // matchLabelKeys: the pod's own value of each key becomes an In expression.
  for (const auto& k : tsc.match_label_keys) {
    auto it = lc.labels.find(k);
    if (it != lc.labels.end()) g.selector.match_expressions.push_back({k, Operator::in, {it->second}});
  }
  g.max_skew = tsc.max_skew;
  g.min_domains = tsc.min_domains;
  // MakeTopologyNodeFilter: nodeSelector, ANDed into each remaining required node-affinity term.
  g.filter.affinity_honor = tsc.node_affinity_policy_honor;
  g.filter.taints_honor = tsc.node_taints_policy_honor;
  g.filter.tolerations = spec.tolerations;
  if (tolerate_pns) g.filter.tolerations.push_back(Toleration{"", true, "", TaintEffect::prefer_no_schedule});
  Requirements selector;
  for (const auto& [k, v] : spec.node_selector) selector.add(Requirement(k, Operator::in, {v}));
  if (spec.required_terms.size() <= required_dropped) {
    g.filter.terms.push_back(selector);
  } else {
    for (std::size_t i = required_dropped; i < spec.required_terms.size(); ++i) {
      Requirements r = selector;
      r.add(spec.required_terms[i]);
      g.filter.terms.push_back(std::move(r));
    }
  }
  g.filter_trivial = g.filter.trivial();
  // Hash: key, type, namespaces, maxSkew, node filter, selector (minDomains is not part of it).
  std::string id = "S";
  id += k_sep;
  id += tsc.topology_key;
  id += k_sep;
  id += lc.namespace_;
  id += k_sep;
  id += std::to_string(g.max_skew);
  id += k_sep;
  append_filter(id, g.filter);
  id += k_sep;
  append_selector(id, g.selector);
  const std::vector<Toleration> tols = g.filter.tolerations;
  return intern_group(std::move(g), id, false, tols);
}

std::uint32_t Topology::affinity_group(TopologyType type, bool inverse, const cluster::PodAffinityTerm& term,
                                       const std::string& ns, const std::vector<Toleration>& tolerations) {
  Group g;
  g.type = type;
  g.inverse = inverse;
  g.key = key_id(term.topology_key);
  // buildNamespaceList: the pod's namespace unless the term lists namespaces.
  g.namespaces = term.namespaces.empty() ? std::vector<std::string>{ns} : term.namespaces;
  std::sort(g.namespaces.begin(), g.namespaces.end());
  g.namespaces.erase(std::unique(g.namespaces.begin(), g.namespaces.end()), g.namespaces.end());
  g.selector = term.selector;
  g.max_skew = k_affinity_max_skew;
  g.filter_trivial = true;
  std::string id = inverse ? "I" : "R";
  id += type == TopologyType::pod_affinity ? "A" : "N";
  id += k_sep;
  id += term.topology_key;
  id += k_sep;
  for (const auto& n : g.namespaces) {
    id += n;
    id += k_sub;
  }
  id += k_sep;
  append_selector(id, g.selector);
  return intern_group(std::move(g), id, inverse, tolerations);
}

std::uint32_t Topology::intern_group(Group g, const std::string& identity, bool inverse,
                                     const std::vector<Toleration>& tolerations) {
  auto found = m_group_ids.find(identity);
  if (found != m_group_ids.end()) return found->second;
  if (m_key_slots.size() <= g.key) m_key_slots.resize(g.key + 1, UINT32_MAX);
  if (m_key_slots[g.key] == UINT32_MAX) {
    m_key_slots[g.key] = static_cast<std::uint32_t>(m_slot_keys.size());
    m_slot_keys.push_back(g.key);
  }
  g.slot = m_key_slots[g.key];
  // NewTopologyGroup: every domain of the key's universe; with the taint policy honoured (always
  // for (anti-)affinity, whose zero filter has no policy) only domains some NodePool offering them
  // has taints the creating pod tolerates (TopologyDomainGroup.ForEachDomain).
  const bool honor_taints = g.type != TopologyType::spread || g.filter.taints_honor;
  ensure_universe(g.key);
  for (const auto& [d, taint_sets] : m_keys[g.key].universe.entries) {
    bool ok = !honor_taints;
    for (std::size_t i = 0; !ok && i < taint_sets.size(); ++i) ok = !first_untolerated(taint_sets[i], tolerations);
    if (!ok) continue;
    if (d >= g.present.size()) {
      g.present.resize(d + 1, 0);
      g.counts.resize(d + 1, 0);
    }
    if (!g.present[d]) {
      g.present[d] = 1;
      g.domains.push_back(d);
    }
  }
  g.sorted = false;
  const std::uint32_t gid = static_cast<std::uint32_t>(m_groups.size());
  m_groups.push_back(std::move(g));
  m_group_ids.emplace(identity, gid);
  for (std::uint32_t c = 0; c < m_label_classes.size(); ++c) {
    LabelClass& lc = m_label_classes[c];
    bool s = pod_selected(m_groups[gid], lc.namespace_, lc.labels);
    lc.selects.push_back(s ? 1 : 0);
    if (s) (inverse ? lc.selecting_inverse : lc.selecting_regular).push_back(gid);
  }
  if (!inverse) count_domains(gid);
  return gid;
}

// countDomains: domains of active nodes passing the filter, then every bound pod the group
// selects, in the domain of its node (hostname falls back to the node name) if the node passes.
void Topology::count_domains(std::uint32_t gid) {
  Group& g = m_groups[gid];
  const std::string& key = m_keys[g.key].key;
  for (std::uint32_t i = 0; i < m_nodes.size(); ++i) {
    const auto& n = m_nodes[i];
    if (!n.registers_domains) continue;
    if (!g.filter_trivial && !g.filter.matches(n.taints, n.requirements, false)) continue;
    auto it = m_node_labels[i].find(key);
    if (it == m_node_labels[i].end()) continue;
    std::uint32_t d = domain_id(g.key, it->second);
    if (d >= g.present.size()) {
      g.present.resize(d + 1, 0);
      g.counts.resize(d + 1, 0);
    }
    if (!g.present[d]) {
      g.present[d] = 1;
      g.domains.push_back(d);
      g.sorted = false;
    }
  }
  for (std::uint32_t c = 0; c < m_label_classes.size(); ++c) {
    const LabelClass& lc = m_label_classes[c];
    if (!lc.selects[gid]) continue;
    for (std::uint32_t i : lc.bound_nodes) {
      const auto& n = m_nodes[i];
      auto it = m_node_labels[i].find(key);
      std::string_view value;
      if (it != m_node_labels[i].end()) value = it->second;
      else if (m_keys[g.key].hostname) value = n.name;
      else continue;
      if (!g.filter_trivial && !g.filter.matches(n.taints, n.requirements, false)) continue;
      record_domain(g, domain_id(g.key, value));
    }
  }
}

void Topology::record_domain(Group& g, std::uint32_t d) {
  if (d >= g.present.size()) {
    g.present.resize(d + 1, 0);
    g.counts.resize(d + 1, 0);
  }
  if (!g.present[d]) {
    g.present[d] = 1;
    g.domains.push_back(d);
    g.sorted = false;
  }
  if (g.counts[d]++ == 0) ++g.nonzero;
}

void Topology::sort_domains(const Group& g) const {
  if (g.sorted) return;
  const auto& names = m_keys[g.key].names;
  std::sort(g.domains.begin(), g.domains.end(), [&](std::uint32_t a, std::uint32_t b) { return names[a] < names[b]; });
  g.sorted = true;
}

// ---------------------------------------------------------------------------------------------
// Ownership

void Topology::owned_groups(PodHandle h, const Relaxation& r, std::vector<std::uint32_t>& out) {
  out.clear();
  PodClass& pc = m_pod_classes[h.pod_class];
  compute_pod_class(pc);
  const auto& spec = *pc.spec;
  const bool relaxed_filter = r.required_terms_dropped > 0 || r.tolerate_prefer_no_schedule;
  for (std::uint32_t i : r.spread) {
    if (pc.spread[i] == k_none) continue;
    if (!relaxed_filter) {
      out.push_back(pc.spread[i]);
      continue;
    }
    std::string id = std::to_string(h.pod_class) + ':' + std::to_string(i) + ':' +
                     std::to_string(r.required_terms_dropped) + ':' + (r.tolerate_prefer_no_schedule ? "1" : "0");
    auto it = m_relaxed_spread.find(id);
    if (it == m_relaxed_spread.end())
      it = m_relaxed_spread.emplace(id, spread_group(pc, i, r.required_terms_dropped, r.tolerate_prefer_no_schedule)).first;
    out.push_back(it->second);
  }
  out.insert(out.end(), pc.affinity.begin(), pc.affinity.end());
  for (std::size_t i = r.preferred_affinity_dropped; i < spec.preferred_pod_affinity.size(); ++i)
    if (pc.preferred_affinity[i] != k_none) out.push_back(pc.preferred_affinity[i]);
  out.insert(out.end(), pc.anti.begin(), pc.anti.end());
  for (std::size_t i = r.preferred_anti_affinity_dropped; i < spec.preferred_pod_anti_affinity.size(); ++i)
    if (pc.preferred_anti[i] != k_none) out.push_back(pc.preferred_anti[i]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

// ---------------------------------------------------------------------------------------------
// Domain choice (TopologyGroup.Get)

void Topology::node_domains(const Requirements& node, std::vector<std::uint32_t>& out) {
  out.assign(m_slot_keys.size(), k_no_domain);
  for (std::uint32_t slot = 0; slot < m_slot_keys.size(); ++slot) {
    const std::uint32_t k = m_slot_keys[slot];
    const Requirement* r = node.get(m_keys[k].key);
    if (r && !r->complement() && r->values().size() == 1) out[slot] = domain_id(k, r->values().front());
  }
}

void Topology::pod_keys(const Requirements& reqs, const Requirements& strict, std::vector<std::uint8_t>& out) const {
  out.assign(m_slot_keys.size(), 0);
  if (reqs.empty() && strict.empty()) return;
  for (std::uint32_t slot = 0; slot < m_slot_keys.size(); ++slot) {
    const std::string& key = m_keys[m_slot_keys[slot]].key;
    out[slot] = reqs.has(key) || strict.has(key) ? 1 : 0;
  }
}

Topology::Verdict Topology::fast_check(PodHandle h, const std::vector<std::uint32_t>& owned,
                                       const std::uint32_t* domains, std::size_t n,
                                       const std::vector<std::uint8_t>& pod_keys) const {
  const LabelClass& lc = m_label_classes[h.label_class];
  Verdict verdict = Verdict::accept;
  auto decide = [&](std::uint32_t gid) -> Verdict {
    const Group& g = m_groups[gid];
    if (g.slot >= n || g.slot >= pod_keys.size() || pod_keys[g.slot]) return Verdict::unknown;
    const std::uint32_t d = domains[g.slot];
    if (d == k_no_domain) return Verdict::unknown;
    const bool self = lc.selects[gid] != 0;
    const std::int32_t count = count_of(g, d);
    const bool hostname = g.key == m_hostname_key;
    const bool ok = [&] {
      if (g.inverse || g.type == TopologyType::pod_anti_affinity) return (hostname || is_present(g, d)) && count == 0;
      if (g.type == TopologyType::pod_affinity) {
        // existing matching pods there, or the bootstrap of a self-selecting pod when no matching
        // pod exists anywhere (podDomains is Exists: "compatible" means any count > 0)
        if (!hostname && !is_present(g, d)) return false;
        return count > 0 || (self && g.nonzero == 0);
      }
      if (hostname) return static_cast<std::int64_t>(count) + (self ? 1 : 0) <= g.max_skew;
      if (!is_present(g, d)) return false;
      return static_cast<std::int64_t>(count) + (self ? 1 : 0) - domain_min_count(g, nullptr) <= g.max_skew;
    }();
    return ok ? Verdict::accept : Verdict::reject;
  };
  for (std::uint32_t gid : owned) {
    Verdict v = decide(gid);
    if (v == Verdict::reject) return v;
    if (v == Verdict::unknown) verdict = v;
  }
  for (std::uint32_t gid : lc.selecting_inverse) {
    Verdict v = decide(gid);
    if (v == Verdict::reject) return v;
    if (v == Verdict::unknown) verdict = v;
  }
  return verdict;
}

void Topology::hostname_bounds(PodHandle h, const std::vector<std::uint32_t>& owned, std::vector<HostBound>& out) const {
  out.clear();
  const LabelClass& lc = m_label_classes[h.label_class];
  auto add = [&](std::uint32_t gid) {
    const Group& g = m_groups[gid];
    if (g.key != m_hostname_key) return;
    const bool self = lc.selects[gid] != 0;
    if (g.inverse || g.type == TopologyType::pod_anti_affinity) {
      out.push_back({&g.counts, INT32_MIN, 0});
    } else if (g.type == TopologyType::pod_affinity) {
      if (!(self && g.nonzero == 0)) out.push_back({&g.counts, 1, INT32_MAX});
    } else {
      const std::int64_t hi = static_cast<std::int64_t>(g.max_skew) - (self ? 1 : 0);
      out.push_back({&g.counts, INT32_MIN, static_cast<std::int32_t>(std::clamp<std::int64_t>(hi, INT32_MIN, INT32_MAX))});
    }
  };
  for (std::uint32_t gid : owned) add(gid);
  for (std::uint32_t gid : lc.selecting_inverse) add(gid);
}

std::int32_t Topology::domain_min_count(const Group& g, const Requirement* pod) const {
  // Hostname topologies always have a minimum of zero: a new node can always be created.
  if (g.key == m_hostname_key) return 0;
  const auto& names = m_keys[g.key].names;
  std::int32_t min = INT32_MAX;
  int supported = 0;
  for (std::uint32_t d : g.domains) {
    if (pod && !pod->has(names[d])) continue;
    ++supported;
    min = std::min(min, g.counts[d]);
  }
  if (g.min_domains && supported < *g.min_domains) min = 0;
  return min;
}

// nextDomainTopologySpread: the single allowed domain with the lowest count (count + self-match
// - global minimum <= maxSkew); ties go to the lexically smallest domain (upstream: map order).
void Topology::next_spread(const Group& g, bool self, const Requirement* pod, const Requirement* node,
                           std::vector<std::uint32_t>& out) {
  const KeyTable& kt = m_keys[g.key];
  if (kt.hostname && node && node->values().size() == 1) {
    // New NodeClaims: their own placeholder hostname is the only domain considered.
    const std::string& host = node->values().front();
    auto id = lookup(g.key, host);
    std::int64_t count = (id ? count_of(g, *id) : 0) + (self ? 1 : 0);
    if (count <= g.max_skew) out.push_back(id ? *id : domain_id(g.key, host));
    return;
  }
  const std::int64_t min = domain_min_count(g, pod);
  std::optional<std::uint32_t> best;
  std::int64_t best_count = INT64_MAX;
  auto consider = [&](std::uint32_t d) {
    std::int64_t count = g.counts[d] + (self ? 1 : 0);
    if (count - min <= g.max_skew && count < best_count) {
      best = d;
      best_count = count;
    }
  };
  if (node && node->op() == Operator::in) {
    for (const auto& v : node->values()) {  // sorted: lexical order
      auto id = lookup(g.key, v);
      if (id && is_present(g, *id)) consider(*id);
    }
  } else {
    sort_domains(g);
    for (std::uint32_t d : g.domains)
      if (!node || node->has(kt.names[d])) consider(d);
  }
  if (best) out.push_back(*best);
}

// nextDomainAffinity: domains holding matching pods (count > 0) that the pod and the node allow;
// else, for a self-selecting pod with no matching pod in a compatible domain, bootstrap: the
// first domain in pod ∩ node domains plus the first domain in pod domains (lexical order).
void Topology::next_affinity(const Group& g, bool self, const Requirement* pod, const Requirement* node,
                             std::vector<std::uint32_t>& out) {
  const KeyTable& kt = m_keys[g.key];
  auto pod_has = [&](std::string_view v) { return !pod || pod->has(v); };
  auto any_compatible = [&] {
    if (!pod) return g.nonzero > 0;
    for (std::uint32_t d : g.domains)
      if (g.counts[d] > 0 && pod->has(kt.names[d])) return true;
    return false;
  };
  if (kt.hostname && node && node->values().size() == 1) {
    const std::string& host = node->values().front();
    if (!pod_has(host)) return;
    auto id = lookup(g.key, host);
    if (id && count_of(g, *id) > 0) {
      out.push_back(*id);
      return;
    }
    if (self && (g.nonzero == 0 || !any_compatible())) out.push_back(id ? *id : domain_id(g.key, host));
    return;
  }
  if (node && node->op() == Operator::in) {
    for (const auto& v : node->values()) {
      auto id = lookup(g.key, v);
      if (id && pod_has(v) && is_present(g, *id) && g.counts[*id] > 0) out.push_back(*id);
    }
  } else {
    sort_domains(g);
    for (std::uint32_t d : g.domains)
      if (g.counts[d] > 0 && pod_has(kt.names[d]) && (!node || node->has(kt.names[d]))) out.push_back(d);
  }
  if (!out.empty()) return;
  if (self && (g.nonzero == 0 || !any_compatible())) {
    sort_domains(g);
    for (std::uint32_t d : g.domains)
      if (pod_has(kt.names[d]) && (!node || node->has(kt.names[d]))) {
        out.push_back(d);
        break;
      }
    for (std::uint32_t d : g.domains)
      if (pod_has(kt.names[d])) {
        if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
        break;
      }
  }
}

// nextDomainAntiAffinity: empty domains the pod and the node allow (a new NodeClaim's hostname:
// allowed iff nothing matching is there).
void Topology::next_anti_affinity(const Group& g, const Requirement* pod, const Requirement* node,
                                  std::vector<std::uint32_t>& out) {
  const KeyTable& kt = m_keys[g.key];
  if (kt.hostname && node && node->values().size() == 1) {
    const std::string& host = node->values().front();
    auto id = lookup(g.key, host);
    if (!id || count_of(g, *id) == 0) out.push_back(id ? *id : domain_id(g.key, host));
    return;
  }
  sort_domains(g);
  for (std::uint32_t d : g.domains)
    if (g.counts[d] == 0 && (!node || node->has(kt.names[d])) && (!pod || pod->has(kt.names[d]))) out.push_back(d);
}

std::string Topology::describe_error(const Group& g, const Requirement* pod, const Requirement* node) const {
  const KeyTable& kt = m_keys[g.key];
  sort_domains(g);
  std::string counts;
  std::size_t shown = 0;
  for (std::uint32_t d : g.domains) {
    if (shown == 25) {
      counts += " and " + std::to_string(g.domains.size() - shown) + " other(s)";
      break;
    }
    if (shown++) counts += ", ";
    counts += kt.names[d] + ": " + std::to_string(g.counts[d]);
  }
  return "unsatisfiable topology constraint for " + std::string(topology_type_name(g.type)) + ", key=" + kt.key +
         " (counts = {" + counts + "}, podDomains = " + describe_or_exists(pod, kt.key) +
         ", nodeDomains = " + describe_or_exists(node, kt.key) + ")";
}

std::optional<std::string> Topology::domains(PodHandle h, const std::vector<std::uint32_t>& owned,
                                             const Requirements& strict, const Requirements& node,
                                             std::optional<std::uint32_t> host, bool hostname_checked,
                                             std::vector<Requirement>& out, bool explain) {
  const LabelClass& lc = m_label_classes[h.label_class];
  std::vector<std::uint32_t> ids;
  auto eval = [&](std::uint32_t gid) -> std::optional<std::string> {
    const Group& g = m_groups[gid];
    const KeyTable& kt = m_keys[g.key];
    // Already accepted on integers by fast_check; the result would add nothing.
    if (hostname_checked && host && kt.hostname) return std::nullopt;
    const Requirement* pod_domains = strict.get(kt.key);
    const Requirement* node_domains = node.get(kt.key);
    ids.clear();
    if (g.inverse || g.type == TopologyType::pod_anti_affinity) {
      next_anti_affinity(g, pod_domains, node_domains, ids);
    } else if (g.type == TopologyType::spread) {
      next_spread(g, lc.selects[gid] != 0, pod_domains, node_domains, ids);
    } else {
      next_affinity(g, lc.selects[gid] != 0, pod_domains, node_domains, ids);
    }
    if (ids.empty()) return explain ? describe_error(g, pod_domains, node_domains) : std::string();
    // The node's own hostname chosen on its own hostname requirement: intersecting changes nothing.
    if (kt.hostname && host && ids.size() == 1 && ids.front() == *host) return std::nullopt;
    std::vector<std::string> values;
    values.reserve(ids.size());
    for (std::uint32_t d : ids) values.push_back(m_keys[g.key].names[d]);
    out.emplace_back(kt.key, Operator::in, std::move(values));
    return std::nullopt;
  };
  for (std::uint32_t gid : owned)
    if (auto e = eval(gid)) return e;
  // getMatchingTopologies: inverse groups that count the pod (their filter always matches).
  for (std::uint32_t gid : lc.selecting_inverse)
    if (auto e = eval(gid)) return e;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Recording

void Topology::record(PodHandle h, const std::vector<Taint>& taints, const Requirements& node,
                      const std::vector<std::uint32_t>& node_domains, bool allow_undefined_well_known) {
  const LabelClass& lc = m_label_classes[h.label_class];
  auto single = [&](std::uint32_t slot) { return slot < node_domains.size() ? node_domains[slot] : k_no_domain; };
  for (std::uint32_t gid : lc.selecting_regular) {
    Group& g = m_groups[gid];
    if (!g.filter_trivial && !g.filter.matches(taints, node, allow_undefined_well_known)) continue;
    if (const std::uint32_t d = single(g.slot); d != k_no_domain) {
      record_domain(g, d);  // one value: every type records it
      continue;
    }
    // Spread and affinity count a pod only once its domain is known; anti-affinity blocks every
    // domain the pod could still land in (Requirements.Get of a missing key is Exists: nothing).
    if (g.type != TopologyType::pod_anti_affinity) continue;
    if (const Requirement* r = node.get(m_keys[g.key].key))
      for (const auto& v : r->values()) record_domain(g, domain_id(g.key, v));
  }
  // Inverse groups owned by the pod record where it could be.
  for (std::uint32_t gid : m_pod_classes[h.pod_class].inverse) {
    Group& g = m_groups[gid];
    if (const std::uint32_t d = single(g.slot); d != k_no_domain) {
      record_domain(g, d);
      continue;
    }
    if (const Requirement* r = node.get(m_keys[g.key].key))
      for (const auto& v : r->values()) record_domain(g, domain_id(g.key, v));
  }
}

}  // namespace capsim::scheduling
