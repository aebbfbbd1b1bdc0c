// The disruption queue (queue.hpp).
#include "capsim/policy/karpenter/queue.hpp"

#include <algorithm>

namespace capsim::policy::karpenter {

namespace {

// The command's reason as the sim records it (empty, underutilized, drifted; v0.29's as is).
std::string deletion_reason(const std::string& reason) {
  if (reason == "Empty") return "empty";
  if (reason == "Underutilized") return "underutilized";
  if (reason == "Drifted") return "drifted";
  return reason;
}

}  // namespace

bool CommandQueue::awaiting_deletion(const View& view) {
  std::erase_if(m_awaiting_deletion, [&](cluster::NodeId id) { return !view.cluster.nodes().count(id); });
  return !m_awaiting_deletion.empty();
}

std::string CommandQueue::describe(const View& view, const Command& cmd) const {
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

Actions CommandQueue::start(const View& view, Command cmd) {
  Actions out;
  const std::string reason = deletion_reason(cmd.reason);
  std::vector<std::string> names, types;
  for (auto nid : cmd.candidates) {
    names.push_back(view.cluster.node(nid).name);
    types.push_back(view.cluster.node(nid).instance_type);
  }
  const std::string pool_name = view.cluster.node(cmd.candidates.front()).node_pool;
  // Log wording of each version: v0.29 "deprovisioning via emptiness delete, terminating 1
  // machines ..."; v1 "disrupting nodeclaim(s) via delete, terminating 1 nodes (0 pods) ...".
  std::string msg = m_shared.v1alpha5() ? "deprovisioning via " + std::string(cmd.method->name()) + " " +
                                     describe(view, cmd)
                               : "disrupting nodeclaim(s) via " + describe(view, cmd) + " (reason " + cmd.reason +
                                     ", " + std::string(cmd.method->name()) + ")";
  if (m_shared.v1alpha5()) msg.replace(msg.find(" nodes"), 6, " machines");
  out.notes.push_back(Note{"disrupt", reason, pool_name, names, types, {}, msg});
  if (m_shared.v1alpha5()) m_awaiting_deletion.insert(cmd.candidates.begin(), cmd.candidates.end());
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
    LaunchNode l = m_provisioner.launch_for(nc, "replacement for " + reason + " command");
    l.tag = rc.tag;
    // The replacements are created through the provisioner (queue.go StartCommand ->
    // CreateNodeClaims), which logs "created nodeclaim" with the NodeClaim's instance types.
    m_shared.note_new_claim_expiry(view.now, *m_shared.pool(nc.node_pool));
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

Actions CommandQueue::progress(const View& view) {
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
    const std::string reason = deletion_reason(rc.cmd.reason);
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
