#include "capsim/scheduling/solver.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <deque>

#include "capsim/core/diagnostic.hpp"

namespace capsim::scheduling {
namespace {

bool has_prefix(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The part of a label key before '/', or "".
std::string_view domain_of(std::string_view key) {
  auto slash = key.find('/');
  return slash == std::string_view::npos ? std::string_view{} : key.substr(0, slash);
}

bool in_domain(std::string_view domain, std::string_view root) {
  return domain == root || (domain.size() > root.size() && domain.substr(domain.size() - root.size()) == root &&
                            domain[domain.size() - root.size() - 1] == '.');
}

using Fixed = std::array<std::int64_t, k_fixed_resources>;

Fixed fixed_of(const ResourceList& r) {
  Fixed f{};
  for (std::size_t i = 0; i < k_fixed_resources; ++i) f[i] = r.get(static_cast<Resource>(i)).milli;
  return f;
}

// Whether `r` has resources outside the fixed slots (extended resources such as fake.com/vendor-a).
bool has_extended(const ResourceList& r) {
  ResourceList fixed_only;
  for (std::size_t i = 0; i < k_fixed_resources; ++i) fixed_only.set(static_cast<Resource>(i), r.get(static_cast<Resource>(i)));
  return !(fixed_only == r);
}

bool ports_conflict(const std::vector<int>& used, const std::vector<int>& wanted) {
  for (int p : wanted)
    if (std::find(used.begin(), used.end(), p) != used.end()) return true;
  return false;
}

// minValues (Strict): for every requirement key with minValues, the surviving instance types
// must contribute at least that many distinct values (scheduling/nodeclaim.go, SatisfiesMinValues).
std::optional<std::string> check_min_values(const Requirements& reqs,
                                            const std::vector<const catalog::InstanceType*>& types) {
  for (const auto& r : reqs.items()) {
    if (!r.min_values()) continue;
    std::vector<std::string> seen;
    for (const auto* it : types) {
      const Requirement* ir = it->requirements.get(r.key());
      if (!ir) continue;
      for (const auto& v : ir->values())
        if (r.has(v) && std::find(seen.begin(), seen.end(), v) == seen.end()) seen.push_back(v);
    }
    if (static_cast<int>(seen.size()) < *r.min_values())
      return "minValues requirement is not met for label(s) (label=\"" + r.key() + "\", required=" +
             std::to_string(*r.min_values()) + ", found=" + std::to_string(seen.size()) + ")";
  }
  return std::nullopt;
}

}  // namespace

// v1.WellKnownLabels (core pkg/apis/v1/labels.go) plus the AWS provider's registered labels
// (aws:pkg/apis/v1/labels.go) and v1alpha5's provisioner-name.
bool is_well_known_label(std::string_view key) {
  static constexpr std::array<std::string_view, 10> k_core = {
      label::k_nodepool, label::k_zone,          label::k_region,        label::k_instance_type,
      label::k_arch,     label::k_os,            label::k_capacity_type, label::k_windows_build,
      label::k_zone_id,  label::k_provisioner_name};
  for (auto k : k_core)
    if (key == k) return true;
  return has_prefix(key, "karpenter.k8s.aws/instance-") || has_prefix(key, "karpenter.k8s.aws/capacity-reservation-");
}

// Karpenter's restricted label domains for pod requirements (pkg/apis/v1/labels.go,
// IsRestrictedLabel): well-known keys are allowed; other keys in the karpenter.sh and
// karpenter.k8s.aws domains (and subdomains), and kubernetes.io/hostname, are not.
bool is_restricted_label(std::string_view key) {
  if (is_well_known_label(key)) return false;
  if (key == label::k_hostname) return true;
  auto d = domain_of(key);
  return in_domain(d, "karpenter.sh") || in_domain(d, "karpenter.k8s.aws");
}

bool offering_compatible(const catalog::Offering& o, const Requirements& reqs) {
  if (const Requirement* z = reqs.get(label::k_zone); z && !z->has(o.zone)) return false;
  if (const Requirement* c = reqs.get(label::k_capacity_type); c && !c->has(o.capacity_type)) return false;
  return true;
}

std::optional<Money> cheapest_offering_price(const catalog::InstanceType& it, const Requirements& reqs) {
  std::optional<Money> best;
  for (const auto& o : it.offerings) {
    if (!o.available || !offering_compatible(o, reqs)) continue;
    if (!best || o.price < *best) best = o.price;
  }
  return best;
}

Solver::Solver(std::vector<NodeClaimTemplate> templates, std::vector<ExistingNodeInput> nodes, SolverOptions opts)
    : m_template_store(std::make_shared<const std::vector<NodeClaimTemplate>>(std::move(templates))),
      m_templates(*m_template_store),
      m_owned_nodes(std::move(nodes)),
      m_opts(opts) {
  std::vector<ExistingNodeRef> refs;
  refs.reserve(m_owned_nodes.size());
  for (auto& n : m_owned_nodes) {
    n.has_required_anti_affinity = std::any_of(n.pods.begin(), n.pods.end(), [](const BoundPodInput& p) {
      return p.spec && !p.spec->pod_anti_affinity.empty();
    });
    refs.push_back(ExistingNodeRef{&n, n.accepts_pods});
  }
  m_index = std::make_shared<const NodeIndex>(std::move(refs), false);
  init({});
}

Solver::Solver(std::shared_ptr<const std::vector<NodeClaimTemplate>> templates, std::shared_ptr<const NodeIndex> nodes,
               std::vector<cluster::NodeId> excluded, SolverOptions opts)
    : m_template_store(std::move(templates)), m_templates(*m_template_store), m_index(std::move(nodes)), m_opts(opts) {
  init(std::move(excluded));
}

void Solver::init(std::vector<cluster::NodeId> excluded) {
  m_excluded = std::move(excluded);
  std::sort(m_excluded.begin(), m_excluded.end());
  m_slot.assign(m_index->size(), k_untouched);
  m_fit = &m_index->fit();
  for (auto id : m_excluded)
    if (auto pos = m_index->position(id); pos < m_index->size()) m_slot[pos] = k_excluded;
  for (auto id : m_index->anti_affinity_nodes())
    if (!is_excluded(id)) m_inverse_anti_affinity = true;
  for (const auto& t : m_templates) {
    m_remaining_limits.push_back(t.remaining_limits);
    if (t.requirements.has_min_values()) m_any_min_values = true;
    for (const auto& taint : t.taints)
      if (taint.effect == TaintEffect::prefer_no_schedule) m_any_prefer_no_schedule = true;
  }
  m_cache = m_opts.template_cache ? m_opts.template_cache : &m_own_cache;
  if (m_cache->m_store != m_template_store) {
    *m_cache = TemplateCache{};
    m_cache->m_store = m_template_store;
    m_cache->m_tables.resize(m_templates.size());
  }
}

bool Solver::is_excluded(cluster::NodeId id) const { return std::binary_search(m_excluded.begin(), m_excluded.end(), id); }

Solver::ExistingNode& Solver::node_at(std::size_t position) {
  std::int32_t& slot = m_slot[position];
  if (slot >= 0) return m_touched[static_cast<std::size_t>(slot)];
  ExistingNode& e = m_touched.emplace_back();
  e.in = &(*m_index)[position];
  e.position = position;
  e.remaining = e.in->remaining;
  slot = static_cast<std::int32_t>(m_touched.size() - 1);
  return e;
}

// Built when the template first opens a NodeClaim: most disruption simulations never do.
const Solver::TemplateTable& Solver::table(std::size_t ti) {
  TemplateTable& tab = m_cache->m_tables[ti];
  if (tab.built) return tab;
  tab.built = true;
  const NodeClaimTemplate& t = m_templates[ti];
  for (std::size_t i = 0; i < t.instance_types.size(); ++i) {
    const catalog::InstanceType& it = *t.instance_types[i];
    const ResourceList& overhead = t.daemon_overhead[i];
    tab.allocatable.push_back(fixed_of(it.allocatable));
    tab.overhead.push_back(fixed_of(overhead));
    tab.exact.push_back(!it.allocatable.any_negative() && !has_extended(overhead) ? 1 : 0);
    if (!overhead.is_zero()) tab.overhead_zero = false;
  }
  for (const auto& r : t.limited_resources) {
    std::vector<std::int64_t> cap;
    for (const auto* it : t.instance_types) cap.push_back(it->capacity.get(r).milli);
    tab.limit_capacity.push_back(std::move(cap));
  }
  tab.overhead_list = std::make_shared<const std::vector<ResourceList>>(t.daemon_overhead);
  return tab;
}

namespace {

// The node's hostname: its kubernetes.io/hostname label, else its name (StateNode.HostName).
const std::string& hostname_of(const ExistingNodeInput& n) {
  const Requirement* r = n.requirements.get(label::k_hostname);
  if (r && !r->complement() && r->values().size() == 1) return r->values().front();
  return n.name;
}

bool negative(const Requirement& r) {
  Operator op = r.op();
  return op == Operator::not_in || op == Operator::does_not_exist;
}

// Requirements.Intersects restricted to one key present on both sides.
bool conflicts(const Requirement& type_req, const Requirement& claim_req) {
  return !type_req.has_intersection(claim_req) && !(negative(claim_req) && negative(type_req));
}

}  // namespace

SolverResult Solver::solve(std::vector<SolverPod> pods) {
  // queue.go: CPU desc, memory desc, creation time asc, UID asc (sorted on compact keys, then
  // the pods moved once).
  struct QueueKey {
    std::int64_t cpu, memory, created;
    std::uint64_t uid;
    std::uint32_t index;
  };
  std::vector<QueueKey> keys;
  keys.reserve(pods.size());
  for (std::uint32_t i = 0; i < pods.size(); ++i)
    keys.push_back(QueueKey{pods[i].spec->requests.cpu_millis(), pods[i].spec->requests.memory_bytes(), pods[i].created.ms,
                            pods[i].uid, i});
  std::sort(keys.begin(), keys.end(), [](const QueueKey& a, const QueueKey& b) {
    if (a.cpu != b.cpu) return a.cpu > b.cpu;
    if (a.memory != b.memory) return a.memory > b.memory;
    if (a.created != b.created) return a.created < b.created;
    if (a.uid != b.uid) return a.uid < b.uid;
    return a.index < b.index;
  });
  {
    std::vector<SolverPod> sorted;
    sorted.reserve(pods.size());
    for (const auto& k : keys) sorted.push_back(std::move(pods[k.index]));
    pods = std::move(sorted);
  }

  // NewTopology: every node's bound pods count; active nodes add their domains. Without a batch
  // pod that has topology constraints and without a bound pod with required anti-affinity there
  // is no topology group, so the nodes need not be counted at all.
  CAPSIM_ASSERT(!m_topology, "Solver::solve runs once per Solver");
  m_topology.emplace(m_templates, m_opts.ignore_preferences);
  const bool topology = m_inverse_anti_affinity ||
                        std::any_of(pods.begin(), pods.end(), [](const SolverPod& p) { return p.spec->has_topology(); });
  if (topology) {
    std::vector<TopologyNodeInput> tnodes;
    tnodes.reserve(m_index->size() + m_index->count_only().size());
    for (std::size_t i = 0; i < m_index->size(); ++i) {
      if (m_slot[i] == k_excluded) continue;
      const ExistingNodeInput& n = (*m_index)[i];
      tnodes.push_back(TopologyNodeInput{n.name, n.requirements, n.taints, true, n.pods});
    }
    for (const auto* n : m_index->count_only())
      if (!is_excluded(n->id)) tnodes.push_back(TopologyNodeInput{n->name, n->requirements, n->taints, false, n->pods});
    m_topology->build(std::move(tnodes), pods);
    for (std::size_t i = 0; i < m_index->size(); ++i) {
      if (m_slot[i] == k_excluded) continue;
      ExistingNode& n = node_at(i);
      n.host = m_topology->hostname_domain(hostname_of(*n.in));
    }
  } else {
    m_topology->build_without_groups(pods);
  }

  // Many candidates excluded (multi-node consolidation) or many pods: a copy of the fit tree kept
  // exact (excluded nodes cleared, placements applied) saves rescanning them for every pod.
  constexpr std::size_t k_own_fit_exclusions = 4, k_own_fit_pods = 32;
  if (m_excluded.size() > k_own_fit_exclusions || pods.size() > k_own_fit_pods) {
    m_own_fit = m_index->fit();
    for (std::size_t i = 0; i < m_slot.size(); ++i)
      if (m_slot[i] == k_excluded) m_own_fit->clear(i);
    m_fit = &*m_own_fit;
  }
  SolverResult result;
  result.topology = topology;
  std::deque<std::size_t> queue;
  for (std::size_t i = 0; i < pods.size(); ++i) queue.push_back(i);
  // Retry queue: a failed pod goes to the tail remembering the queue length at that moment; stop
  // when the head was last pushed at the current length (a whole cycle without progress).
  std::vector<std::optional<std::size_t>> pushed_at_len(pods.size());
  std::map<std::size_t, std::string> errors;
  Attempt attempt;
  const cluster::PodSchedulingSpec* attempt_spec = nullptr;  // the spec of `attempt` when made unrelaxed
  Topology::PodHandle attempt_handle;
  Relaxation relaxation;
  while (!queue.empty()) {
    std::size_t idx = queue.front();
    if (pushed_at_len[idx] && *pushed_at_len[idx] == queue.size()) break;
    if (m_opts.max_attempts && result.attempts >= *m_opts.max_attempts) {
      result.timed_out = true;
      break;
    }
    ++result.attempts;
    queue.pop_front();
    const SolverPod& pod = pods[idx];
    const Topology::PodHandle h = m_topology->handle(idx);

    // preferences.go: try with every preference as required, then relax one step at a time. A
    // pod that fails goes back to the queue unrelaxed.
    relaxation = Relaxation{};
    for (std::uint32_t i = 0; i < pod.spec->topology_spread.size(); ++i) relaxation.spread.push_back(i);
    std::optional<std::string> err;
    for (bool fresh = true;; fresh = false) {
      // An unrelaxed attempt without topology depends on the spec alone (and the handle's classes):
      // pods of one workload share it.
      if (fresh && attempt_spec == pod.spec && attempt_handle.pod_class == h.pod_class &&
          attempt_handle.label_class == h.label_class && !attempt.topology) {
        attempt.pod = &pod;
      } else {
        make_attempt(pod, h, relaxation, attempt);
        attempt_spec = fresh ? pod.spec : nullptr;
        attempt_handle = h;
      }
      err = try_add(attempt);
      if (!err) break;
      result.retried = true;
      if (!relax(*pod.spec, relaxation)) break;
    }
    if (m_opts.stop_when_not_consolidatable) {
      // helpers.go SimulateScheduling / consolidation.go computeConsolidation: a moved pod that
      // cannot be placed or lands on an uninitialized node, or more than one new NodeClaim, makes
      // the move a no-op whatever the other pods do.
      const bool is_moved = moved(attempt);
      if ((err && is_moved && !attempt.topology) || (!err && is_moved && m_placed_on && !m_placed_on->in->initialized) ||
          (m_claims.size() > (m_opts.stop_at_first_claim ? 0U : 1U) && !m_any_min_values)) {
        result.stopped = true;
        break;
      }
    }
    if (err) {
      errors[idx] = *err;
      pushed_at_len[idx] = queue.size() + 1;
      queue.push_back(idx);
    } else {
      errors.erase(idx);
    }
  }

  for (auto& c : m_claims) finalize(c);
  for (auto& c : m_claims) {
    if (c.nc.instance_types.empty()) {
      for (auto pid : c.nc.pods) result.errors[pid] = "all instance types were filtered out when finalizing the nodeclaim";
      continue;
    }
    result.new_claims.push_back(std::move(c.nc));
  }
  for (const auto& n : m_touched)
    if (!n.pods.empty()) result.existing[n.in->id] = n.pods;
  for (const auto& [idx, e] : errors) result.errors[pods[idx].id] = e;
  return result;
}

// The pod as preferences.go has relaxed it: NewPodRequirements / NewStrictPodRequirements and
// the topology groups Topology.Update gives it.
void Solver::make_attempt(const SolverPod& pod, Topology::PodHandle h, const Relaxation& r, Attempt& a) {
  const auto& spec = *pod.spec;
  a.pod = &pod;
  a.topo = h;
  a.reqs = Requirements{};
  for (const auto& [k, v] : spec.node_selector) a.reqs.add(Requirement(k, Operator::in, {v}));
  if (r.required_terms_dropped < spec.required_terms.size()) a.reqs.add(spec.required_terms[r.required_terms_dropped]);
  a.tols = spec.tolerations;
  if (r.tolerate_prefer_no_schedule) a.tols.push_back(Toleration{"", true, "", TaintEffect::prefer_no_schedule});
  m_topology->owned_groups(h, r, a.owned);
  a.topology = m_topology->involved(h, a.owned);
  if (a.topology) a.strict = a.reqs;  // the preferred term never narrows the pod's domains
  if (!m_opts.ignore_preferences && r.preferred_node_dropped < spec.preferred_terms.size())
    a.reqs.add(spec.preferred_terms[r.preferred_node_dropped].second);
  a.sets_hostname = a.topology && (a.reqs.has(label::k_hostname) || a.strict.has(label::k_hostname));
  a.requests = fixed_of(spec.requests);
  a.requests_extended = has_extended(spec.requests);
  a.tolerates_template.resize(m_templates.size());
  for (std::size_t i = 0; i < m_templates.size(); ++i)
    a.tolerates_template[i] = first_untolerated(m_templates[i].taints, a.tols) ? 0 : 1;
  a.host_bounds.clear();
  if (a.topology) {
    m_topology->pod_keys(a.reqs, a.strict, a.pod_keys);
    if (!a.sets_hostname) m_topology->hostname_bounds(h, a.owned, a.host_bounds);
  }
}

// Preferences.Relax: one step, in upstream order. Under PreferencePolicy=Ignore the preferred
// terms and ScheduleAnyway constraints were never applied, so relaxing them would retry the same
// attempt; those steps are skipped.
bool Solver::relax(const cluster::PodSchedulingSpec& spec, Relaxation& r) const {
  // 1. drop the first required node-affinity OR-term while more than one remains
  if (spec.required_terms.size() > r.required_terms_dropped + 1) {
    ++r.required_terms_dropped;
    return true;
  }
  if (!m_opts.ignore_preferences) {
    // 2. heaviest preferred pod affinity term; 3. heaviest preferred anti-affinity term
    if (r.preferred_affinity_dropped < spec.preferred_pod_affinity.size()) {
      ++r.preferred_affinity_dropped;
      return true;
    }
    if (r.preferred_anti_affinity_dropped < spec.preferred_pod_anti_affinity.size()) {
      ++r.preferred_anti_affinity_dropped;
      return true;
    }
    // 4. heaviest preferred node-affinity term
    if (r.preferred_node_dropped < spec.preferred_terms.size()) {
      ++r.preferred_node_dropped;
      return true;
    }
    // 5. one ScheduleAnyway spread constraint (removed by swapping in the last one)
    for (std::size_t i = 0; i < r.spread.size(); ++i) {
      if (spec.topology_spread[r.spread[i]].do_not_schedule) continue;
      r.spread[i] = r.spread.back();
      r.spread.pop_back();
      return true;
    }
  }
  // 6. tolerate PreferNoSchedule taints, only if some NodePool has one and the pod lacks it
  if (m_any_prefer_no_schedule && !r.tolerate_prefer_no_schedule) {
    const Toleration pns{"", true, "", TaintEffect::prefer_no_schedule};
    if (std::find(spec.tolerations.begin(), spec.tolerations.end(), pns) == spec.tolerations.end()) {
      r.tolerate_prefer_no_schedule = true;
      return true;
    }
  }
  return false;
}

bool Solver::moved(const Attempt& a) const {
  const auto* moved = m_opts.stop_when_not_consolidatable;
  return moved && std::binary_search(moved->begin(), moved->end(), a.pod->id);
}

std::optional<std::string> Solver::try_add(const Attempt& a) {
  m_placed_on = nullptr;
  // First fit in the solver's order, over the nodes whose remaining resources can hold the pod
  // (fitting is necessary for can_add_existing, and placements only shrink what the index saw).
  const FitTree& fit = *m_fit;
  const auto cpu = a.requests[static_cast<std::size_t>(Resource::cpu)];
  const auto memory = a.requests[static_cast<std::size_t>(Resource::memory)];
  const auto pod_slots = a.requests[static_cast<std::size_t>(Resource::pods)];
  for (std::size_t i = fit.next_fit(0, cpu, memory, pod_slots); i < fit.size(); i = fit.next_fit(i + 1, cpu, memory, pod_slots)) {
    if (m_slot[i] == k_excluded) continue;
    ExistingNode& n = node_at(i);
    if (can_add_existing(n, a)) {
      if (m_own_fit) m_own_fit->set(i, n.remaining);
      m_placed_on = &n;
      return std::nullopt;
    }
  }

  // In-flight NodeClaims of this solve, fewest pods first (ties: creation order).
  for (std::size_t k = 0; k < m_order.size(); ++k) {
    const std::uint32_t ci = m_order[k];
    // Pre-checks on dense data (same decisions as can_add_claim): taints, hostname topologies.
    const ClaimHot& hot = m_hot[ci];
    if (!a.tolerates_template[hot.template_index]) continue;
    bool host_ok = true;
    for (const auto& b : a.host_bounds) {
      const std::int32_t n = hot.host < b.counts->size() ? (*b.counts)[hot.host] : 0;
      if (n < b.lo || n > b.hi) {
        host_ok = false;
        break;
      }
    }
    if (!host_ok) continue;
    if (a.topology && hot.n_domains == m_topology->slot_count() &&
        m_topology->fast_check(a.topo, a.owned, hot.domains.data(), hot.n_domains, a.pod_keys) ==
            Topology::Verdict::reject)
      continue;
    if (can_add_claim(m_claims[ci], a, /*explain=*/false)) {
      refresh_hot(ci);  // the domain cache may have been filled
      continue;
    }
    refresh_hot(ci);
    reorder(ci);
    return std::nullopt;
  }

  std::string combined;
  for (std::size_t ti = 0; ti < m_templates.size(); ++ti) {
    auto err = open_claim(ti, a);
    if (!err) return std::nullopt;
    if (!combined.empty()) combined += "; ";
    combined += "incompatible with nodepool \"" + m_templates[ti].node_pool + "\", " + *err;
  }
  if (m_templates.empty()) combined = "no nodepools found";
  return combined;
}

// Topology.AddRequirements then Compatible + Add (existingnode.go / nodeclaim.go): the domains the
// topology allows are intersected into the node's requirements (merged with the pod's).
std::optional<std::string> Solver::apply_topology(const Attempt& a, const Requirements& base,
                                                  std::optional<Requirements>& merged, std::uint32_t host,
                                                  bool prechecked, const WellKnownFn& well_known, bool explain) {
  std::vector<Requirement> extra;
  const Requirements& node = merged ? *merged : base;
  std::optional<std::uint32_t> own_host;
  if (!a.sets_hostname) own_host = host;
  if (auto e = m_topology->domains(a.topo, a.owned, a.strict, node, own_host, prechecked, extra, explain)) return e;
  if (extra.empty()) return std::nullopt;
  Requirements topo = node;
  for (const auto& r : extra) topo.add(r);
  if (auto e = node.compatible(topo, well_known)) return explain ? *e : std::string();
  if (!merged) merged = base;
  merged->add(topo);
  return std::nullopt;
}

bool Solver::can_add_existing(ExistingNode& n, const Attempt& a) {
  const SolverPod& pod = *a.pod;
  // Reasons from existing nodes are never reported (scheduler.go returns the template errors).
  if (first_untolerated(n.in->taints, a.tols)) return false;
  if (!pod.spec->host_ports.empty() &&
      (ports_conflict(n.in->used_host_ports, pod.spec->host_ports) || ports_conflict(n.added_ports, pod.spec->host_ports)))
    return false;
  if (!pod.spec->requests.fits_in(n.remaining)) return false;
  const Requirements& reqs = n.requirements();
  if (reqs.compatible(a.reqs, nullptr)) return false;
  Topology::Verdict verdict = Topology::Verdict::accept;
  if (a.topology) {
    verdict = topology_verdict(a, n.domains, n.domains_valid, reqs);
    if (verdict == Topology::Verdict::reject) return false;
  }
  std::optional<Requirements> merged;
  if (!a.reqs.empty()) {
    merged = reqs;
    merged->add(a.reqs);
  }
  if (verdict == Topology::Verdict::unknown && apply_topology(a, reqs, merged, n.host, !a.sets_hostname, nullptr, false))
    return false;
  n.remaining -= pod.spec->requests;
  n.added_ports.insert(n.added_ports.end(), pod.spec->host_ports.begin(), pod.spec->host_ports.end());
  n.pods.push_back(pod.id);
  if (merged && !(*merged == reqs)) {
    n.narrowed = std::move(*merged);
    n.domains_valid = false;
  }
  if (!a.topology && !m_topology->slot_count()) return true;  // no topology group to record into
  if (!n.domains_valid || n.domains.size() < m_topology->slot_count()) {
    m_topology->node_domains(n.requirements(), n.domains);
    n.domains_valid = true;
  }
  m_topology->record(a.topo, n.in->taints, n.requirements(), n.domains, false);
  return true;
}

std::optional<std::string> Solver::can_add_claim(Claim& c, const Attempt& a, bool explain) {
  const SolverPod& pod = *a.pod;
  const NodeClaimTemplate& t = m_templates[c.nc.template_index];
  if (!a.tolerates_template[c.nc.template_index]) {
    if (!explain) return std::string();
    return "did not tolerate taint " + describe(*first_untolerated(t.taints, a.tols));
  }
  // nodeclaim.go CanAdd: host ports next (HostPortUsage.Conflicts; capsim ports are TCP on 0.0.0.0).
  if (!pod.spec->host_ports.empty())
    for (int port : pod.spec->host_ports)
      if (std::find(c.host_ports.begin(), c.host_ports.end(), port) != c.host_ports.end()) {
        if (!explain) return std::string();
        return "checking host port usage, pod hostport conflicts with existing hostport configuration (IP=0.0.0.0 Port=" +
               std::to_string(port) + " Proto=TCP)";
      }
  // In-flight NodeClaims: topology decided on integers where possible, before any requirement
  // work (the decision is the same; only the order of checks differs from upstream).
  Topology::Verdict verdict = a.topology ? Topology::Verdict::unknown : Topology::Verdict::accept;
  if (a.topology && !explain) {
    verdict = topology_verdict(a, c.domains, c.domains_valid, c.nc.requirements);
    if (verdict == Topology::Verdict::reject) return std::string();
  }
  if (auto e = c.nc.requirements.compatible(a.reqs, is_well_known_label)) return explain ? *e : std::string();
  // Merged requirements; a pod without requirements or topology cannot narrow the NodeClaim's.
  std::optional<Requirements> merged_storage;
  if (!a.reqs.empty()) {
    merged_storage = c.nc.requirements;
    merged_storage->add(a.reqs);
  }
  // Topology last: it can collapse a set of domains to one.
  if (verdict == Topology::Verdict::unknown) {
    if (auto e = apply_topology(a, c.nc.requirements, merged_storage, c.host, !explain && !a.sets_hostname,
                                is_well_known_label, explain))
      return e;
  }
  // Keys whose requirement changed: instance types already intersect the old requirements on
  // every other key, and have an available offering unless zone or capacity type changed.
  std::vector<const std::vector<std::uint8_t>*> changed;  // label_view of each changed requirement
  bool offering_keys_changed = false;
  if (merged_storage) {
    for (const auto& r : merged_storage->items()) {
      const Requirement* old = c.nc.requirements.get(r.key());
      if (old && *old == r) continue;
      changed.push_back(&label_view(c.nc.template_index, r));
      if (r.key() == label::k_zone || r.key() == label::k_capacity_type) offering_keys_changed = true;
    }
  }
  const bool narrowed = !changed.empty();
  const Requirements& merged = merged_storage ? *merged_storage : c.nc.requirements;
  const OfferingView* offerings = offering_keys_changed ? &offering_view(c.nc.template_index, merged) : nullptr;

  // filterInstanceTypesByRequirements: labels compatible, an available compatible offering, and
  // allocatable >= requests + this type's daemon overhead (resources.Fits, compared on the fixed
  // slots unless extended resources are involved). The surviving types are recorded by position
  // and the list compacted in place only on success (it is always a subsequence).
  const TemplateTable& tab = table(c.nc.template_index);
  Fixed base_fixed;
  for (std::size_t r = 0; r < k_fixed_resources; ++r) base_fixed[r] = c.requested[r] + a.requests[r];
  const bool extended = c.requests_extended || a.requests_extended;
  // Slots that can fail: those requested (allocatable is never negative on the exact path), or
  // every slot when DaemonSets add overhead.
  std::array<std::uint8_t, k_fixed_resources> slots{};
  std::size_t n_slots = 0;
  for (std::size_t r = 0; r < k_fixed_resources; ++r)
    if (base_fixed[r] != 0 || !tab.overhead_zero) slots[n_slots++] = static_cast<std::uint8_t>(r);
  std::optional<ResourceList> base;  // the full ResourceList, only when the fixed slots cannot decide
  std::vector<std::uint32_t> kept;
  kept.reserve(c.type_index.size());
  bool any_label_ok = false, any_offering_ok = false;
  for (std::size_t i = 0; i < c.type_index.size(); ++i) {
    const std::uint32_t ti = c.type_index[i];
    const catalog::InstanceType* it = t.instance_types[ti];
    if (narrowed) {
      bool label_ok = true;
      for (const auto* compat : changed)
        if (!(*compat)[ti]) {
          label_ok = false;
          break;
        }
      if (!label_ok) continue;
      any_label_ok = true;
      if (offerings && !offerings->available[ti]) continue;
      any_offering_ok = true;
    }
    if (!extended && tab.exact[ti]) {
      const Fixed& alloc = tab.allocatable[ti];
      const Fixed& overhead = tab.overhead[ti];
      bool fits = true;
      for (std::size_t k = 0; k < n_slots; ++k) {
        const std::size_t r = slots[k];
        if (base_fixed[r] + overhead[r] > alloc[r]) {
          fits = false;
          break;
        }
      }
      if (!fits) continue;
    } else {
      if (!base) base = c.nc.pod_requests + pod.spec->requests;
      if (!(*base + t.daemon_overhead[ti]).fits_in(it->allocatable)) continue;
    }
    kept.push_back(static_cast<std::uint32_t>(i));
  }
  if (kept.empty()) {
    if (!explain) return std::string();
    std::string why;
    if (narrowed && !any_label_ok) why = "no instance type met the scheduling requirements";
    else if (narrowed && !any_offering_ok) why = "no instance type has an available offering for the requirements";
    else why = "no instance type has enough resources";
    return why + " (requirements: " + merged.describe() + "; resources: " +
           to_string(c.nc.pod_requests + pod.spec->requests) + ")";
  }
  if (m_opts.min_values_strict && merged.has_min_values()) {
    std::vector<const catalog::InstanceType*> kept_types;
    kept_types.reserve(kept.size());
    for (auto i : kept) kept_types.push_back(t.instance_types[c.type_index[i]]);
    if (auto e = check_min_values(merged, kept_types)) return explain ? *e : std::string();
  }

  if (kept.size() != c.type_index.size()) {
    for (std::size_t k = 0; k < kept.size(); ++k) c.type_index[k] = c.type_index[kept[k]];
    c.type_index.resize(kept.size());
  }
  c.nc.pod_requests += pod.spec->requests;
  c.requested = base_fixed;
  c.requests_extended = extended;
  if (narrowed) {
    c.nc.requirements = std::move(*merged_storage);
    c.domains_valid = false;
  }
  c.nc.pods.push_back(pod.id);
  c.host_ports.insert(c.host_ports.end(), pod.spec->host_ports.begin(), pod.spec->host_ports.end());
  if (!c.domains_valid || c.domains.size() < m_topology->slot_count()) {
    m_topology->node_domains(c.nc.requirements, c.domains);
    c.domains_valid = true;
  }
  m_topology->record(a.topo, t.taints, c.nc.requirements, c.domains, true);
  return std::nullopt;
}

const std::vector<std::uint8_t>& Solver::label_view(std::size_t ti, const Requirement& r) {
  std::string key = std::to_string(ti) + '|' + r.describe();
  auto& views = m_cache->m_label_views;
  auto found = views.find(key);
  if (found != views.end()) return found->second;
  std::vector<std::uint8_t> v;
  for (const auto* it : m_templates[ti].instance_types) {
    const Requirement* ir = it->requirements.get(r.key());
    v.push_back(ir && conflicts(*ir, r) ? 0 : 1);
  }
  return views.emplace(std::move(key), std::move(v)).first->second;
}

const Solver::OfferingView& Solver::offering_view(std::size_t ti, const Requirements& reqs) {
  std::string key = std::to_string(ti);
  for (std::string_view k : {label::k_zone, label::k_capacity_type}) {
    key += '|';
    if (const Requirement* r = reqs.get(k)) key += r->describe();
  }
  auto& views = m_cache->m_offering_views;
  auto found = views.find(key);
  if (found != views.end()) return found->second;
  const NodeClaimTemplate& t = m_templates[ti];
  OfferingView v;
  std::vector<std::pair<Money, std::uint32_t>> priced;
  for (std::uint32_t i = 0; i < t.instance_types.size(); ++i) {
    auto p = cheapest_offering_price(*t.instance_types[i], reqs);
    v.available.push_back(p ? 1 : 0);
    priced.emplace_back(p ? *p : Money{INT64_MAX}, i);
  }
  // TruncateInstanceTypes' order: cheapest available compatible offering, ties by name (upstream's
  // sort is unstable).
  std::sort(priced.begin(), priced.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return t.instance_types[a.second]->name < t.instance_types[b.second]->name;
  });
  for (const auto& [price, i] : priced) v.price_order.push_back(i);
  return views.emplace(std::move(key), std::move(v)).first->second;
}

// Claim `ci` gained a pod: move it to its place in m_order (pod count, then creation).
void Solver::reorder(std::size_t ci) {
  auto less = [&](std::uint32_t x, std::pair<std::size_t, std::uint64_t> key) {
    const Claim& cx = m_claims[x];
    return std::make_pair(cx.ordered_count, cx.seq) < key;
  };
  Claim& c = m_claims[ci];
  auto pos = std::lower_bound(m_order.begin(), m_order.end(), std::make_pair(c.ordered_count, c.seq), less);
  CAPSIM_ASSERT(pos != m_order.end() && *pos == ci, "claim order out of sync");
  c.ordered_count = c.nc.pods.size();
  auto target = std::lower_bound(pos + 1, m_order.end(), std::make_pair(c.ordered_count, c.seq), less);
  std::rotate(pos, pos + 1, target);
}

std::optional<std::string> Solver::open_claim(std::size_t ti, const Attempt& a) {
  const NodeClaimTemplate& t = m_templates[ti];
  ResourceList& remaining_limits = m_remaining_limits[ti];
  auto limited = [&](std::string_view r) {
    return std::find(t.limited_resources.begin(), t.limited_resources.end(), r) != t.limited_resources.end();
  };
  if (limited("nodes") && remaining_limits.get(Resource::nodes).milli <= 0)
    return std::string("all available nodes limit exceeded");

  Claim c;
  c.seq = m_claim_seq;
  c.nc.template_index = ti;
  c.nc.node_pool = t.node_pool;
  char host[48];
  std::snprintf(host, sizeof host, "hostname-placeholder-%04llu", static_cast<unsigned long long>(m_claim_seq));
  c.nc.hostname = host;
  c.host = m_topology->hostname_domain(c.nc.hostname);
  c.nc.requirements = t.requirements;
  c.host_ports = t.daemon_host_ports;
  c.nc.requirements.add(Requirement(std::string(label::k_hostname), Operator::in, {c.nc.hostname}));
  // filterByRemainingResources: drop types whose capacity exceeds what the limits leave.
  const TemplateTable& tab = table(ti);
  std::vector<std::int64_t> remaining;
  for (const auto& r : t.limited_resources) remaining.push_back(remaining_limits.get(r).milli);
  c.type_index.reserve(t.instance_types.size());
  for (std::uint32_t i = 0; i < t.instance_types.size(); ++i) {
    bool ok = true;
    for (std::size_t r = 0; r < remaining.size(); ++r)
      if (tab.limit_capacity[r][i] > remaining[r]) {
        ok = false;
        break;
      }
    if (ok) c.type_index.push_back(i);
  }
  if (c.type_index.empty()) return std::string("all available instance types exceed limits for nodepool");
  if (auto err = can_add_claim(c, a, /*explain=*/true)) return err;
  ++m_claim_seq;
  // subtractMax: pessimistically consume the largest capacity among the remaining options.
  for (std::size_t r = 0; r < t.limited_resources.size(); ++r) {
    std::int64_t max_cap = 0;
    for (std::uint32_t i : c.type_index) max_cap = std::max(max_cap, tab.limit_capacity[r][i]);
    const std::string& name = t.limited_resources[r];
    remaining_limits.set(name, Quantity{remaining_limits.get(name).milli - max_cap});
  }
  c.ordered_count = c.nc.pods.size();
  m_hot.push_back(ClaimHot{c.host, static_cast<std::uint32_t>(ti), 0, {}});
  m_claims.push_back(std::move(c));
  refresh_hot(m_claims.size() - 1);
  // A new claim holds one pod and is the newest: last among the claims with one pod.
  const std::uint32_t ci = static_cast<std::uint32_t>(m_claims.size() - 1);
  auto pos = std::lower_bound(m_order.begin(), m_order.end(), ci, [&](std::uint32_t x, std::uint32_t y) {
    const Claim& cx = m_claims[x];
    const Claim& cy = m_claims[y];
    return std::make_pair(cx.ordered_count, cx.seq) < std::make_pair(cy.ordered_count, cy.seq);
  });
  m_order.insert(pos, ci);
  return std::nullopt;
}

Topology::Verdict Solver::topology_verdict(const Attempt& a, std::vector<std::uint32_t>& domains, bool& valid,
                                           const Requirements& reqs) {
  if (!valid || domains.size() < m_topology->slot_count()) {
    m_topology->node_domains(reqs, domains);
    valid = true;
  }
  return m_topology->fast_check(a.topo, a.owned, domains.data(), domains.size(), a.pod_keys);
}

void Solver::refresh_hot(std::size_t ci) {
  const Claim& c = m_claims[ci];
  ClaimHot& hot = m_hot[ci];
  hot.n_domains = 0;
  if (!c.domains_valid) return;
  const std::size_t n = std::min(c.domains.size(), k_hot_slots);
  std::copy(c.domains.begin(), c.domains.begin() + static_cast<std::ptrdiff_t>(n), hot.domains.begin());
  hot.n_domains = static_cast<std::uint32_t>(n);
}

void Solver::finalize(Claim& c) {
  NewNodeClaim& nc = c.nc;
  const NodeClaimTemplate& t = m_templates[nc.template_index];
  nc.requirements.erase(label::k_hostname);
  // Requests recorded on the NodeClaim: pods + the minimum daemon overhead among survivors.
  std::optional<ResourceList> min_overhead;
  for (std::uint32_t ti : c.type_index) {
    const ResourceList& o = t.daemon_overhead[ti];
    if (!min_overhead || o.cpu_millis() + o.memory_bytes() / 1'000'000 <
                             min_overhead->cpu_millis() + min_overhead->memory_bytes() / 1'000'000)
      min_overhead = o;
  }
  nc.requests = nc.pod_requests + (min_overhead ? *min_overhead : ResourceList{});
  // TruncateInstanceTypes: order by cheapest available compatible offering, keep the first N.
  const OfferingView& view = offering_view(nc.template_index, nc.requirements);
  std::vector<std::uint8_t> mine(t.instance_types.size(), 0);
  for (std::uint32_t ti : c.type_index) mine[ti] = 1;
  std::vector<const catalog::InstanceType*> types;
  std::vector<std::uint32_t> index;
  types.reserve(c.type_index.size());
  index.reserve(c.type_index.size());
  for (std::uint32_t ti : view.price_order) {
    if (!mine[ti]) continue;
    if (types.size() == m_opts.max_instance_types) break;
    types.push_back(t.instance_types[ti]);
    index.push_back(ti);
  }
  if (m_opts.min_values_strict && nc.requirements.has_min_values() && check_min_values(nc.requirements, types)) {
    types.clear();
    index.clear();
  }
  nc.instance_types = std::move(types);
  c.type_index = index;
  nc.daemon_overhead.share(table(nc.template_index).overhead_list, std::move(index));
}

}  // namespace capsim::scheduling
