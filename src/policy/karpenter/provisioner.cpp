// Karpenter provisioning (provisioner.hpp): triggers, the batcher (provisioning/batcher.go), pod
// selection (GetPendingPods) and turning the solver's NodeClaims into launch actions.
#include <algorithm>
#include <map>

#include "capsim/policy/karpenter/provisioner.hpp"

#include "capsim/policy/karpenter/aws.hpp"

namespace capsim::policy::karpenter {
namespace {

std::string join(const std::vector<std::string>& v, std::size_t max = 8) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < max; ++i) s += (i ? ", " : "") + v[i];
  if (v.size() > max) s += " and " + std::to_string(v.size() - max) + " other(s)";
  return s;
}

// A pod that requires the nodepool (or v1alpha5 provisioner-name) label not to exist opts out of
// Karpenter; a pod selecting a restricted label is ignored (provisioner.go GetPendingPods, Validate).
enum class PodVerdict { ok, opted_out, restricted };

PodVerdict check_pod(const cluster::PodSchedulingSpec& spec, std::string& why) {
  Requirements reqs = spec.karpenter_requirements(false);
  for (const auto& r : reqs.items()) {
    if ((r.key() == label::k_nodepool || r.key() == label::k_provisioner_name) && r.op() == Operator::does_not_exist)
      return PodVerdict::opted_out;
  }
  for (const auto& r : reqs.items())
    if (scheduling::is_restricted_label(r.key())) {
      why = "label \"" + r.key() + "\" is restricted";
      return PodVerdict::restricted;
    }
  return PodVerdict::ok;
}

}  // namespace

void Provisioner::on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) {
  for (auto pid : pods) {
    m_provisionable.insert(pid);
    // Batcher: a trigger for an element not yet in the batch opens it or resets the idle timer.
    if (m_batch.insert(pid).second) {
      if (!m_batch_start) m_batch_start = now;
      m_batch_idle_deadline = now + m_shared.cfg.settings.batch_idle;
    }
  }
  if (!m_next_requeue) m_next_requeue = now + k_pod_requeue;
}

void Provisioner::reconcile(const View& view, bool synced, Actions& out) {
  const SimTime now = view.now;
  // Pod controller: provisionable pods re-trigger every 10 s while they stay provisionable.
  if (m_next_requeue && now >= *m_next_requeue) {
    std::vector<cluster::PodId> still;
    for (auto pid : m_provisionable) {
      const auto& p = view.cluster.pod(pid);
      if (view.cluster.live_pods().count(pid) && !p.bound() && p.unschedulable) still.push_back(pid);
    }
    m_provisionable.clear();
    m_next_requeue.reset();
    if (!still.empty()) on_pods_unschedulable(still, now);
  }
  // The provisioner is a singleton (provisioning/provisioner.go): a solve decided at its start
  // launches its NodeClaims when it ends, and the next batch waits for it (and for the sim to
  // apply them, at the same instant).
  bool solve_ended = false;
  if (m_solve_end && now >= m_solve_end->at) {
    out.append(std::move(m_solve_end->actions));
    m_solve_end.reset();
    solve_ended = true;
  }
  const auto& settings = m_shared.cfg.settings;
  if (!m_solve_end && !solve_ended && m_batch_start && now >= std::min(m_batch_idle_deadline, *m_batch_start + settings.batch_max)) {
    m_batch.clear();
    m_batch_start.reset();
    // Not synced: requeue without scheduling; the next trigger starts a new batch.
    if (synced) {
      Actions solved = provision(view);
      PassWork work;
      work.simulation(view.cluster.node_ids().size(), m_solve_pods);
      const Duration d = work.elapsed(m_shared.model());
      // A solve that creates no NodeClaim has nothing for the next batch to wait for: its logs and
      // nominations at once.
      if (d.ms > 0 && !solved.launches.empty()) m_solve_end = SolveEnd{now + d, std::move(solved)};
      else out.append(std::move(solved));
    } else {
      out.notes.push_back(Note{"wait", "not synced", "", {}, {}, {}, "cluster state not synced, waiting to provision"});
    }
  }
}

