// Karpenter disruption: candidates (disruption/types.go NewCandidate), budgets
// (helpers.go BuildDisruptionBudgetMapping), the method loop (controller.go) with Emptiness,
// multi-node and single-node consolidation (emptiness.go, multinodeconsolidation.go,
// singlenodeconsolidation.go, consolidation.go), the 15 s validation (validation.go), command
// execution (queue.go), and expiration (nodeclaim/expiration). Version differences: v0.29 runs
// Expiration, Emptiness (ttlSecondsAfterEmpty) or empty-node consolidation, then multi and single
// node consolidation, synchronously and without budgets.
#include <algorithm>
#include <cmath>

#include "capsim/core/cron.hpp"
#include "capsim/policy/karpenter/karpenter.hpp"
#include "capsim/policy/pdb.hpp"

namespace capsim::policy::karpenter {
namespace {

constexpr std::size_t k_multi_node_max_candidates = 100;  // multinodeconsolidation.go maxParallel
constexpr std::size_t k_min_spot_to_spot_types = 15;      // consolidation.go MinInstanceTypesForSpotToSpotConsolidation
constexpr Duration k_command_timeout = Duration::minutes(10);  // queue.go, clamp(80ms x n, 10m, 1h)
constexpr Duration k_command_poll = Duration::seconds(1);

// pkg/utils/pod/scheduling.go IsReschedulable: active pods (a terminating one needs no new home,
// except a StatefulSet's: its replacement waits for it), not DaemonSet or mirror pods.
bool reschedulable(const cluster::Pod& p) {
  return (!p.terminating || p.owner.kind == "StatefulSet") && !p.is_daemon() && !p.is_mirror();
}

// pkg/utils/disruption/disruption.go EvictionCost: 1 + deletion cost / 2^27 + priority / 2^25,
// clamped to [-10, 10].
double eviction_cost(const cluster::Pod& p) {
  double cost = 1.0;
  auto it = p.annotations.find("controller.kubernetes.io/pod-deletion-cost");
  if (it != p.annotations.end()) {
    try {
      cost += std::stod(it->second) / std::pow(2.0, 27);
    } catch (...) {
    }
  }
  cost += static_cast<double>(p.spec->priority) / std::pow(2.0, 25);
  return std::clamp(cost, -10.0, 10.0);
}

// A budget value: an integer, or a percentage of the pool's nodes rounded up (nodepool.go).
int budget_allowed(const std::string& nodes, int num_nodes) {
  if (!nodes.empty() && nodes.back() == '%') {
    int pct = std::stoi(nodes.substr(0, nodes.size() - 1));
    return static_cast<int>((static_cast<std::int64_t>(pct) * num_nodes + 99) / 100);
  }
  return std::stoi(nodes);
}

const char* method_name(int m) {
  static constexpr const char* k_names[] = {"emptiness", "drift", "multi-node consolidation", "single-node consolidation",
                                            "expiration"};
  return k_names[m];
}

// Offerings.WorstLaunchPrice: among available offerings compatible with `reqs`, the first
// capacity-type class that has any (reserved, spot, on-demand), and the maximum price in it.
std::optional<Money> worst_launch_price(const catalog::InstanceType& it, const Requirements& reqs) {
  for (std::string_view ct : {std::string_view("reserved"), label::k_spot, label::k_on_demand}) {
    std::optional<Money> worst;
    for (const auto& o : it.offerings)
      if (o.capacity_type == ct && o.available && scheduling::offering_compatible(o, reqs) && (!worst || o.price > *worst))
        worst = o.price;
    if (worst) return worst;
  }
  return std::nullopt;
}

}  // namespace

bool Karpenter::consolidation_enabled(const NodePoolModel& p) const {
  if (v1alpha5()) return p.spec.consolidation_enabled;
  return p.spec.consolidation_policy != spec::ConsolidationPolicy::when_empty && p.spec.consolidate_after.has_value();
}

// Per NodePool: how many more nodes may be disrupted for `reason` now.
std::map<std::string, int> Karpenter::budgets(const View& view, const std::string& reason) const {
  std::map<std::string, int> out;
  const std::int64_t now_unix_ms = m_cfg.start_time_unix_s * 1000 + view.now.ms;
  for (const auto& p : m_pools) {
    // numNodes: initialized nodes of the pool not yet terminating; disrupting: those of them that
    // are marked for deletion or being deleted.
    int num = 0, disrupting = 0;
    for (auto nid : view.cluster.node_ids()) {
      const auto& n = view.cluster.node(nid);
      if (n.node_pool != p.spec.name || n.state == cluster::NodeState::terminated) continue;
      if (!n.initialized() && n.state != cluster::NodeState::deleting) continue;
      ++num;
      if (n.marked_for_deletion()) ++disrupting;
    }
    if (v1alpha5() || p.spec.budgets.empty()) {  // v1alpha5 has no budgets: one command at a time
      out[p.spec.name] = INT32_MAX;
      continue;
    }
    std::optional<int> allowed;
    for (const auto& b : p.spec.budgets) {
      if (!b.reasons.empty() && std::find(b.reasons.begin(), b.reasons.end(), reason) == b.reasons.end()) continue;
      if (b.schedule) {  // Budget.IsActive: the schedule fired within the last `duration` (UTC)
        auto cron = CronSchedule::parse(*b.schedule);
        if (!cron || !b.duration || !cron->active_at(now_unix_ms, b.duration->ms)) continue;
      }
      int a = budget_allowed(b.nodes, num);
      if (!allowed || a < *allowed) allowed = a;
    }
    out[p.spec.name] = allowed ? std::max(*allowed - disrupting, 0) : INT32_MAX;
  }
  return out;
}

const Karpenter::PodSummary& Karpenter::pod_summary(const View& view, const cluster::Node& n) const {
  if (m_pod_summaries.size() <= n.id) m_pod_summaries.resize(n.id + 1);
  PodSummary& s = m_pod_summaries[n.id];
  if (s.valid && s.version == n.version) return s;
  s = PodSummary{};
  s.valid = true;
  s.version = n.version;
  std::vector<cluster::PodId> reschedulable_pods;
  const char* do_not_disrupt = v1alpha5() ? "karpenter.sh/do-not-evict" : "karpenter.sh/do-not-disrupt";
  for (auto pid : n.pods) {
    const auto& pod = view.cluster.pod(pid);
    const double cost = eviction_cost(pod);
    s.eviction_costs.push_back(cost);
    if (!reschedulable(pod)) continue;
    // ValidatePodsDisruptable: do-not-disrupt pods and PDB-blocked pods block the node.
    if (auto a = pod.annotations.find(do_not_disrupt); a != pod.annotations.end()) {
      // pkg/utils/pod/scheduling.go IsDoNotDisruptActive (v1): "true", or a duration still
      // running since the pod started (capsim: its bind); invalid values do not block.
      if (a->second == "true") s.do_not_disrupt = true;
      else if (auto d = v1alpha5() ? std::nullopt : parse_duration(a->second))
        s.do_not_disrupt_until = std::max(s.do_not_disrupt_until.value_or(SimTime{INT64_MIN}), pod.bound_at + *d);
    }
    int matching = 0;
    for (std::uint32_t i = 0; i < m_cfg.pdbs.size(); ++i)
      if (pdb_selects(m_cfg.pdbs[i], pod)) {
        ++matching;
        if (std::find(s.pdbs.begin(), s.pdbs.end(), i) == s.pdbs.end()) s.pdbs.push_back(i);
      }
    if (matching > 1) s.multi_pdb = true;
    reschedulable_pods.push_back(pid);
    s.reschedule_cost += std::max(0.0, cost);
  }
  s.reschedulable = std::make_shared<const std::vector<cluster::PodId>>(std::move(reschedulable_pods));
  return s;
}

const std::vector<Karpenter::Candidate>& Karpenter::disruptable(const View& view) const {
  const CandidateKey key{view.now, view.cluster.generation(), m_state_version, m_nominations};
  if (m_disruptable_key && *m_disruptable_key == key) return m_disruptable;
  m_disruptable_key = key;
  m_disruptable.clear();
  const SimTime now = view.now;
  // PDB state (k8s disruption controller): disruptionsAllowed = healthy - desired healthy.
  std::vector<int> pdb_allowed;
  for (const auto& pdb : m_cfg.pdbs) pdb_allowed.push_back(pdb_disruptions_allowed(pdb, view.cluster));
  static const std::string k_do_not_disrupt = "karpenter.sh/do-not-disrupt";
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    // ValidateNodeDisruptable: Karpenter-managed, initialized, not marked or deleting, not nominated.
    if (!n.managed() || !n.initialized() || n.marked_for_deletion() || nominated(nid, now)) continue;
    // karpenter.sh/do-not-disrupt on the node (from the NodePool template annotations).
    if (auto a = n.annotations.find(k_do_not_disrupt); a != n.annotations.end() && a->second == "true") continue;
    const NodePoolModel* p = pool(n.node_pool);
    if (!p) continue;
    const PodSummary& ps = pod_summary(view, n);
    // A do-not-disrupt pod, a pod under more than one PDB or under one that allows no disruption
    // blocks the node.
    bool blocked = ps.do_not_disrupt || ps.multi_pdb || (ps.do_not_disrupt_until && now < *ps.do_not_disrupt_until);
    for (auto i : ps.pdbs)
      if (pdb_allowed[i] == 0) blocked = true;
    if (blocked) continue;
    Candidate c;
    c.id = nid;
    c.pool = p;
    c.price = n.price_per_hour;
    double lifetime = 1.0;
    std::optional<Duration> ttl = v1alpha5() && p->spec.ttl_seconds_until_expired
                                      ? std::optional<Duration>(Duration::seconds(*p->spec.ttl_seconds_until_expired))
                                      : (v1alpha5() ? std::nullopt : p->spec.expire_after);
    if (ttl && ttl->ms > 0)
      lifetime = std::clamp(static_cast<double>((*ttl - (now - n.created_at)).ms) / static_cast<double>(ttl->ms), 0.0, 1.0);
    for (double cost : ps.eviction_costs) c.legacy_cost += cost * lifetime;
    c.pods = ps.reschedulable;
    c.reschedule_cost = ps.reschedule_cost;
    m_disruptable.push_back(std::move(c));
  }
  return m_disruptable;
}

