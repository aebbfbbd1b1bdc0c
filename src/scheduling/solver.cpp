#include "capsim/scheduling/solver.hpp"

#include <algorithm>
#include <array>
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
    : m_templates(std::move(templates)), m_opts(opts) {
  // Existing nodes: initialized first, then by name (scheduler.go NewScheduler ordering).
  std::stable_sort(nodes.begin(), nodes.end(), [](const ExistingNodeInput& a, const ExistingNodeInput& b) {
    if (a.initialized != b.initialized) return a.initialized;
    return a.name < b.name;
  });
  m_nodes.reserve(nodes.size());
  for (auto& n : nodes) {
    if (n.accepts_pods) m_nodes.push_back(ExistingNode{std::move(n), {}, 0});
    else m_count_only_nodes.push_back(std::move(n));
  }
  for (const auto& t : m_templates)
    for (const auto& taint : t.taints)
      if (taint.effect == TaintEffect::prefer_no_schedule) m_any_prefer_no_schedule = true;
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
  // queue.go: CPU desc, memory desc, creation time asc, UID asc.
  std::sort(pods.begin(), pods.end(), [](const SolverPod& a, const SolverPod& b) {
    auto ac = a.spec->requests.cpu_millis(), bc = b.spec->requests.cpu_millis();
    if (ac != bc) return ac > bc;
    auto am = a.spec->requests.memory_bytes(), bm = b.spec->requests.memory_bytes();
    if (am != bm) return am > bm;
    if (a.created != b.created) return a.created < b.created;
    return a.uid < b.uid;
  });

  // NewTopology: every node's bound pods count; active nodes add their domains.
  m_topology.emplace(m_templates, m_opts.ignore_preferences);
  {
    std::vector<TopologyNodeInput> tnodes;
    tnodes.reserve(m_nodes.size() + m_count_only_nodes.size());
    for (const auto& n : m_nodes)
      tnodes.push_back(TopologyNodeInput{n.in.name, n.in.requirements, n.in.taints, true, n.in.pods});
    for (const auto& n : m_count_only_nodes)
      tnodes.push_back(TopologyNodeInput{n.name, n.requirements, n.taints, false, n.pods});
    m_topology->build(std::move(tnodes), pods);
  }
  for (auto& n : m_nodes) n.host = m_topology->hostname_domain(hostname_of(n.in));

  SolverResult result;
  std::deque<std::size_t> queue;
  for (std::size_t i = 0; i < pods.size(); ++i) queue.push_back(i);
  // Retry queue: a failed pod goes to the tail remembering the queue length at that moment; stop
  // when the head was last pushed at the current length (a whole cycle without progress).
  std::vector<std::optional<std::size_t>> pushed_at_len(pods.size());
  std::map<std::size_t, std::string> errors;
  Attempt attempt;
  Relaxation relaxation;
  while (!queue.empty()) {
    std::size_t idx = queue.front();
    if (pushed_at_len[idx] && *pushed_at_len[idx] == queue.size()) break;
    queue.pop_front();
    const SolverPod& pod = pods[idx];
    const Topology::PodHandle h = m_topology->handle(idx);

    // preferences.go: try with every preference as required, then relax one step at a time. A
    // pod that fails goes back to the queue unrelaxed.
    relaxation = Relaxation{};
    for (std::uint32_t i = 0; i < pod.spec->topology_spread.size(); ++i) relaxation.spread.push_back(i);
    std::optional<std::string> err;
    while (true) {
      make_attempt(pod, h, relaxation, attempt);
      err = try_add(attempt);
      if (!err || !relax(*pod.spec, relaxation)) break;
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
  for (const auto& n : m_nodes)
    if (!n.pods.empty()) result.existing[n.in.id] = n.pods;
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

std::optional<std::string> Solver::try_add(const Attempt& a) {
  for (auto& n : m_nodes)
    if (can_add_existing(n, a)) return std::nullopt;

  // In-flight NodeClaims of this solve, fewest pods first (ties: creation order).
  for (std::size_t k = 0; k < m_order.size(); ++k) {
    const std::uint32_t ci = m_order[k];
    if (!can_add_claim(m_claims[ci], a, /*explain=*/false)) {
      reorder(ci);
      return std::nullopt;
    }
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
  if (first_untolerated(n.in.taints, a.tols)) return false;
  if (ports_conflict(n.in.used_host_ports, pod.spec->host_ports)) return false;
  if (!pod.spec->requests.fits_in(n.in.remaining)) return false;
  if (n.in.requirements.compatible(a.reqs, nullptr)) return false;
  if (a.topology && !a.sets_hostname && !m_topology->hostname_allows(a.topo, a.owned, n.host)) return false;
  std::optional<Requirements> merged;
  if (!a.reqs.empty()) {
    merged = n.in.requirements;
    merged->add(a.reqs);
  }
  if (a.topology && apply_topology(a, n.in.requirements, merged, n.host, true, nullptr, false)) return false;
  n.in.remaining -= pod.spec->requests;
  n.in.used_host_ports.insert(n.in.used_host_ports.end(), pod.spec->host_ports.begin(), pod.spec->host_ports.end());
  n.pods.push_back(pod.id);
  if (merged) n.in.requirements = std::move(*merged);
  m_topology->record(a.topo, n.in.taints, n.in.requirements, false);
  return true;
}

std::optional<std::string> Solver::can_add_claim(Claim& c, const Attempt& a, bool explain) {
  const SolverPod& pod = *a.pod;
  const NodeClaimTemplate& t = m_templates[c.nc.template_index];
  if (auto taint = first_untolerated(t.taints, a.tols)) {
    if (!explain) return std::string();
    return "did not tolerate taint " + describe(*taint);
  }
  // Cheap integer check of hostname topologies before any requirement work (same decision).
  const bool precheck = !explain && a.topology && !a.sets_hostname;
  if (precheck && !m_topology->hostname_allows(a.topo, a.owned, c.host)) return std::string();
  if (auto e = c.nc.requirements.compatible(a.reqs, is_well_known_label)) return explain ? *e : std::string();
  // Merged requirements; a pod without requirements or topology cannot narrow the NodeClaim's.
  std::optional<Requirements> merged_storage;
  if (!a.reqs.empty()) {
    merged_storage = c.nc.requirements;
    merged_storage->add(a.reqs);
  }
  // Topology last: it can collapse a set of domains to one.
  if (a.topology) {
    if (auto e = apply_topology(a, c.nc.requirements, merged_storage, c.host, precheck, is_well_known_label, explain))
      return e;
  }
  // Keys whose requirement changed: instance types already intersect the old requirements on
  // every other key, and have an available offering unless zone or capacity type changed.
  std::vector<const Requirement*> changed;
  bool offering_keys_changed = false;
  if (merged_storage) {
    for (const auto& r : merged_storage->items()) {
      const Requirement* old = c.nc.requirements.get(r.key());
      if (old && *old == r) continue;
      changed.push_back(&r);
      if (r.key() == label::k_zone || r.key() == label::k_capacity_type) offering_keys_changed = true;
    }
  }
  const bool narrowed = !changed.empty();
  const Requirements& merged = merged_storage ? *merged_storage : c.nc.requirements;
  ResourceList base = c.nc.pod_requests + pod.spec->requests;

  // filterInstanceTypesByRequirements: labels compatible, an available compatible offering, and
  // allocatable >= requests + this type's daemon overhead. The surviving types are recorded by
  // index and the lists compacted in place only on success (the list is always a subsequence).
  std::vector<std::uint32_t> kept;
  kept.reserve(c.nc.instance_types.size());
  bool any_label_ok = false, any_offering_ok = false;
  ResourceList total;
  for (std::size_t i = 0; i < c.nc.instance_types.size(); ++i) {
    const catalog::InstanceType* it = c.nc.instance_types[i];
    if (narrowed) {
      bool label_ok = true;
      for (const Requirement* r : changed) {
        const Requirement* ir = it->requirements.get(r->key());
        if (ir && conflicts(*ir, *r)) {
          label_ok = false;
          break;
        }
      }
      if (!label_ok) continue;
      any_label_ok = true;
      if (offering_keys_changed) {
        bool offering = false;
        for (const auto& o : it->offerings)
          if (o.available && offering_compatible(o, merged)) {
            offering = true;
            break;
          }
        if (!offering) continue;
      }
      any_offering_ok = true;
    }
    const ResourceList& overhead = c.nc.daemon_overhead[i];
    if (c.daemon_overhead_zero || overhead.is_zero()) {
      if (!base.fits_in(it->allocatable)) continue;
    } else {
      total = base;
      total += overhead;
      if (!total.fits_in(it->allocatable)) continue;
    }
    kept.push_back(static_cast<std::uint32_t>(i));
  }
  if (kept.empty()) {
    if (!explain) return std::string();
    std::string why;
    if (narrowed && !any_label_ok) why = "no instance type met the scheduling requirements";
    else if (narrowed && !any_offering_ok) why = "no instance type has an available offering for the requirements";
    else why = "no instance type has enough resources";
    return why + " (requirements: " + merged.describe() + "; resources: " + to_string(base) + ")";
  }
  if (m_opts.min_values_strict && merged.has_min_values()) {
    std::vector<const catalog::InstanceType*> kept_types;
    kept_types.reserve(kept.size());
    for (auto i : kept) kept_types.push_back(c.nc.instance_types[i]);
    if (auto e = check_min_values(merged, kept_types)) return explain ? *e : std::string();
  }

  if (kept.size() != c.nc.instance_types.size()) {
    for (std::size_t k = 0; k < kept.size(); ++k) {
      if (kept[k] == k) continue;
      c.nc.instance_types[k] = c.nc.instance_types[kept[k]];
      c.nc.daemon_overhead[k] = std::move(c.nc.daemon_overhead[kept[k]]);
    }
    c.nc.instance_types.resize(kept.size());
    c.nc.daemon_overhead.resize(kept.size());
  }
  c.nc.pod_requests = std::move(base);
  if (merged_storage) c.nc.requirements = std::move(*merged_storage);
  c.nc.pods.push_back(pod.id);
  m_topology->record(a.topo, t.taints, c.nc.requirements, true);
  return std::nullopt;
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
  NodeClaimTemplate& t = m_templates[ti];
  auto limited = [&](std::string_view r) {
    return std::find(t.limited_resources.begin(), t.limited_resources.end(), r) != t.limited_resources.end();
  };
  if (limited("nodes") && t.remaining_limits.get(Resource::nodes).milli <= 0)
    return std::string("all available nodes limit exceeded");

  Claim c;
  c.seq = m_claim_seq;
  c.nc.template_index = ti;
  c.nc.node_pool = t.node_pool;
  c.nc.hostname = "hostname-placeholder-" + std::to_string(10000 + m_claim_seq).substr(1);
  c.host = m_topology->hostname_domain(c.nc.hostname);
  c.nc.requirements = t.requirements;
  c.nc.requirements.add(Requirement(std::string(label::k_hostname), Operator::in, {c.nc.hostname}));
  // filterByRemainingResources: drop types whose capacity exceeds what the limits leave.
  for (std::size_t i = 0; i < t.instance_types.size(); ++i) {
    const auto* it = t.instance_types[i];
    bool ok = true;
    for (const auto& r : t.limited_resources)
      if (it->capacity.get(r) > t.remaining_limits.get(r)) {
        ok = false;
        break;
      }
    if (!ok) continue;
    c.nc.instance_types.push_back(it);
    c.nc.daemon_overhead.push_back(t.daemon_overhead[i]);
  }
  if (c.nc.instance_types.empty()) return std::string("all available instance types exceed limits for nodepool");
  c.daemon_overhead_zero = std::all_of(c.nc.daemon_overhead.begin(), c.nc.daemon_overhead.end(),
                                       [](const ResourceList& o) { return o.is_zero(); });
  if (auto err = can_add_claim(c, a, /*explain=*/true)) return err;
  ++m_claim_seq;
  // subtractMax: pessimistically consume the largest capacity among the remaining options.
  if (!t.limited_resources.empty()) {
    ResourceList max_cap;
    for (const auto* it : c.nc.instance_types) max_cap.max_with(it->capacity);
    for (const auto& r : t.limited_resources)
      t.remaining_limits.set(r, Quantity{t.remaining_limits.get(r).milli - max_cap.get(r).milli});
  }
  c.ordered_count = c.nc.pods.size();
  m_claims.push_back(std::move(c));
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

void Solver::finalize(Claim& c) const {
  NewNodeClaim& nc = c.nc;
  nc.requirements.erase(label::k_hostname);
  // Requests recorded on the NodeClaim: pods + the minimum daemon overhead among survivors.
  std::optional<ResourceList> min_overhead;
  for (const auto& o : nc.daemon_overhead) {
    if (!min_overhead || o.cpu_millis() + o.memory_bytes() / 1'000'000 <
                             min_overhead->cpu_millis() + min_overhead->memory_bytes() / 1'000'000)
      min_overhead = o;
  }
  nc.requests = nc.pod_requests + (min_overhead ? *min_overhead : ResourceList{});
  // TruncateInstanceTypes: order by cheapest available compatible offering, keep the first N
  // (ties: instance type name; upstream's sort is unstable).
  std::vector<std::pair<Money, std::size_t>> order;
  for (std::size_t i = 0; i < nc.instance_types.size(); ++i) {
    auto p = cheapest_offering_price(*nc.instance_types[i], nc.requirements);
    order.emplace_back(p ? *p : Money{INT64_MAX}, i);
  }
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return nc.instance_types[a.second]->name < nc.instance_types[b.second]->name;
  });
  if (order.size() > m_opts.max_instance_types) order.resize(m_opts.max_instance_types);
  std::vector<const catalog::InstanceType*> types;
  std::vector<ResourceList> overhead;
  for (const auto& [price, i] : order) {
    types.push_back(nc.instance_types[i]);
    overhead.push_back(nc.daemon_overhead[i]);
  }
  if (m_opts.min_values_strict && nc.requirements.has_min_values() && check_min_values(nc.requirements, types))
    types.clear();
  nc.instance_types = std::move(types);
  nc.daemon_overhead = std::move(overhead);
}

}  // namespace capsim::scheduling
