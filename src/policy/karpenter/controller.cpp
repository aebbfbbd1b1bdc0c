// Karpenter's disruption controller (disruption_controller.hpp): the poll, the method loop, the
// quiet pass, controller time and applying a pass's outcome.
#include "capsim/policy/karpenter/disruption_controller.hpp"

#include <algorithm>

namespace capsim::policy::karpenter {

DisruptionController::DisruptionController(Shared& shared, const SchedulingInputs& inputs, const Provisioner& provisioner)
    : m_shared(shared), m_methods(make_methods(shared)), m_sim(shared, inputs), m_queue(shared, provisioner) {
  m_stats.controller = "disruption";
  m_stats.model = m_shared.model().preset;
  m_stats.poll_period = k_disruption_poll;
}

std::optional<SimTime> DisruptionController::next_wakeup() const {
  std::optional<SimTime> t;
  auto consider = [&](SimTime x) {
    if (!t || x < *t) t = x;
  };
  if (m_pass_end) consider(m_pass_end->at);
  else if (m_validation) consider(m_validation->due);
  if (m_next_command_check) consider(*m_next_command_check);
  if (!m_pass_end) consider(m_next_poll);
  return t;
}

void DisruptionController::reconcile(const View& view, bool synced, Actions& out) {
  const SimTime now = view.now;
  // The queue polls running commands about once a second.
  if (m_next_command_check && now >= *m_next_command_check) out.append(m_queue.progress(view));
  // A singleton: a pass is decided on the state at its start and applied at its end (under
  // instant controller time, the same instant); a validation likewise.
  if (m_pass_end) {
    if (now >= m_pass_end->at) {
      if (m_pass_end->record) record_pass(now);
      PassOutcome o = std::move(m_pass_end->outcome);
      m_pass_end.reset();
      out.append(end_pass(view, std::move(o)));
    }
  } else if (m_validation && now >= m_validation->due) {
    PassOutcome o = finish_validation(view);
    const Duration v = m_pass.elapsed();
    if (v.ms > 0) {
      m_pass_end = PassEnd{now + v, std::move(o), /*record=*/true};
    } else {
      record_pass(now);
      out.append(end_pass(view, std::move(o)));
    }
  } else if (!m_validation && now >= m_next_poll && !synced) {
    // controller.go Reconcile: `if !c.cluster.Synced(ctx)` -> "waiting on cluster sync",
    // RequeueAfter 1 s (a NodeClaim without a provider ID: still launching).
    m_next_poll = now + k_synced_retry;
  } else if (!m_validation && now >= m_next_poll) {
    begin_pass(view);
    PassOutcome o = disrupt(view);
    // A pass that goes on to a validation is recorded when the validation ends.
    const bool record = !(o.command && o.validate);
    const Duration d = price_pass();
    if (d.ms > 0) {
      m_pass_end = PassEnd{now + d, std::move(o), record};
    } else {
      if (record) record_pass(now);
      out.append(end_pass(view, std::move(o)));
    }
  }
  m_next_command_check.reset();
  if (!m_queue.empty()) m_next_command_check = now + k_command_poll;
}

DisruptionController::PassOutcome DisruptionController::disrupt(const View& view) {
  PassOutcome out;
  const SimTime now = view.now;
  // Every method lists its candidates (controller.go disrupt -> GetCandidates) before it looks
  // at them, whether or not it then finds itself consolidated.
  auto list = [&] { m_pass.work.listing(m_pass.nodes); };
  if (m_shared.v1alpha5()) {
    // v0.29 executes a command synchronously: replacements launched and initialized, candidates
    // deleted, and the loop waits until they are gone (waitForDeletion).
    if (!m_queue.empty() || m_queue.awaiting_deletion(view)) return out;
  } else if (!m_shared.cfg.exact && m_quiet && m_quiet->generation == view.cluster.generation() &&
             m_quiet->state_version == m_shared.state_version && m_quiet->nominations == m_shared.nominations &&
             m_quiet->drifted == m_shared.drifted.size()) {
    if (!m_quiet->until) m_quiet->until = quiet_until(view, m_quiet->at);
    if (*m_quiet->until && now < **m_quiet->until) {
      // The pass this stands for lists the candidates of its methods and finds every
      // consolidation method consolidated.
      for (std::size_t i = 0; i < m_methods.size(); ++i) list();
      return out;
    }
  }
  m_quiet.reset();
  bool timed_out = false;
  // controller.go disrupt: the methods in order; the first that returns a command ends the pass.
  for (auto& method : m_methods) {
    list();
    std::vector<Candidate> cands = candidates(view, *method);
    if (cands.empty()) continue;
    MethodInput in{view, std::move(cands), budgets(m_shared, view, method->reason()), {}, m_sim, m_pass, m_events};
    if (method->consolidation_state()) in.consolidation_key = consolidation_key(view, in.candidates, in.budgets);
    MethodResult r = method->compute_command(in);
    out.notes.insert(out.notes.end(), std::make_move_iterator(r.notes.begin()), std::make_move_iterator(r.notes.end()));
    // consolidation.go computeConsolidation publishes an Unconsolidatable event for a single
    // candidate that cannot be consolidated; the recorder keeps one per node per 15 minutes.
    for (const auto& [nid, why] : r.unconsolidatable) {
      m_events.published(nid, now);
      const auto& n = view.cluster.node(nid);
      out.notes.push_back(Note{"disrupt", "unconsolidatable", n.node_pool, {n.name}, {n.instance_type}, {},
                               "node " + n.name + " is unconsolidatable: " + why});
    }
    if (r.command) {
      out.command = std::move(r.command);
      out.validate = r.validate;
      return out;
    }
    timed_out = timed_out || r.timed_out;
  }
  if (!m_shared.v1alpha5() && !m_shared.cfg.exact && out.notes.empty() && !timed_out)
    m_quiet = QuietPass{view.cluster.generation(), m_shared.state_version, m_shared.nominations, m_shared.drifted.size(), now,
                        std::nullopt};
  return out;
}

Actions DisruptionController::end_pass(const View& view, PassOutcome o) {
  Actions out;
  out.notes = std::move(o.notes);
  if (!o.command) {
    // controller.go: RequeueAfter pollingPeriod when every method did nothing; at once after a
    // validation (the pass goes on with the next method upstream; here the next pass does).
    m_next_poll = o.requeue ? view.now : view.now + k_disruption_poll;
    return out;
  }
  Command cmd = std::move(*o.command);
  if (m_shared.timed()) {
    // Decided on the state at the pass's start: a candidate that went away or was taken by
    // another command (expiration, interruption) meanwhile makes the queue refuse the command
    // (queue.go StartCommand).
    for (auto nid : cmd.candidates)
      if (!view.cluster.nodes().count(nid) || view.cluster.node(nid).marked_for_deletion()) {
        out.notes.push_back(Note{"disrupt", "command abandoned", "", {}, {}, {},
                                 "abandoning " + std::string(cmd.method->name()) +
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
  out.append(m_queue.start(view, std::move(cmd)));
  m_next_poll = view.now;  // immediate requeue; the next pass sees the change
  return out;
}

// What a pass reads that changes with time alone: each node's consolidateAfter window (the
// candidates of every method and the memo's window marks), nominations and do-not-disrupt
// durations running out, and ConsolidationState's forced re-check 5 minutes after the last
// change. Budgets with a schedule open and close with time too: no quiet pass with them. The
// first such time after `after`, the quiet pass; the cluster is as it was then.
std::optional<SimTime> DisruptionController::quiet_until(const View& view, SimTime after) const {
  for (const auto& p : m_shared.pools)
    for (const auto& b : p.spec.budgets)
      if (b.schedule) return std::nullopt;
  SimTime until{INT64_MAX};
  auto upcoming = [&](SimTime t) {
    if (t > after && t < until) until = t;
  };
  upcoming(m_state_change_at + k_consolidation_state_recheck);
  for (const auto& [nid, t] : m_shared.nominated_until) upcoming(t);
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    if (!n.managed()) continue;
    const NodePoolModel* p = m_shared.pool(n.node_pool);
    if (p && p->spec.consolidate_after && n.initialized())
      upcoming(std::max(n.last_pod_event_at, n.initialized_at) + *p->spec.consolidate_after);
    if (const auto& dnd = pod_summary(view, n).do_not_disrupt_until) upcoming(*dnd);
  }
  return until;
}

void DisruptionController::begin_pass(const View& view) {
  m_pass = Pass{};
  m_pass.start = view.now;
  m_pass.model = &m_shared.model();
  m_pass.timeouts = m_shared.timed() && !m_shared.v1alpha5();
  m_sim.begin_pass();
  count_pass_inputs(view);
}

void DisruptionController::count_pass_inputs(const View& view) {
  m_pass.nodes = view.cluster.node_ids().size();
  m_pass.pending = 0;
  for (auto pid : view.cluster.pending_pods()) {
    const auto& p = view.cluster.pod(pid);
    if (p.unschedulable && reschedulable(p)) ++m_pass.pending;
  }
}

Duration DisruptionController::price_pass() {
  m_stats.observe_typical(m_pass.work);
  return m_pass.elapsed();
}

void DisruptionController::record_pass(SimTime end) {
  if (!m_shared.timed()) return;
  m_stats.pass_ms.push_back((end - m_pass.start).ms);
  m_stats.evaluated.push_back(static_cast<std::int64_t>(m_pass.evaluated));
  m_stats.single_node_timeouts += m_pass.single_node_timeouts;
  m_stats.multi_node_timeouts += m_pass.multi_node_timeouts;
}

}  // namespace capsim::policy::karpenter