std::vector<Karpenter::Candidate> Karpenter::candidates(const View& view, Method m) const {
  const SimTime now = view.now;
  std::vector<Candidate> out;
  for (const Candidate& c : disruptable(view)) {
    const auto& n = view.cluster.node(c.id);
    const NodePoolModel* p = c.pool;
    const cluster::NodeId nid = c.id;
    const bool empty = c.reschedule_cost <= 1.0;
    const SimTime since = std::max(n.last_pod_event_at, n.initialized_at);
    switch (m) {
      case Method::emptiness:
        if (!empty) continue;
        if (v1alpha5()) {
          // ttlSecondsAfterEmpty: Empty for at least the TTL; with consolidation enabled instead,
          // empty nodes are consolidated (after validation) right away.
          if (p->spec.ttl_seconds_after_empty) {
            if (now < since + Duration::seconds(*p->spec.ttl_seconds_after_empty)) continue;
          } else if (!p->spec.consolidation_enabled) {
            continue;
          }
        } else {
          // Consolidatable: consolidateAfter (not Never) elapsed since the last pod event.
          if (!p->spec.consolidate_after || now < since + *p->spec.consolidate_after) continue;
        }
        break;
      case Method::multi_node:
      case Method::single_node:
        if (!consolidation_enabled(*p)) continue;
        if (!v1alpha5()) {
          if (empty) continue;  // empty nodes are left to Emptiness (v1.14)
          if (now < since + *p->spec.consolidate_after) continue;
        }
        break;
      case Method::drift:
        // Drifted=True; ignores consolidateAfter and the consolidation policy.
        if (v1alpha5() || !m_drifted.count(nid)) continue;
        break;
      case Method::expiration:
        // v0.29 Machine condition Expired: creation + ttlSecondsUntilExpired has passed.
        if (!v1alpha5() || !p->spec.ttl_seconds_until_expired ||
            now < n.created_at + Duration::seconds(*p->spec.ttl_seconds_until_expired))
          continue;
        break;
    }
    out.push_back(c);
  }
  sort_candidates(view, m, out);
  return out;
}

void Karpenter::sort_candidates(const View& view, Method m, std::vector<Candidate>& c) const {
  auto name = [&](const Candidate& x) -> const std::string& { return view.cluster.node(x.id).name; };
  if (m == Method::expiration) {
    // v0.29 expiration.go: by expiration time (creation + ttlSecondsUntilExpired); ties by name.
    auto at = [&](const Candidate& x) {
      return view.cluster.node(x.id).created_at + Duration::seconds(x.pool->spec.ttl_seconds_until_expired.value_or(0));
    };
    std::stable_sort(c.begin(), c.end(), [&](const Candidate& a, const Candidate& b) {
      if (at(a) != at(b)) return at(a) < at(b);
      return name(a) < name(b);
    });
    return;
  }
  if (m == Method::drift) {
    // drift.go: empty candidates first, then by the time the node drifted; ties by name.
    std::stable_sort(c.begin(), c.end(), [&](const Candidate& a, const Candidate& b) {
      const bool ea = a.reschedule_cost <= 1.0, eb = b.reschedule_cost <= 1.0;
      if (ea != eb) return ea;
      const SimTime ta = m_drifted.at(a.id).first, tb = m_drifted.at(b.id).first;
      if (ta != tb) return ta < tb;
      return name(a) < name(b);
    });
    return;
  }
  if (v1alpha5()) {
    // v0.29 / v1.0-1.13: ascending disruption cost; ties by node name.
    std::stable_sort(c.begin(), c.end(), [&](const Candidate& a, const Candidate& b) {
      if (a.legacy_cost != b.legacy_cost) return a.legacy_cost < b.legacy_cost;
      return name(a) < name(b);
    });
    return;
  }
  // v1.14: descending savings ratio price / RescheduleDisruptionCost; ties by node name.
  struct Key {
    double ratio;
    const std::string* name;
    std::size_t index;
  };
  std::vector<Key> keys;
  keys.reserve(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) keys.push_back(Key{c[i].price.usd() / c[i].reschedule_cost, &name(c[i]), i});
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.ratio != b.ratio) return a.ratio > b.ratio;
    return *a.name < *b.name;
  });
  std::vector<Candidate> sorted;
  sorted.reserve(c.size());
  for (const auto& k : keys) sorted.push_back(std::move(c[k.index]));
  c = std::move(sorted);
  if (m != Method::single_node) return;
  if (std::all_of(c.begin(), c.end(), [&](const Candidate& x) { return x.pool == c.front().pool; })) return;
  // Single-node consolidation interleaves NodePools round-robin (singlenodeconsolidation.go
  // shuffleCandidates): the NodePools a timed-out pass did not reach first, then the others.
  // Upstream takes each group in Go map order; capsim in the order of their first candidate.
  std::vector<std::string> order, rest;
  std::map<std::string, std::vector<Candidate>> by_pool;
  for (auto& x : c) {
    if (!by_pool.count(x.pool->spec.name)) (m_unseen_pools.count(x.pool->spec.name) ? order : rest).push_back(x.pool->spec.name);
    by_pool[x.pool->spec.name].push_back(x);
  }
  order.insert(order.end(), rest.begin(), rest.end());
  std::vector<Candidate> inter;
  for (std::size_t i = 0; inter.size() < c.size(); ++i)
    for (const auto& pn : order)
      if (i < by_pool[pn].size()) inter.push_back(by_pool[pn][i]);
  c = std::move(inter);
}

