#include "capsim/policy/handover.hpp"

#include <algorithm>

namespace capsim::policy {

Handover::Handover(std::unique_ptr<Autoscaler> before, std::unique_ptr<Autoscaler> after, SimTime at)
    : m_before(std::move(before)), m_after(std::move(after)), m_at(at) {}

void Handover::on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) {
  if (m_switched) m_after->on_pods_unschedulable(pods, now);
  else m_before->on_pods_unschedulable(pods, now);
}

std::optional<SimTime> Handover::next_wakeup() const {
  std::optional<SimTime> t = m_before->next_wakeup();
  auto consider = [&](std::optional<SimTime> x) {
    if (x && (!t || *x < *t)) t = x;
  };
  if (m_switched) consider(m_after->next_wakeup());
  else consider(m_at);
  return t;
}

Actions Handover::reconcile(const View& view) {
  Actions out;
  if (!m_switched && view.now >= m_at) {
    m_switched = true;
    m_before->stop_controller();
    std::vector<cluster::PodId> waiting;
    for (auto pid : view.cluster.pending_pods())
      if (view.cluster.pod(pid).unschedulable) waiting.push_back(pid);
    out.notes.push_back(Note{"handover", std::string(m_after->name()), "", {}, {}, {},
                             "handover: " + std::string(m_before->name()) + " stops deciding, " +
                                 std::string(m_after->name()) + " takes over (" + std::to_string(waiting.size()) +
                                 " unschedulable pod(s))"});
    if (!waiting.empty()) m_after->on_pods_unschedulable(waiting, view.now);
  }
  out.append(m_before->reconcile(view));
  if (m_switched) out.append(m_after->reconcile(view));
  return out;
}

void Handover::on_launch_result(const LaunchNode& request, const std::vector<cloud::FleetOverride>& insufficient,
                                bool launched, SimTime now) {
  // Each launch belongs to the policy that asked for it: node groups to the old autoscaler,
  // NodePools to Karpenter.
  if (!request.node_pool.empty() && m_switched) m_after->on_launch_result(request, insufficient, launched, now);
  else m_before->on_launch_result(request, insufficient, launched, now);
}

Actions Handover::on_spot_interruption(cluster::NodeId node, const View& view) {
  const auto& n = view.cluster.node(node);
  if (m_switched && n.managed()) return m_after->on_spot_interruption(node, view);
  return m_before->on_spot_interruption(node, view);
}

void Handover::on_node_pools_updated(const std::vector<spec::NodePool>& pools, const std::vector<spec::NodeClass>& classes,
                                     SimTime now) {
  m_before->on_node_pools_updated(pools, classes, now);
  m_after->on_node_pools_updated(pools, classes, now);
}

bool Handover::on_node_group_scaled(const std::string& group, int desired, SimTime now) {
  return m_before->on_node_group_scaled(group, desired, now) || m_after->on_node_group_scaled(group, desired, now);
}

const ControllerStats* Handover::controller_stats() const {
  const ControllerStats* a = m_before->controller_stats();
  const ControllerStats* b = m_after->controller_stats();
  if (!a || !b) return a ? a : b;
  m_stats = *a;
  if (b->controller != a->controller) m_stats.controller = a->controller + " then " + b->controller;
  // A run whose second controller is timed reports as timed (the instant one recorded no pass).
  if (m_stats.model == "instant") m_stats.model = b->model;
  m_stats.pass_ms.insert(m_stats.pass_ms.end(), b->pass_ms.begin(), b->pass_ms.end());
  m_stats.evaluated.insert(m_stats.evaluated.end(), b->evaluated.begin(), b->evaluated.end());
  m_stats.single_node_timeouts += b->single_node_timeouts;
  m_stats.multi_node_timeouts += b->multi_node_timeouts;
  m_stats.scale_down_timeouts += b->scale_down_timeouts;
  m_stats.typical_max_ms = std::max(a->typical_max_ms, b->typical_max_ms);
  m_stats.poll_period = std::min(a->poll_period, b->poll_period);
  return &m_stats;
}

}  // namespace capsim::policy
