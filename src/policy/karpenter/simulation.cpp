// The disruption controller's scheduling simulations and the no-op memo (simulation.hpp).
#include "capsim/policy/karpenter/simulation.hpp"

#include <algorithm>
#include <set>

namespace capsim::policy::karpenter {

std::optional<Money> ConsolidationSimulator::launch_price_floor(
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

const std::vector<scheduling::SolverPod>& ConsolidationSimulator::pending_pods(const View& view) const {
  if (m_pending_pods && !m_shared.cfg.exact) return *m_pending_pods;  // --exact: listed for every simulation
  m_pending_pods.emplace();
  for (auto pid : view.cluster.pending_pods()) {
    const auto& p = view.cluster.pod(pid);
    if (p.unschedulable && reschedulable(p)) m_pending_pods->push_back(scheduling::solver_pod(p));
  }
  return *m_pending_pods;
}

SimOutcome ConsolidationSimulator::simulate(const View& view, const std::vector<Candidate>& cands) {
  return simulate(view, cands, false, false, std::nullopt);
}

SimOutcome ConsolidationSimulator::simulate(const View& view, const std::vector<Candidate>& cands, bool consolidation,
                                            bool stop_early, std::optional<Money> replaced_price) const {
  // helpers.go SimulateScheduling: existing nodes minus the candidates; pods = pending
  // provisionable pods + the candidates' reschedulable pods.
  // The solver orders its queue by requests, creation and UID, so the order pods come in here
  // does not matter.
  SimOutcome out;
  std::vector<cluster::NodeId> exclude;
  std::vector<cluster::PodId> moved;  // sorted
  const auto& pending = pending_pods(view);
  std::vector<scheduling::SolverPod> pods(pending.begin(), pending.end());
  for (const auto& c : cands) {
    exclude.push_back(c.id);
    moved.insert(moved.end(), c.pods->begin(), c.pods->end());
    // The node's solver pods, kept with its pod summary (--exact: read from the pods again).
    if (c.solver_pods && !m_shared.cfg.exact) pods.insert(pods.end(), c.solver_pods->begin(), c.solver_pods->end());
    else
      for (auto pid : *c.pods) pods.push_back(scheduling::solver_pod(view.cluster.pod(pid)));
  }
  std::sort(moved.begin(), moved.end());
  auto templates = m_inputs.templates(view);
  scheduling::SolverOptions opts = m_inputs.solver_options();
  if (stop_early && !m_shared.cfg.exact) {
    opts.stop_when_not_consolidatable = &moved;
    if (replaced_price) {
      const auto floor = launch_price_floor(templates);
      opts.stop_at_first_claim = !floor || *replaced_price <= *floor;
    }
  }
  scheduling::Solver solver(std::move(templates), m_inputs.node_index(view, consolidation && !m_shared.v1alpha5()), std::move(exclude), opts);
  for (const auto& p : pods) out.requests.push_back(&p.spec->requests);
  auto result = solver.solve(std::move(pods));
  out.topology = result.topology;
  for (const auto& [nid, pids] : result.existing) out.used.push_back(nid);
  if (result.stopped) return out;  // a no-op; the caller asked for no reason
  out.claims = std::move(result.new_claims);  // kept on failure too (v0.29 expiration uses them)
  // Results.AllNonPendingPodsScheduled: errors on pods that were already pending are tolerated.
  for (const auto& [pid, why] : result.errors)
    if (std::binary_search(moved.begin(), moved.end(), pid)) {
      out.why = "not all pods would schedule: " + why;
      return out;
    }
  // A moved pod planned onto an uninitialized node is an error (helpers.go).
  for (const auto& [nid, pids] : result.existing)
    if (!view.cluster.node(nid).initialized())
      for (auto pid : pids)
        if (std::binary_search(moved.begin(), moved.end(), pid)) {
          out.why = "would schedule against uninitialized nodeclaim";
          return out;
        }
  out.ok = true;
  return out;
}

std::optional<Command> ConsolidationSimulator::compute_consolidation(const View& view, const Method& method,
                                                                    const std::vector<Candidate>& cands, bool explain,
                                                                    std::string& why, NoOpMemo* memo) const {
  const bool single = method.single_candidate();
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
  cmd.method = &method;
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
    if (m_shared.v1alpha5() || !m_shared.cfg.settings.spot_to_spot_consolidation) {
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
    if (!m_shared.v1alpha5() && may_spot && may_od)
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

std::optional<Command> ConsolidationSimulator::recompute(const View& view, const Method& method,
                                                        const std::vector<Candidate>& cands, std::string& why) const {
  return compute_consolidation(view, method, cands, /*explain=*/false, why);
}

std::optional<Command> ConsolidationSimulator::consolidate(const View& view, const Method& method,
                                                           const std::vector<Candidate>& cands, bool explain,
                                                           std::string& why) {
  // The simulation is the candidates' pods plus the pending pods. With no pending pod its no-op
  // result is memoized (NoOpMemo). It is reused while the pending pods land on their own on
  // existing nodes at their first attempt (pending_placement) none of which the memo's pods used
  // (nor a candidate): every node either side uses rejected the other side's pods before and
  // still does (placements only shrink a node), the pending pods open no NodeClaim, and both
  // sides keep their first fits. Anything else simulates everything.
  if (m_shared.cfg.exact) return compute_consolidation(view, method, cands, explain, why);
  if (!m_prepared) {
    refresh_noop_memo(view);
    m_pending = pending_placement(view);
    m_prepared = true;
  }
  const auto& pending = m_pending;
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
  auto cmd = compute_consolidation(view, method, cands, explain, memo.why, memoize ? &memo : nullptr);
  why = memo.why;
  if (cmd || !memo.valid) return cmd;
  for (const auto& c : cands) memo.versions.push_back(view.cluster.node(c.id).version);
  memo.explained = explain;
  memo.pass = m_noop_pass;
  m_noop.insert_or_assign(std::move(key), std::move(memo));
  return std::nullopt;
}

std::optional<std::vector<cluster::NodeId>> ConsolidationSimulator::pending_placement(const View& view) const {
  std::vector<scheduling::SolverPod> pods = pending_pods(view);
  std::vector<cluster::NodeId> nodes;
  if (pods.empty()) return nodes;
  scheduling::Solver solver(m_inputs.templates(view), m_inputs.node_index(view, !m_shared.v1alpha5()), {},
                            m_inputs.solver_options());
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

void ConsolidationSimulator::refresh_noop_memo(const View& view) {
  auto templates = m_inputs.templates(view);
  const std::uint64_t ds_key = SchedulingInputs::daemonsets_key(view);
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
  const auto index = m_inputs.node_index(view, !m_shared.v1alpha5());
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

}  // namespace capsim::policy::karpenter