std::optional<Money> Karpenter::launch_price_floor(
    const std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>>& templates) const {
  if (templates == m_floor_templates) return m_floor;
  m_floor_templates = templates;
  m_floor.reset();
  for (const auto& t : *templates)
    for (const auto* it : t.instance_types)
      for (const auto& o : it->offerings)
        if (o.available && (!m_floor || o.price < *m_floor)) m_floor = o.price;
  return m_floor;
}

Karpenter::SimOutcome Karpenter::simulate(const View& view, const std::vector<Candidate>& cands, bool consolidation,
                                          bool stop_early, std::optional<Money> replaced_price) const {
  // helpers.go SimulateScheduling: existing nodes minus the candidates; pods = pending
  // provisionable pods + the candidates' reschedulable pods.
  SimOutcome out;
  std::vector<cluster::NodeId> exclude;
  std::set<cluster::PodId> moved;
  for (const auto& c : cands) {
    exclude.push_back(c.id);
    moved.insert(c.pods->begin(), c.pods->end());
  }
  std::vector<scheduling::SolverPod> pods;
  for (auto pid : view.cluster.pending_pods()) {
    const auto& p = view.cluster.pod(pid);
    if (!p.unschedulable || !reschedulable(p)) continue;
    pods.push_back(scheduling::solver_pod(p));
  }
  for (auto pid : moved) {
    const auto& p = view.cluster.pod(pid);
    pods.push_back(scheduling::solver_pod(p));
  }
  auto templates = this->templates(view);
  scheduling::SolverOptions opts;
  opts.max_instance_types = v1alpha5() ? k_max_instance_types_v0 : k_max_instance_types_v1;
  opts.min_values_strict = m_cfg.settings.min_values_policy != "BestEffort";
  opts.template_cache = &m_solver_cache;
  if (stop_early && !m_cfg.exact) {
    opts.stop_when_not_consolidatable = &moved;
    if (replaced_price) {
      const auto floor = launch_price_floor(templates);
      opts.stop_at_first_claim = !floor || *replaced_price <= *floor;
    }
  }
  scheduling::Solver solver(std::move(templates), node_index(view, consolidation && !v1alpha5()), std::move(exclude), opts);
  for (const auto& p : pods) out.requests.push_back(&p.spec->requests);
  auto result = solver.solve(std::move(pods));
  out.topology = result.topology;
  for (const auto& [nid, pids] : result.existing) out.used.push_back(nid);
  if (result.stopped) return out;  // a no-op; the caller asked for no reason
  out.claims = std::move(result.new_claims);  // kept on failure too (v0.29 expiration uses them)
  // Results.AllNonPendingPodsScheduled: errors on pods that were already pending are tolerated.
  for (const auto& [pid, why] : result.errors)
    if (moved.count(pid)) {
      out.why = "not all pods would schedule: " + why;
      return out;
    }
  // A moved pod planned onto an uninitialized node is an error (helpers.go).
  for (const auto& [nid, pids] : result.existing)
    if (!view.cluster.node(nid).initialized())
      for (auto pid : pids)
        if (moved.count(pid)) {
          out.why = "would schedule against uninitialized nodeclaim";
          return out;
        }
  out.ok = true;
  return out;
}

std::optional<Karpenter::Command> Karpenter::compute_consolidation(const View& view, const std::vector<Candidate>& cands,
                                                                   bool explain, bool single, std::string& why,
                                                                   NoOpMemo* memo) const {
  Money candidate_price;
  for (const auto& c : cands) candidate_price += c.price;
  auto sim = simulate(view, cands, true, !explain, candidate_price);
  if (memo && !sim.topology) {
    memo->valid = true;
    memo->used = std::move(sim.used);
    memo->requests = std::move(sim.requests);
  }
  if (!sim.ok) {
    why = sim.why;
    return std::nullopt;
  }
  Command cmd;
  cmd.method = single ? Method::single_node : Method::multi_node;
  cmd.reason = "Underutilized";
  for (const auto& c : cands) cmd.candidates.push_back(c.id);
  if (sim.claims.empty()) return cmd;  // DELETE: everything fits on the remaining capacity
  if (sim.claims.size() > 1) {
    why = "can't remove without creating " + std::to_string(sim.claims.size()) + " candidates";
    return std::nullopt;
  }
  scheduling::NewNodeClaim nc = std::move(sim.claims.front());
  bool all_spot = true;
  for (const auto& c : cands) all_spot = all_spot && view.cluster.node(c.id).capacity_type == label::k_spot;
  const Requirement* ct = nc.requirements.get(label::k_capacity_type);
  const bool may_spot = !ct || ct->has(label::k_spot);
  const bool may_od = !ct || ct->has(label::k_on_demand);
  std::vector<const catalog::InstanceType*> kept;
  std::vector<ResourceList> kept_overhead;
  if (all_spot && may_spot) {
    // Spot-to-spot (consolidation.go computeSpotToSpotConsolidation), behind its feature gate.
    if (v1alpha5() || !m_cfg.settings.spot_to_spot_consolidation) {
      why = "SpotToSpotConsolidation is disabled, can't replace a spot node with a spot node";
      return std::nullopt;
    }
    Requirements spot = nc.requirements;
    spot.add(Requirement(std::string(label::k_capacity_type), Operator::in, {std::string(label::k_spot)}));
    for (std::size_t i = 0; i < nc.instance_types.size(); ++i) {
      auto w = worst_launch_price(*nc.instance_types[i], spot);
      if (w && *w < candidate_price) {
        kept.push_back(nc.instance_types[i]);
        kept_overhead.push_back(nc.daemon_overhead[i]);
      }
    }
    if (single) {
      if (kept.size() < k_min_spot_to_spot_types) {
        why = "SpotToSpotConsolidation requires " + std::to_string(k_min_spot_to_spot_types) +
              " cheaper instance type options than the current candidate to consolidate, got " + std::to_string(kept.size());
        return std::nullopt;
      }
      kept.resize(k_min_spot_to_spot_types);
      kept_overhead.resize(k_min_spot_to_spot_types);
    }
    nc.requirements = spot;
  } else {
    // Keep types whose worst launch price is strictly below the candidates' price.
    for (std::size_t i = 0; i < nc.instance_types.size(); ++i) {
      auto w = worst_launch_price(*nc.instance_types[i], nc.requirements);
      if (w && *w < candidate_price) {
        kept.push_back(nc.instance_types[i]);
        kept_overhead.push_back(nc.daemon_overhead[i]);
      }
    }
    // The price filter assumed spot when both are allowed: pin the replacement to spot.
    if (!v1alpha5() && may_spot && may_od)
      nc.requirements.add(Requirement(std::string(label::k_capacity_type), Operator::in, {std::string(label::k_spot)}));
  }
  if (kept.empty()) {
    why = "can't replace with a cheaper node";
    return std::nullopt;
  }
  nc.instance_types = std::move(kept);
  nc.daemon_overhead = std::move(kept_overhead);
  cmd.replacements.push_back(std::move(nc));
  return cmd;
}