std::optional<SimTime> Provisioner::next_wakeup() const {
  std::optional<SimTime> t;
  if (m_solve_end) t = m_solve_end->at;
  else if (m_batch_start) t = std::min(m_batch_idle_deadline, *m_batch_start + m_shared.cfg.settings.batch_max);
  if (m_next_requeue && (!t || *m_next_requeue < *t)) t = m_next_requeue;
  return t;
}

LaunchNode Provisioner::launch_for(const scheduling::NewNodeClaim& nc, std::string reason) const {
  const NodePoolModel* pm = m_shared.pool(nc.node_pool);
  LaunchNode l;
  l.node_pool = nc.node_pool;
  l.requirements = nc.requirements;
  std::vector<std::string> names;
  std::vector<std::string> capacity_types;
  for (const auto* it : nc.instance_types) {
    names.push_back(it->name);
    for (const auto& o : it->offerings)
      if (o.available && scheduling::offering_compatible(o, nc.requirements) &&
          std::find(capacity_types.begin(), capacity_types.end(), o.capacity_type) == capacity_types.end())
        capacity_types.push_back(o.capacity_type);
  }
  std::sort(capacity_types.begin(), capacity_types.end());
  // ToNodeClaim: instance-type In <options>, capacity-type In <capacity types offered>.
  const Requirement* itr = nc.requirements.get(label::k_instance_type);
  auto min_values = itr ? itr->min_values() : std::nullopt;
  l.requirements.erase(label::k_instance_type);
  l.requirements.add(Requirement(std::string(label::k_instance_type), Operator::in, names, min_values));
  l.requirements.add(Requirement(std::string(label::k_capacity_type), Operator::in, capacity_types));
  l.instance_type_options = names;
  l.requests = nc.requests;
  l.labels = pm->spec.labels;
  l.labels[std::string(m_shared.v1alpha5() ? label::k_provisioner_name : label::k_nodepool)] = nc.node_pool;
  l.taints = pm->spec.taints;
  l.startup_taints = pm->spec.startup_taints;
  scheduling::NewNodeClaim pinned = nc;
  pinned.requirements = l.requirements;
  l.fleet = fleet_request(pinned);
  l.capacity_note = on_demand_reason(nc, l.fleet);
  l.pods = nc.pods;
  l.reason = std::move(reason);
  l.annotations = pm->spec.annotations;
  l.annotations["karpenter.sh/nodepool-hash"] = pm->pool_hash;
  l.annotations["karpenter.k8s.aws/ec2nodeclass-hash"] = pm->class_hash;
  l.termination_grace_period = pm->spec.termination_grace_period;
  return l;
}

