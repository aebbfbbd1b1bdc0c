// The disruption controller's candidates (types.go NewCandidate, ValidateNodeDisruptable,
// ValidatePodsDisruptable), each method's eligibility over them, and the disruption budgets
// (helpers.go BuildDisruptionBudgetMapping).
#include <algorithm>
#include <cmath>

#include "capsim/core/cron.hpp"
#include "capsim/policy/karpenter/disruption_controller.hpp"
#include "capsim/policy/pdb.hpp"

namespace capsim::policy::karpenter {
namespace {

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

}  // namespace

std::map<std::string, int> budgets(const Shared& shared, const View& view, std::string_view reason) {
  std::map<std::string, int> out;
  const std::int64_t now_unix_ms = shared.cfg.start_time_unix_s * 1000 + view.now.ms;
  for (const auto& p : shared.pools) {
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
    if (shared.v1alpha5() || p.spec.budgets.empty()) {  // v1alpha5 has no budgets: one command at a time
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

const DisruptionController::PodSummary& DisruptionController::pod_summary(const View& view, const cluster::Node& n) const {
  if (m_pod_summaries.size() <= n.id) m_pod_summaries.resize(n.id + 1);
  PodSummary& s = m_pod_summaries[n.id];
  if (s.valid && s.version == n.version) return s;
  s = PodSummary{};
  s.valid = true;
  s.version = n.version;
  std::vector<cluster::PodId> reschedulable_pods;
  const char* do_not_disrupt = m_shared.v1alpha5() ? "karpenter.sh/do-not-evict" : "karpenter.sh/do-not-disrupt";
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
      else if (auto d = m_shared.v1alpha5() ? std::nullopt : parse_duration(a->second))
        s.do_not_disrupt_until = std::max(s.do_not_disrupt_until.value_or(SimTime{INT64_MIN}), pod.bound_at + *d);
    }
    int matching = 0;
    for (std::uint32_t i = 0; i < m_shared.cfg.pdbs.size(); ++i)
      if (pdb_selects(m_shared.cfg.pdbs[i], pod)) {
        ++matching;
        if (std::find(s.pdbs.begin(), s.pdbs.end(), i) == s.pdbs.end()) s.pdbs.push_back(i);
      }
    if (matching > 1) s.multi_pdb = true;
    reschedulable_pods.push_back(pid);
    s.reschedule_cost += std::max(0.0, cost);
  }
  auto solver_pods = std::make_shared<std::vector<scheduling::SolverPod>>();
  solver_pods->reserve(reschedulable_pods.size());
  for (auto pid : reschedulable_pods) solver_pods->push_back(scheduling::solver_pod(view.cluster.pod(pid)));
  s.solver_pods = std::move(solver_pods);
  s.reschedulable = std::make_shared<const std::vector<cluster::PodId>>(std::move(reschedulable_pods));
  return s;
}

const std::vector<Candidate>& DisruptionController::disruptable(const View& view) const {
  const CandidateKey key{view.now, view.cluster.generation(), m_shared.state_version, m_shared.nominations};
  if (m_disruptable_key && *m_disruptable_key == key) return m_disruptable;
  m_disruptable_key = key;
  m_disruptable.clear();
  const SimTime now = view.now;
  // PDB state (k8s disruption controller): disruptionsAllowed = healthy - desired healthy.
  std::vector<int> pdb_allowed;
  for (const auto& pdb : m_shared.cfg.pdbs) pdb_allowed.push_back(pdb_disruptions_allowed(pdb, view.cluster));
  static const std::string k_do_not_disrupt = "karpenter.sh/do-not-disrupt";
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    // ValidateNodeDisruptable: Karpenter-managed, initialized, not marked or deleting, not nominated.
    if (!n.managed() || !n.initialized() || n.marked_for_deletion() || m_shared.nominated(nid, now)) continue;
    // karpenter.sh/do-not-disrupt on the node (from the NodePool template annotations).
    if (auto a = n.annotations.find(k_do_not_disrupt); a != n.annotations.end() && a->second == "true") continue;
    const NodePoolModel* p = m_shared.pool(n.node_pool);
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
    std::optional<Duration> ttl = m_shared.v1alpha5() && p->spec.ttl_seconds_until_expired
                                      ? std::optional<Duration>(Duration::seconds(*p->spec.ttl_seconds_until_expired))
                                      : (m_shared.v1alpha5() ? std::nullopt : p->spec.expire_after);
    if (ttl && ttl->ms > 0)
      lifetime = std::clamp(static_cast<double>((*ttl - (now - n.created_at)).ms) / static_cast<double>(ttl->ms), 0.0, 1.0);
    for (double cost : ps.eviction_costs) c.legacy_cost += cost * lifetime;
    c.pods = ps.reschedulable;
    c.solver_pods = ps.solver_pods;
    c.reschedule_cost = ps.reschedule_cost;
    m_disruptable.push_back(std::move(c));
  }
  return m_disruptable;
}

std::vector<Candidate> DisruptionController::candidates(const View& view, const Method& m, bool sorted) const {
  std::vector<Candidate> out;
  for (const Candidate& c : disruptable(view))
    if (m.should_disrupt(c, view)) out.push_back(c);
  if (sorted) m.sort(out, view);
  return out;
}

ConsolidationKey DisruptionController::consolidation_key(const View& view, const std::vector<Candidate>& cands,
                                                         const std::map<std::string, int>& budgets) {
  if (m_shared.v1alpha5()) return {};  // v0.29's candidate order depends on time: no state
  const SimTime now = view.now;
  if (view.cluster.generation() != m_state_change_generation) {
    m_state_change_generation = view.cluster.generation();
    m_state_change_at = now;
  } else if (now - m_state_change_at >= k_consolidation_state_recheck) {
    m_state_change_at = now;
  }
  // Each list is preceded by its length, so the numbers read back one way only.
  ConsolidationKey key{view.cluster.generation(), m_shared.state_version, static_cast<std::uint64_t>(m_state_change_at.ms),
                       cands.size()};
  for (const auto& c : cands) key.push_back(c.id);
  key.push_back(budgets.size());  // per NodePool, in name order (the NodePools change with state_version)
  for (const auto& [pool_name, b] : budgets) key.push_back(static_cast<std::uint64_t>(static_cast<std::int64_t>(b)));
  // Time moves nodes out of their consolidateAfter window (the simulation's destination rule):
  // the nodes still inside it, to the end.
  for (auto nid : view.cluster.node_ids())
    if (SchedulingInputs::under_consolidate_after(m_shared.pool(view.cluster.node(nid).node_pool), view.cluster.node(nid), now))
      key.push_back(nid);
  return key;
}

}  // namespace capsim::policy::karpenter
