#include "capsim/cluster/cluster_state.hpp"

#include <algorithm>

#include "capsim/core/diagnostic.hpp"

namespace capsim::cluster {

namespace {
bool has_pod_affinity(const PodSchedulingSpec& s) {
  return !s.pod_affinity.empty() || !s.preferred_pod_affinity.empty() || !s.pod_anti_affinity.empty() ||
         !s.preferred_pod_anti_affinity.empty();
}
}  // namespace

PodId ClusterState::add_pod(Pod pod) {
  PodId id;
  if (!m_free_pods.empty()) {
    id = m_free_pods.back();
    m_free_pods.pop_back();
  } else {
    id = static_cast<PodId>(m_pods.size());
    m_pods.emplace_back();
  }
  pod.id = id;
  pod.uid = m_next_uid++;
  pod.node = k_no_node;
  pod.phase = PodPhase::pending;
  std::string key = pod.namespace_ + "/" + pod.name;
  CAPSIM_ASSERT(!m_pod_by_name.count(key), "duplicate pod " + key);
  m_pod_by_name.emplace(std::move(key), id);
  m_pods[id] = std::move(pod);
  m_pending.insert(id);
  m_live_pods.insert(id);
  ++m_generation;
  return id;
}

void ClusterState::bind(PodId id, NodeId node_id, SimTime now) {
  Pod& p = m_pods[id];
  Node& n = m_nodes[node_id];
  CAPSIM_ASSERT(!p.bound(), "pod " + p.name + " already bound");
  p.node = node_id;
  p.phase = PodPhase::running;
  p.bound_at = now;
  p.unschedulable = false;
  n.requested += p.spec->requests;
  n.pods.push_back(id);
  refresh_free(node_id);
  if (!p.is_daemon()) n.last_pod_event_at = now;
  ++n.version;
  if (!p.spec->pod_anti_affinity.empty()) ++m_bound_anti_affinity;
  if (has_pod_affinity(*p.spec)) ++m_bound_affinity;
  ++m_bound_by_priority[p.spec->priority];
  m_pending.erase(id);
  ++m_generation;
}

void ClusterState::unbind(PodId id) {
  Pod& p = m_pods[id];
  if (!p.bound()) return;
  Node& n = m_nodes[p.node];
  n.requested -= p.spec->requests;
  std::erase(n.pods, id);
  refresh_free(p.node);
  ++n.version;
  ++m_capacity_generation;
  if (!p.spec->pod_anti_affinity.empty()) --m_bound_anti_affinity;
  if (has_pod_affinity(*p.spec)) --m_bound_affinity;
  if (auto it = m_bound_by_priority.find(p.spec->priority); --it->second == 0) m_bound_by_priority.erase(it);
  p.node = k_no_node;
  p.phase = PodPhase::pending;
  p.unschedulable = false;
  m_pending.insert(id);
  ++m_generation;
}

void ClusterState::remove_pod(PodId id, SimTime now) {
  Pod& p = m_pods[id];
  if (p.bound()) {
    Node& n = m_nodes[p.node];
    // A terminating pod's event was its deletion (podevents controller: bound, terminal or
    // terminating); it going away later is none.
    if (!p.is_daemon() && !p.terminating) n.last_pod_event_at = now;
    unbind(id);  // bumps the node's version
  }
  m_pending.erase(id);
  m_live_pods.erase(id);
  if (auto it = m_pod_by_name.find(p.namespace_ + "/" + p.name); it != m_pod_by_name.end() && it->second == id)
    m_pod_by_name.erase(it);
  p.phase = PodPhase::deleted;
  p.spec.reset();
  p.labels.clear();
  p.annotations.clear();
  m_free_pods.push_back(id);
  ++m_generation;
}

void ClusterState::mark_terminating(PodId id, SimTime now) {
  Pod& p = m_pods[id];
  CAPSIM_ASSERT(p.bound() && !p.terminating, "pod " + p.name + " cannot start terminating");
  p.terminating = true;
  Node& n = m_nodes[p.node];
  if (!p.is_daemon()) n.last_pod_event_at = now;
  ++n.version;
  if (auto it = m_pod_by_name.find(p.namespace_ + "/" + p.name); it != m_pod_by_name.end() && it->second == id)
    m_pod_by_name.erase(it);
  ++m_generation;
}

NodeId ClusterState::add_node(Node node) {
  auto id = static_cast<NodeId>(m_nodes.size());
  node.id = id;
  CAPSIM_ASSERT(!m_node_by_name.count(node.name), "duplicate node " + node.name);
  m_node_by_name.emplace(node.name, id);
  m_nodes.push_back(std::move(node));
  m_free.emplace_back();
  refresh_free(id);
  m_live_nodes.insert(id);
  m_live_node_ids.insert(std::lower_bound(m_live_node_ids.begin(), m_live_node_ids.end(), id), id);
  ++m_generation;
  ++m_capacity_generation;
  return id;
}

void ClusterState::remove_node(NodeId id, SimTime now) {
  Node& n = m_nodes[id];
  CAPSIM_ASSERT(n.pods.empty(), "node " + n.name + " still has pods");
  n.state = NodeState::terminated;
  n.terminated_at = now;
  ++n.version;
  ++m_capacity_generation;
  m_live_nodes.erase(id);
  m_live_node_ids.erase(std::lower_bound(m_live_node_ids.begin(), m_live_node_ids.end(), id));
  m_node_by_name.erase(n.name);
  ++m_generation;
}

void ClusterState::refresh_free(NodeId id) {
  const Node& n = m_nodes[id];
  const auto left = [&](Resource r) { return n.allocatable.get(r).milli - n.requested.get(r).milli; };
  m_free[id] = Free{left(Resource::cpu), left(Resource::memory), left(Resource::pods)};
}

const Pod* ClusterState::find_pod(const std::string& ns, const std::string& name) const {
  auto it = m_pod_by_name.find(ns + "/" + name);
  return it == m_pod_by_name.end() ? nullptr : &m_pods[it->second];
}

const Node* ClusterState::find_node(const std::string& name) const {
  auto it = m_node_by_name.find(name);
  return it == m_node_by_name.end() ? nullptr : &m_nodes[it->second];
}

}  // namespace capsim::cluster