Actions Provisioner::provision(const View& view) {
  Actions out;
  m_solve_pods = 0;
  const SimTime now = view.now;
  std::vector<scheduling::SolverPod> pods;
  for (auto pid : view.cluster.pending_pods()) {
    const auto& p = view.cluster.pod(pid);
    if (!p.unschedulable || p.is_daemon() || p.is_mirror()) continue;
    std::string why;
    switch (check_pod(*p.spec, why)) {
      case PodVerdict::opted_out: continue;
      case PodVerdict::restricted:
        out.notes.push_back(Note{"ignored", "invalid pod", "", {}, {}, {p.name}, "ignoring pod " + p.name + ": " + why});
        continue;
      case PodVerdict::ok: break;
    }
    pods.push_back(scheduling::solver_pod(p));
  }
  // Reschedulable pods of nodes marked for deletion are planned too, after the pending ones
  // (StateNodes.Deleting().CurrentlyReschedulablePods).
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    if (!n.marked) continue;
    for (auto pid : n.pods) {
      const auto& p = view.cluster.pod(pid);
      if (!p.is_daemon() && !p.is_mirror()) pods.push_back(scheduling::solver_pod(p));
    }
  }
  if (pods.empty()) return out;

  scheduling::SolverOptions opts = m_inputs.solver_options();
  const std::size_t nodes = view.cluster.node_ids().size();
  if (!m_shared.v1alpha5() && m_shared.timed() && m_shared.model().simulation_per_pod_ns > 0) {
    // provisioner.go Schedule: the solve runs under a 1-minute context deadline (v1; v0.29 has
    // none). Under the model the solve's fixed and per-node cost come first; the pods it reaches
    // in the rest of the minute are the ones it schedules, the others stay pending for the next
    // batch.
    const auto& m = m_shared.model();
    const std::int64_t left = k_solve_timeout.ms * 1'000'000 - m.simulation_ns -
                              m.simulation_per_node_ns * static_cast<std::int64_t>(nodes);
    opts.max_attempts = static_cast<std::size_t>(std::max<std::int64_t>(left / m.simulation_per_pod_ns, 0));
  }
  scheduling::Solver solver(m_inputs.templates(view, out.notes), m_inputs.node_index(view, false), {}, opts);
  std::size_t n_pods = pods.size();
  auto result = solver.solve(std::move(pods));
  m_solve_pods = result.timed_out ? result.attempts : n_pods;
  std::size_t placed = 0;
  for (const auto& [nid, pids] : result.existing) placed += pids.size();
  for (const auto& nc : result.new_claims) placed += nc.pods.size();
  if (result.timed_out)
    out.notes.push_back(Note{"provision", "scheduling timeout", "", {}, {}, {},
                             "scheduling simulation timed out after " + format_duration(k_solve_timeout) + ", reached " +
                                 std::to_string(result.attempts) + " of " + std::to_string(n_pods) +
                                 " pod(s); the rest wait for the next batch"});

  auto pod_names = [&](const std::vector<cluster::PodId>& ids) {
    std::vector<std::string> names;
    for (auto id : ids) names.push_back(view.cluster.pod(id).name);
    std::sort(names.begin(), names.end());
    return names;
  };

  if (!result.new_claims.empty() || !result.existing.empty())
    out.notes.push_back(Note{"provision", "provisionable pods", "", {}, {}, {},
                             "found provisionable pod(s) count=" + std::to_string(n_pods) +
                                 ", computed " + std::to_string(result.new_claims.size()) +
                                 " new nodeclaim(s) to fit pod(s), scheduled " +
                                 std::to_string(placed) + " pod(s)"});

  for (const auto& [nid, pids] : result.existing) {
    m_shared.nominate(nid, now);
    const auto& n = view.cluster.node(nid);
    out.notes.push_back(Note{"nominate", "pods fit existing node", n.node_pool, {n.name}, {n.instance_type},
                             pod_names(pids),
                             "nominated node " + n.name + " for " + std::to_string(pids.size()) + " pod(s)"});
  }

  for (const auto& nc : result.new_claims) {
    LaunchNode l = launch_for(nc, "provisionable pods");
    m_shared.note_new_claim_expiry(now, *m_shared.pool(nc.node_pool));
    const auto& names = l.instance_type_options;
    std::vector<std::string> shown(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(names.size(), 5)));
    out.notes.push_back(Note{"provision", "provisionable pods", nc.node_pool, {}, names, pod_names(nc.pods),
                             "created nodeclaim for " + std::to_string(nc.pods.size()) + " pod(s), nodepool " +
                                 nc.node_pool + ", requests " + to_string(nc.requests) + ", instance-types " +
                                 join(shown) + (names.size() > 5 ? " and " + std::to_string(names.size() - 5) + " other(s)" : "") +
                                 (l.capacity_note.empty() ? "" : "; on-demand: " + l.capacity_note)});
    out.launches.push_back(std::move(l));
  }

  // Unschedulable pods, one note per distinct reason.
  std::map<std::string, std::vector<cluster::PodId>> by_reason;
  for (const auto& [pid, why] : result.errors) by_reason[why].push_back(pid);
  for (const auto& [why, pids] : by_reason)
    out.notes.push_back(Note{"unschedulable", "could not schedule pod", "", {}, {}, pod_names(pids),
                             "could not schedule " + std::to_string(pids.size()) + " pod(s): " + why,
                             "could not schedule pod: " + why});
  return out;
}

}  // namespace capsim::policy::karpenter