std::optional<Karpenter::Command> Karpenter::multi_node(const View& view, std::vector<Candidate> cands,
                                                        const std::optional<std::vector<cluster::NodeId>>& pending,
                                                        std::vector<Note>& notes, bool& timed_out) {
  // Keep candidates in order while their pool's budget allows, decrementing it.
  auto budget = budgets(view, "Underutilized");
  std::vector<Candidate> eligible;
  for (auto& c : cands) {
    int& b = budget[c.pool->spec.name];
    if (b <= 0) continue;
    --b;
    eligible.push_back(std::move(c));
  }
  if (eligible.size() < 2) return std::nullopt;
  // Binary search on the prefix length: lo = 1, hi = n - 1 (n <= 100) else 100; prefix = mid + 1.
  const std::size_t n = eligible.size();
  std::size_t lo = 1, hi = n <= k_multi_node_max_candidates ? n - 1 : k_multi_node_max_candidates;
  std::optional<Command> best;
  // firstNConsolidationOption: a context deadline 1 minute from the search's start that cuts the
  // simulation under way (v1.4+); the search then returns the last valid command, if any.
  const bool deadline = timed() && !v1alpha5();
  const std::int64_t deadline_ns = m_pass.work.ns(model()) + k_multi_node_timeout.ms * 1'000'000;
  while (lo <= hi) {
    const std::size_t mid = (lo + hi) / 2;
    std::vector<Candidate> prefix(eligible.begin(), eligible.begin() + static_cast<std::ptrdiff_t>(mid + 1));
    const PassWork before = m_pass.work;
    charge_simulation(prefix);
    if (deadline && m_pass.work.ns(model()) > deadline_ns) {
      // The simulation is cut at the deadline: the search has spent exactly its minute.
      m_pass.work = before;
      m_pass.work.cut_ns += deadline_ns - before.ns(model());
      timed_out = true;
      ++m_pass.multi_node_timeouts;
      notes.push_back(Note{"disrupt", "consolidation timeout", "", {}, {}, {},
                           best ? "stopping multi-node consolidation after timeout, returning last valid command"
                                : "failed to find a multi-node consolidation after timeout, last considered batch had " +
                                      std::to_string(mid)});
      return best;
    }
    std::string why;
    auto cmd = consolidate(view, prefix, /*explain=*/false, false, pending, why);
    bool valid = cmd.has_value();
    if (valid && !cmd->replacements.empty()) {
      // filterOutSameInstanceType: never replace [A, A, small] by one A; cap the price at the
      // cheapest candidate whose type is among the options.
      auto& nc = cmd->replacements.front();
      std::optional<Money> cap;
      for (const auto& c : prefix) {
        const auto& node = view.cluster.node(c.id);
        for (const auto* it : nc.instance_types)
          if (it->name == node.instance_type && (!cap || c.price < *cap)) cap = c.price;
      }
      if (cap) {
        std::vector<const catalog::InstanceType*> kept;
        std::vector<ResourceList> overhead;
        for (std::size_t i = 0; i < nc.instance_types.size(); ++i) {
          auto w = worst_launch_price(*nc.instance_types[i], nc.requirements);
          if (w && *w < *cap) {
            kept.push_back(nc.instance_types[i]);
            overhead.push_back(nc.daemon_overhead[i]);
          }
        }
        nc.instance_types = std::move(kept);
        nc.daemon_overhead = std::move(overhead);
        valid = !nc.instance_types.empty();
      }
    }
    if (valid) {
      best = std::move(cmd);
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

std::optional<Karpenter::Command> Karpenter::single_node(
    const View& view, std::vector<Candidate> cands, std::vector<std::pair<cluster::NodeId, std::string>>* unconsolidatable,
    const std::optional<std::vector<cluster::NodeId>>& pending, std::vector<Note>& notes, bool& timed_out) {
  auto budget = budgets(view, "Underutilized");
  // singlenodeconsolidation.go ComputeCommands: the timeout is 3 minutes from the method's start,
  // checked before each candidate (clock.Now().After(timeout)); a pass that runs out remembers the
  // NodePools it has not reached (PreviouslyUnseenNodePools) and does not mark itself
  // consolidated. v0.29 has no timeout.
  const bool timeout = timed() && !v1alpha5();
  const std::int64_t timeout_ns = m_pass.work.ns(model()) + k_single_node_timeout.ms * 1'000'000;
  std::set<std::string> unseen;
  for (const auto& c : cands) unseen.insert(c.pool->spec.name);
  for (std::size_t i = 0; i < cands.size(); ++i) {
    const Candidate& c = cands[i];
    if (timeout && m_pass.work.ns(model()) > timeout_ns) {
      timed_out = true;
      ++m_pass.single_node_timeouts;
      m_unseen_pools = std::move(unseen);
      notes.push_back(Note{"disrupt", "consolidation timeout", "", {}, {}, {},
                           "abandoning single-node consolidation due to timeout after evaluating " + std::to_string(i) +
                               " candidates"});
      return std::nullopt;
    }
    unseen.erase(c.pool->spec.name);
    if (budget[c.pool->spec.name] <= 0) continue;
    const bool explain = unconsolidatable && unconsolidatable_due(c.id, view.now);
    std::string why;
    charge_simulation({c});
    ++m_pass.evaluated;
    if (auto cmd = consolidate(view, {c}, explain, true, pending, why)) return cmd;
    if (explain && !why.empty()) unconsolidatable->emplace_back(c.id, why);
  }
  m_unseen_pools.clear();
  return std::nullopt;
}

std::optional<Karpenter::Command> Karpenter::consolidate(const View& view, const std::vector<Candidate>& cands, bool explain,
                                                         bool single, const std::optional<std::vector<cluster::NodeId>>& pending,
                                                         std::string& why) const {
  // The simulation is the candidates' pods plus the pending pods. With no pending pod its no-op
  // result is memoized (NoOpMemo). It is reused while the pending pods land on their own on
  // existing nodes at their first attempt (pending_placement) none of which the memo's pods used
  // (nor a candidate): every node either side uses rejected the other side's pods before and
  // still does (placements only shrink a node), the pending pods open no NodeClaim, and both
  // sides keep their first fits. Anything else simulates everything.
  if (m_cfg.exact) return compute_consolidation(view, cands, explain, single, why);
  std::vector<cluster::NodeId> key;
  for (const auto& c : cands) key.push_back(c.id);
  auto separable = [&](const std::vector<cluster::NodeId>& used) {
    if (!pending) return false;
    for (auto nid : *pending)
      if (std::find(key.begin(), key.end(), nid) != key.end() || std::find(used.begin(), used.end(), nid) != used.end())
        return false;
    return true;
  };
  auto known = m_noop.find(key);
  if (known != m_noop.end() && (known->second.explained || !explain) && separable(known->second.used)) {
    known->second.pass = m_noop_pass;
    why = known->second.why;
    return std::nullopt;
  }
  const bool memoize = pending && pending->empty();
  NoOpMemo memo;
  auto cmd = compute_consolidation(view, cands, explain, single, memo.why, memoize ? &memo : nullptr);
  why = memo.why;
  if (cmd || !memo.valid) return cmd;
  for (const auto& c : cands) memo.versions.push_back(view.cluster.node(c.id).version);
  memo.explained = explain;
  memo.pass = m_noop_pass;
  m_noop.insert_or_assign(std::move(key), std::move(memo));
  return std::nullopt;
}

std::optional<std::vector<cluster::NodeId>> Karpenter::pending_placement(const View& view) const {
  std::vector<scheduling::SolverPod> pods;
  for (auto pid : view.cluster.pending_pods()) {
    const auto& p = view.cluster.pod(pid);
    if (p.unschedulable && reschedulable(p)) pods.push_back(scheduling::solver_pod(p));
  }
  std::vector<cluster::NodeId> nodes;
  if (pods.empty()) return nodes;
  scheduling::SolverOptions opts;
  opts.max_instance_types = v1alpha5() ? k_max_instance_types_v0 : k_max_instance_types_v1;
  opts.min_values_strict = m_cfg.settings.min_values_policy != "BestEffort";
  opts.template_cache = &m_solver_cache;
  scheduling::Solver solver(templates(view), node_index(view, !v1alpha5()), {}, opts);
  const std::size_t n = pods.size();
  auto result = solver.solve(std::move(pods));
  std::size_t placed = 0;
  for (const auto& [nid, pids] : result.existing) {
    nodes.push_back(nid);
    placed += pids.size();
  }
  if (result.topology || result.retried || placed != n) return std::nullopt;
  return nodes;
}

void Karpenter::refresh_noop_memo(const View& view) const {
  auto templates = this->templates(view);
  const std::uint64_t ds_key = daemonsets_key(view);
  if (templates != m_noop_templates || ds_key != m_noop_daemonsets) {
    m_noop.clear();
    m_noop_templates = std::move(templates);
    m_noop_daemonsets = ds_key;
  }
  // Memos of candidates that changed (other pods, other state) or are gone, and multi-node memos
  // the previous pass did not use (its prefixes are the ones that come back).
  ++m_noop_pass;
  std::erase_if(m_noop, [&](const auto& e) {
    if (e.first.size() > 1 && e.second.pass + 1 < m_noop_pass) return true;
    for (std::size_t i = 0; i < e.first.size(); ++i)
      if (!view.cluster.nodes().count(e.first[i]) || view.cluster.node(e.first[i]).version != e.second.versions[i]) return true;
    return false;
  });
  // The nodes as the simulations now see them, and those that changed since the last refresh.
  const auto index = node_index(view, !v1alpha5());
  std::vector<NodeSeen> seen(m_noop_seen.size());
  std::vector<std::pair<cluster::NodeId, const scheduling::ExistingNodeInput*>> changed;  // null: takes no pods
  auto see = [&](const scheduling::ExistingNodeInput& in, bool accepts) {
    if (seen.size() <= in.id) seen.resize(in.id + 1);
    seen[in.id] = NodeSeen{view.cluster.node(in.id).version, true, accepts};
    const NodeSeen before = in.id < m_noop_seen.size() ? m_noop_seen[in.id] : NodeSeen{};
    if (!before.present || before.version != seen[in.id].version || before.accepts != accepts)
      changed.emplace_back(in.id, accepts ? &in : nullptr);
  };
  for (std::size_t i = 0; i < index->size(); ++i) see((*index)[i], true);
  for (const auto* in : index->count_only()) see(*in, false);
  for (std::size_t id = 0; id < m_noop_seen.size(); ++id)
    if (m_noop_seen[id].present && (id >= seen.size() || !seen[id].present))
      changed.emplace_back(static_cast<cluster::NodeId>(id), nullptr);
  m_noop_seen = std::move(seen);
  // A changed node the simulation placed nothing on matters only if it can now take one of its
  // pods; an uninitialized one cannot turn a no-op into a move (a moved pod landing there is itself
  // a no-op, helpers.go), so only reasons published from the memo need it to reject them.
  for (const auto& [nid, in] : changed)
    std::erase_if(m_noop, [&](const auto& e) {
      const NoOpMemo& m = e.second;
      if (std::find(m.used.begin(), m.used.end(), nid) != m.used.end()) return true;
      if (!in || (!in->initialized && !m.explained)) return false;
      return std::any_of(m.requests.begin(), m.requests.end(), [&](const ResourceList* r) { return r->fits_in(in->remaining); });
    });
}

// pkg/events/recorder.go publishEvent: an event with DedupeValues is dropped while its key
// ("unconsolidatable-<node UID>", the message not included) is in the cache; the first one
// published puts it there for the event's DedupeTimeout.
bool Karpenter::unconsolidatable_due(cluster::NodeId node, SimTime now) const {
  auto it = m_unconsolidatable.find(node);
  return it == m_unconsolidatable.end() || now > it->second + k_unconsolidatable_dedupe;
}

std::optional<Karpenter::Command> Karpenter::expire_v1alpha5(const View& view) {
  // v0.29: ttlSecondsUntilExpired is the first deprovisioner of the 10 s loop, one command per
  // pass (v0.29 deprovisioning/expiration.go ComputeCommand): every empty expired candidate at
  // once; else the first expired candidate (by expiration time), replaced by the NodeClaims its
  // pods need - even if the simulation cannot place all of them - before it is deleted.
  auto expired = candidates(view, Method::expiration);
  if (expired.empty()) return std::nullopt;
  Command cmd;
  cmd.method = Method::expiration;
  cmd.reason = "expired";
  for (const auto& c : expired)
    if (c.pods->empty()) cmd.candidates.push_back(c.id);
  if (cmd.candidates.empty()) {
    cmd.candidates = {expired.front().id};
    charge_simulation({expired.front()});
    cmd.replacements = simulate(view, {expired.front()}).claims;
  }
  return cmd;
}

Actions Karpenter::expire(const View& view) {
  // v1: the expiration controller (nodeclaim/expiration/controller.go) deletes a NodeClaim at
  // exactly creation + expireAfter: forceful, no budget, no replacement pre-spin.
  Actions out;
  const SimTime now = view.now;
  m_next_expiry.reset();
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    if (!n.managed() || n.marked_for_deletion()) continue;
    const NodePoolModel* p = pool(n.node_pool);
    if (!p) continue;
    const std::optional<Duration> ttl = p->spec.expire_after;
    if (!ttl) continue;
    const SimTime at = n.created_at + *ttl;
    if (now < at) {
      if (!m_next_expiry || at < *m_next_expiry) m_next_expiry = at;
      continue;
    }
    out.deletions.push_back(DeleteNode{nid, "expired"});
    out.notes.push_back(Note{"disrupt", "expired", n.node_pool, {n.name}, {n.instance_type}, {},
                             "disrupting nodeclaim(s) via delete, expired " + n.name + "/" + n.instance_type + "/" +
                                 n.capacity_type + " (expire after " + format_duration(*ttl) + ")"});
  }
  return out;
}

void Karpenter::begin_pass(const View& view) {
  m_pass = Pass{};
  m_pass.start = view.now;
  count_pass_inputs(view);
}

void Karpenter::count_pass_inputs(const View& view) {
  m_pass.nodes = view.cluster.node_ids().size();
  m_pass.pending = 0;
  for (auto pid : view.cluster.pending_pods()) {
    const auto& p = view.cluster.pod(pid);
    if (p.unschedulable && reschedulable(p)) ++m_pass.pending;
  }
}

void Karpenter::charge_simulation(const std::vector<Candidate>& cands) const {
  std::size_t pods = m_pass.pending;
  for (const auto& c : cands) pods += c.pods->size();
  m_pass.work.simulation(m_pass.nodes, pods);
}

Duration Karpenter::price_pass() {
  m_stats.observe_typical(m_pass.work);
  return m_pass.elapsed(model());
}

void Karpenter::record_pass(SimTime end) {
  if (!timed()) return;
  m_stats.pass_ms.push_back((end - m_pass.start).ms);
  m_stats.evaluated.push_back(static_cast<std::int64_t>(m_pass.evaluated));
  m_stats.single_node_timeouts += m_pass.single_node_timeouts;
  m_stats.multi_node_timeouts += m_pass.multi_node_timeouts;
}

Karpenter::PassOutcome Karpenter::disrupt(const View& view) {
  PassOutcome out;
  const SimTime now = view.now;
  // Every method lists its candidates (controller.go disrupt -> GetCandidates) before it looks
  // at them, whether or not it then finds itself consolidated.
  auto list = [&] { m_pass.work.listing(m_pass.nodes); };
  if (v1alpha5()) {
    // v0.29 executes a command synchronously: replacements launched and initialized, candidates
    // deleted, and the loop waits until they are gone (waitForDeletion).
    if (!m_commands.empty()) return out;
    std::erase_if(m_awaiting_deletion, [&](cluster::NodeId id) { return !view.cluster.nodes().count(id); });
    if (!m_awaiting_deletion.empty()) return out;
    list();
    if ((out.command = expire_v1alpha5(view))) return out;
  } else if (!m_cfg.exact && m_quiet && m_quiet->generation == view.cluster.generation() && m_quiet->state_version == m_state_version &&
             m_quiet->nominations == m_nominations && m_quiet->drifted == m_drifted.size()) {
    if (!m_quiet->until) m_quiet->until = quiet_until(view, m_quiet->at);
    if (*m_quiet->until && now < **m_quiet->until) {
      // The pass this stands for lists the candidates of its four methods and finds every
      // consolidation method consolidated.
      for (int i = 0; i < 4; ++i) list();
      return out;
    }
  }
  m_quiet.reset();
  // Emptiness.
  list();
  auto empties = candidates(view, Method::emptiness);
  if (!empties.empty()) {
    Command cmd;
    cmd.method = Method::emptiness;
    cmd.reason = "Empty";
    if (v1alpha5()) {
      // ttlSecondsAfterEmpty: every expired-empty node at once, no validation. Nodes of pools with
      // consolidation enabled go through EmptyMachineConsolidation (validated) instead.
      std::vector<cluster::NodeId> ttl, consolidate;
      for (const auto& c : empties) (c.pool->spec.ttl_seconds_after_empty ? ttl : consolidate).push_back(c.id);
      if (!ttl.empty()) {
        cmd.candidates = ttl;
        cmd.reason = "ttlSecondsAfterEmpty";
        out.command = std::move(cmd);
        return out;
      }
      cmd.candidates = consolidate;
    } else {
      auto budget = budgets(view, "Empty");
      for (const auto& c : empties) {
        int& b = budget[c.pool->spec.name];
        if (b <= 0) continue;
        --b;
        cmd.candidates.push_back(c.id);
      }
    }
    if (!cmd.candidates.empty()) {
      out.command = std::move(cmd);
      out.validate = true;
      return out;
    }
  }
  // Drift (disruption/drift.go): the first drifted candidate, within its pool's Drifted budget,
  // whose pods all schedule elsewhere; it is replaced by however many NodeClaims the simulation
  // needs, without a price check or the 15 s validation.
  if (!v1alpha5()) {
    list();
    auto drifted = candidates(view, Method::drift);
    auto budget = budgets(view, "Drifted");
    for (const auto& c : drifted) {
      if (budget[c.pool->spec.name] <= 0) continue;
      charge_simulation({c});
      auto sim = simulate(view, {c});
      if (!sim.ok) {
        out.notes.push_back(Note{"disrupt", "drift blocked", c.pool->spec.name, {view.cluster.node(c.id).name}, {}, {},
                                 "cannot disrupt drifted node " + view.cluster.node(c.id).name + ": " + sim.why});
        continue;
      }
      Command cmd;
      cmd.method = Method::drift;
      cmd.reason = "Drifted";
      cmd.candidates = {c.id};
      cmd.replacements = std::move(sim.claims);
      out.command = std::move(cmd);
      return out;
    }
  }
  // Multi-node, then single-node consolidation (one memo refresh and pending placement per pass).
  std::optional<std::vector<cluster::NodeId>> pending;
  bool pending_known = false;
  bool timed_out = false;
  for (Method m : {Method::multi_node, Method::single_node}) {
    list();
    auto cands = candidates(view, m);
    if (cands.empty()) continue;
    // "Nothing changed" memo (state/cluster.go ConsolidationState): a method that found nothing
    // is skipped until the cluster state moves. capsim keys it by the state generation, the
    // candidates, their budgets and offering availability, so skipping never changes a decision
    // v1 only: v0.29's candidate order depends on time. Upstream's forced re-check
    // (ConsolidationState resets to now once the last change is 5 minutes old) re-runs a method
    // that changes no decision but may publish Unconsolidatable events again (15-minute dedupe).
    std::string memo;
    if (!v1alpha5()) {
      if (view.cluster.generation() != m_state_change_generation) {
        m_state_change_generation = view.cluster.generation();
        m_state_change_at = now;
      } else if (now - m_state_change_at >= k_consolidation_state_recheck) {
        m_state_change_at = now;
      }
      memo = std::to_string(view.cluster.generation()) + "/" + std::to_string(m_state_version) + "@" +
             std::to_string(m_state_change_at.ms) + ":";
      for (const auto& c : cands) memo += std::to_string(c.id) + ",";
      for (const auto& [pool_name, b] : budgets(view, "Underutilized")) memo += pool_name + "=" + std::to_string(b) + ";";
      // Time moves nodes out of their consolidateAfter window (the simulation's destination rule).
      for (auto nid : view.cluster.node_ids())
        if (under_consolidate_after(pool(view.cluster.node(nid).node_pool), view.cluster.node(nid), now))
          memo += "w" + std::to_string(nid) + ",";
      if (m_consolidation_memo[static_cast<int>(m)] == memo) continue;
    }
    std::vector<std::pair<cluster::NodeId, std::string>> unconsolidatable;
    if (!pending_known && !m_cfg.exact) {
      refresh_noop_memo(view);
      pending = pending_placement(view);
      pending_known = true;
    }
    bool method_timed_out = false;
    auto cmd = m == Method::multi_node ? multi_node(view, std::move(cands), pending, out.notes, method_timed_out)
                                       : single_node(view, std::move(cands), &unconsolidatable, pending, out.notes,
                                                     method_timed_out);
    // consolidation.go computeConsolidation publishes an Unconsolidatable event for a single
    // candidate that cannot be consolidated; the recorder keeps one per node per 15 minutes.
    for (const auto& [nid, why] : unconsolidatable) {
      m_unconsolidatable[nid] = now;
      const auto& n = view.cluster.node(nid);
      out.notes.push_back(Note{"disrupt", "unconsolidatable", n.node_pool, {n.name}, {n.instance_type}, {},
                               "node " + n.name + " is unconsolidatable: " + why});
    }
    if (cmd) {
      m_consolidation_memo[static_cast<int>(m)].clear();
      out.command = std::move(cmd);
      out.validate = true;
      return out;
    }
    timed_out = timed_out || method_timed_out;
    // A single-node pass that timed out does not mark itself consolidated; multi-node does
    // (singlenodeconsolidation.go, multinodeconsolidation.go ComputeCommands).
    if (m == Method::single_node && method_timed_out) m_consolidation_memo[static_cast<int>(m)].clear();
    else m_consolidation_memo[static_cast<int>(m)] = memo;
  }
  if (!v1alpha5() && !m_cfg.exact && out.notes.empty() && !timed_out)
    m_quiet = QuietPass{view.cluster.generation(), m_state_version, m_nominations, m_drifted.size(), now, std::nullopt};
  return out;
}

Actions Karpenter::end_pass(const View& view, PassOutcome o) {
  Actions out;
  out.notes = std::move(o.notes);
  if (!o.command) {
    // controller.go: RequeueAfter pollingPeriod when every method did nothing; at once after a
    // validation (the pass goes on with the next method upstream; here the next pass does).
    m_next_poll = o.requeue ? view.now : view.now + k_disruption_poll;
    return out;
  }
  Command cmd = std::move(*o.command);
  if (timed()) {
    // Decided on the state at the pass's start: a candidate that went away or was taken by
    // another command (expiration, interruption) meanwhile makes the queue refuse the command
    // (queue.go StartCommand).
    for (auto nid : cmd.candidates)
      if (!view.cluster.nodes().count(nid) || view.cluster.node(nid).marked_for_deletion()) {
        out.notes.push_back(Note{"disrupt", "command abandoned", "", {}, {}, {},
                                 std::string("abandoning ") + method_name(static_cast<int>(cmd.method)) +
                                     " command: a candidate changed while the pass ran"});
        m_next_poll = view.now;
        return out;
      }
  }
  if (o.validate) {
    m_validation = PendingValidation{view.now + k_validation_delay, std::move(cmd)};
    m_next_poll = m_validation->due;
    return out;
  }
  out.append(start_command(view, std::move(cmd)));
  m_next_poll = view.now;  // immediate requeue; the next pass sees the change
  return out;
}

// What a pass reads that changes with time alone: each node's consolidateAfter window (the
// candidates of every method and the memo's window marks), nominations and do-not-disrupt
// durations running out, and ConsolidationState's forced re-check 5 minutes after the last
// change. Budgets with a schedule open and close with time too: no quiet pass with them. The
// first such time after `after`, the quiet pass; the cluster is as it was then.
std::optional<SimTime> Karpenter::quiet_until(const View& view, SimTime after) const {
  for (const auto& p : m_pools)
    for (const auto& b : p.spec.budgets)
      if (b.schedule) return std::nullopt;
  SimTime until{INT64_MAX};
  auto upcoming = [&](SimTime t) {
    if (t > after && t < until) until = t;
  };
  upcoming(m_state_change_at + k_consolidation_state_recheck);
  for (const auto& [nid, t] : m_nominated_until) upcoming(t);
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    if (!n.managed()) continue;
    const NodePoolModel* p = pool(n.node_pool);
    if (p && p->spec.consolidate_after && n.initialized())
      upcoming(std::max(n.last_pod_event_at, n.initialized_at) + *p->spec.consolidate_after);
    if (const auto& dnd = pod_summary(view, n).do_not_disrupt_until) upcoming(*dnd);
  }
  return until;
}

bool Karpenter::revalidate(const View& view, Command& cmd) const {
  // validation.go: every candidate must still be a candidate for the method, not nominated, and
  // fit a freshly computed budget (emptiness drops candidates individually instead).
  auto current = candidates(view, cmd.method);
  auto budget = budgets(view, cmd.reason == "Underutilized" ? "Underutilized" : "Empty");
  std::vector<Candidate> still;
  std::vector<cluster::NodeId> kept;
  for (auto nid : cmd.candidates) {
    auto it = std::find_if(current.begin(), current.end(), [&](const Candidate& c) { return c.id == nid; });
    bool ok = it != current.end();
    if (ok && !v1alpha5()) {
      int& b = budget[it->pool->spec.name];
      ok = b > 0;
      if (ok) --b;
    }
    if (!ok) {
      if (cmd.method == Method::emptiness) continue;
      return false;
    }
    still.push_back(*it);
    kept.push_back(nid);
  }
  if (kept.empty()) return false;
  cmd.candidates = kept;
  if (cmd.method == Method::emptiness) return true;
  // Re-run the simulation: a DELETE must still need no new NodeClaim; a REPLACE must still need
  // exactly one whose options include every instance type of the command's replacement.
  std::string why;
  charge_simulation(still);
  auto again = compute_consolidation(view, still, /*explain=*/false, cmd.method == Method::single_node, why);
  if (!again || again->replacements.size() != cmd.replacements.size()) return false;
  if (!cmd.replacements.empty()) {
    const auto& now_types = again->replacements.front().instance_types;
    for (const auto* it : cmd.replacements.front().instance_types)
      if (std::find(now_types.begin(), now_types.end(), it) == now_types.end()) return false;
  }
  return true;
}

Karpenter::PassOutcome Karpenter::finish_validation(const View& view) {
  PassOutcome out;
  out.requeue = true;
  Command cmd = std::move(m_validation->cmd);
  m_validation.reset();
  // The validation recomputes the candidates (and, for consolidation, simulates again) on the
  // state after the 15 s wait.
  // The pass goes on: its start and counts stay, the work is the validation's alone.
  m_pass.work = PassWork{};
  count_pass_inputs(view);
  m_pass.work.listing(m_pass.nodes);
  if (!revalidate(view, cmd)) {
    out.notes.push_back(Note{"disrupt", "validation failed", "", {}, {}, {},
                             std::string("abandoning ") + method_name(static_cast<int>(cmd.method)) +
                                 " command: candidates changed during the 15s validation"});
    return out;
  }
  out.command = std::move(cmd);
  return out;
}

std::string Karpenter::describe_command(const View& view, const Command& cmd) const {
  std::string s = std::string(cmd.replacements.empty() ? "delete" : "replace") + ", terminating " +
                  std::to_string(cmd.candidates.size()) + " nodes";
  int pods = 0;
  std::string names;
  for (auto nid : cmd.candidates) {
    const auto& n = view.cluster.node(nid);
    for (auto pid : n.pods) pods += reschedulable(view.cluster.pod(pid)) ? 1 : 0;
    names += (names.empty() ? "" : ", ") + n.name + "/" + n.instance_type + "/" + n.capacity_type;
  }
  s += " (" + std::to_string(pods) + " pods) " + names;
  if (cmd.replacements.empty()) return s;
  // types.go Command.String (v0.32-v1.9; structured logging since): a replacement is "<type>
  // node" when its capacity-type requirement holds exactly one value, else "node"; several are
  // counted as "N spot and M on-demand" by the values each allows. The types listed are the first
  // replacement's (scheduling.InstanceTypeList: 5 names, then "and N other(s)").
  auto allows = [](const Requirement* ct, std::string_view v) { return !ct || ct->has(v); };
  const auto& first = cmd.replacements.front();
  if (cmd.replacements.size() > 1) {
    int spot = 0, od = 0;
    for (const auto& r : cmd.replacements) {
      const Requirement* ct = r.requirements.get(label::k_capacity_type);
      od += allows(ct, label::k_on_demand) ? 1 : 0;
      spot += allows(ct, label::k_spot) ? 1 : 0;
    }
    s += " and replacing with " + std::to_string(spot) + " spot and " + std::to_string(od) + " on-demand, from types ";
  } else {
    const Requirement* ct = first.requirements.get(label::k_capacity_type);
    const bool one = ct && ct->op() == Operator::in && ct->values().size() == 1;
    s += " and replacing with " + (one ? ct->values().front() + " node" : std::string("node")) + " from types ";
  }
  for (std::size_t i = 0; i < first.instance_types.size() && i < 5; ++i) s += (i ? ", " : "") + first.instance_types[i]->name;
  if (first.instance_types.size() > 5) s += " and " + std::to_string(first.instance_types.size() - 5) + " other(s)";
  return s;
}

Actions Karpenter::start_command(const View& view, Command cmd) {
  Actions out;
  const std::string reason = cmd.reason == "Empty"           ? "empty"
                             : cmd.reason == "Underutilized" ? "underutilized"
                             : cmd.reason == "Drifted"       ? "drifted"
                                                             : cmd.reason;
  std::vector<std::string> names, types;
  for (auto nid : cmd.candidates) {
    names.push_back(view.cluster.node(nid).name);
    types.push_back(view.cluster.node(nid).instance_type);
  }
  const std::string pool_name = view.cluster.node(cmd.candidates.front()).node_pool;
  // Log wording of each version: v0.29 "deprovisioning via emptiness delete, terminating 1
  // machines ..."; v1 "disrupting nodeclaim(s) via delete, terminating 1 nodes (0 pods) ...".
  std::string msg = v1alpha5() ? "deprovisioning via " + std::string(method_name(static_cast<int>(cmd.method))) + " " +
                                     describe_command(view, cmd)
                               : "disrupting nodeclaim(s) via " + describe_command(view, cmd) + " (reason " + cmd.reason +
                                     ", " + method_name(static_cast<int>(cmd.method)) + ")";
  if (v1alpha5()) msg.replace(msg.find(" nodes"), 6, " machines");
  out.notes.push_back(Note{"disrupt", reason, pool_name, names, types, {}, msg});
  if (v1alpha5()) m_awaiting_deletion.insert(cmd.candidates.begin(), cmd.candidates.end());
  if (cmd.replacements.empty()) {
    for (auto nid : cmd.candidates) out.deletions.push_back(DeleteNode{nid, reason});
    return out;
  }
  // queue.go StartCommand: taint the candidates, launch the replacements, wait for them.
  RunningCommand rc;
  rc.tag = "command-" + std::to_string(++m_seq);
  rc.started = view.now;
  for (auto nid : cmd.candidates) out.marks.push_back(MarkNode{nid, true, reason, {}});
  for (const auto& nc : cmd.replacements) {
    LaunchNode l = launch_for(nc, "replacement for " + reason + " command");
    l.tag = rc.tag;
    // The replacements are created through the provisioner (queue.go StartCommand ->
    // CreateNodeClaims), which logs "created nodeclaim" with the NodeClaim's instance types.
    note_new_claim_expiry(view.now, *pool(nc.node_pool));
    const Requirement* ct = l.requirements.get(label::k_capacity_type);
    std::string cts, shown;
    for (const auto& v : ct ? ct->values() : std::vector<std::string>{}) cts += (cts.empty() ? "" : ", ") + v;
    const auto& options = l.instance_type_options;
    for (std::size_t i = 0; i < options.size() && i < 5; ++i) shown += (i ? ", " : "") + options[i];
    if (options.size() > 5) shown += " and " + std::to_string(options.size() - 5) + " other(s)";
    out.notes.push_back(Note{"provision", "replacement", nc.node_pool, {}, options, {},
                             "created nodeclaim for " + reason + " command " + rc.tag + ", nodepool " + nc.node_pool +
                                 ", requests " + to_string(nc.requests) + ", capacity-types " + cts + ", instance-types " +
                                 shown});
    out.launches.push_back(std::move(l));
  }
  rc.cmd = std::move(cmd);
  m_commands.push_back(std::move(rc));
  return out;
}

Actions Karpenter::progress_commands(const View& view) {
  Actions out;
  for (auto it = m_commands.begin(); it != m_commands.end();) {
    RunningCommand& rc = *it;
    std::size_t initialized = 0, present = 0;
    for (auto nid : view.cluster.node_ids()) {
      const auto& n = view.cluster.node(nid);
      if (n.launch_tag != rc.tag) continue;
      ++present;
      if (n.initialized()) ++initialized;
    }
    const std::string reason = rc.cmd.reason == "Underutilized" ? "underutilized"
                               : rc.cmd.reason == "Drifted"     ? "drifted"
                                                                : rc.cmd.reason;
    const bool lost = present < rc.cmd.replacements.size();
    const bool timed_out = view.now - rc.started >= k_command_timeout;
    if (initialized == rc.cmd.replacements.size()) {
      for (auto nid : rc.cmd.candidates) out.deletions.push_back(DeleteNode{nid, reason});
      it = m_commands.erase(it);
      continue;
    }
    if (lost || timed_out) {
      // Failure: untaint the candidates; they stay.
      for (auto nid : rc.cmd.candidates) {
        out.marks.push_back(MarkNode{nid, false, "command failed", {}});
        m_awaiting_deletion.erase(nid);
      }
      out.notes.push_back(Note{"disrupt", "command failed", "", {}, {}, {},
                               std::string("disruption command failed: ") +
                                   (lost ? "a replacement nodeclaim was deleted" : "replacements did not initialize in time")});
      it = m_commands.erase(it);
      continue;
    }
    ++it;
  }
  return out;
}

}  // namespace capsim::policy::karpenter
