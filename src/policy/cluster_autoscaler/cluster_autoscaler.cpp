// The Cluster Autoscaler loop: wiring of scale-up, scale-down, cluster state (upcoming nodes,
// scale-up requests, timeouts, backoff), deletion actuation and the ASG's launches.
#include "capsim/policy/cluster_autoscaler/cluster_autoscaler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "capsim/core/diagnostic.hpp"

namespace capsim::policy::cluster_autoscaler {

namespace {

const Taint k_to_be_deleted{std::string(k_to_be_deleted_taint), "", TaintEffect::no_schedule};
const Taint k_not_ready{"node.kubernetes.io/not-ready", "", TaintEffect::no_schedule};

bool has_taint_key(const cluster::Node& n, std::string_view key) {
  return std::any_of(n.taints.begin(), n.taints.end(), [&](const Taint& t) { return t.key == key; });
}

std::string fmt2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

bool requests_gpu(const cluster::PodSchedulingSpec& s) { return s.requests.get(Resource::nvidia_gpu).milli > 0; }

// Nodes that exist at the start have been Ready for long.
bool preexisting(const cluster::Node& n) { return n.created_at == SimTime{0} && n.initialized_at == SimTime{0}; }

}  // namespace

Config make_config(const spec::Scenario& sc, std::shared_ptr<const catalog::Catalog> cat,
                   const std::vector<std::string>& zones, const std::vector<catalog::InstanceType>* fake_types) {
  Config c;
  c.settings = sc.cluster_autoscaler;
  c.catalog = std::move(cat);
  c.region = sc.region;
  c.zones = zones;
  c.node_groups = build_node_groups(sc, *c.catalog, zones, fake_types);
  c.pdbs = sc.pdbs;
  c.seed = sc.seed;
  return c;
}

ClusterAutoscaler::ClusterAutoscaler(Config cfg)
    : m_cfg(std::move(cfg)),
      m_backoff(m_cfg.settings.initial_node_group_backoff_duration, m_cfg.settings.max_node_group_backoff_duration,
                m_cfg.settings.node_group_backoff_reset_timeout),
      m_expander(m_cfg.settings.effective_expander(), m_cfg.settings.priorities, m_cfg.seed) {
  CAPSIM_ASSERT(m_cfg.catalog != nullptr, "cluster-autoscaler needs a catalog");
  m_stats.controller = "loop";
  m_stats.model = model().preset;
  m_stats.poll_period = m_cfg.settings.scan_interval;
  for (std::size_t i = 0; i < m_cfg.node_groups.size(); ++i) m_index[m_cfg.node_groups[i].name()] = i;
  m_state.resize(m_cfg.node_groups.size());
  // The hypothetical price expander's PodPrice rates: an m5.large's on-demand price split between
  // 2 vCPU and 8 GiB in the proportions of GCE's per-CPU and per-GiB list prices (0.033174 and
  // 0.004446 $/h, cloudprovider/gce/gce_price_model.go).
  constexpr double k_cpu = 0.033174, k_gib = 0.004446;
  if (auto p = m_cfg.catalog->on_demand_price(m_cfg.region, "m5.large")) {
    m_price.cpu_usd_per_hour = p->usd() * k_cpu / (2 * k_cpu + 8 * k_gib);
    m_price.memory_usd_per_gib_hour = m_price.cpu_usd_per_hour * k_gib / k_cpu;
  } else {
    m_price.cpu_usd_per_hour = k_cpu;
    m_price.memory_usd_per_gib_hour = k_gib;
  }
}

std::size_t ClusterAutoscaler::group_index(const std::string& name) const {
  auto it = m_index.find(name);
  return it == m_index.end() ? SIZE_MAX : it->second;
}

ClusterAutoscaler::NodeCache& ClusterAutoscaler::new_node_cache(const cluster::Node& n) {
  if (n.id >= m_node_cache.size()) m_node_cache.resize(n.id + 1);
  NodeCache& c = m_node_cache[n.id];
  c.known = true;
  c.group = group_index(n.node_group);
  return c;
}

void ClusterAutoscaler::index_groups(const View& view) {
  if (m_indexed_generation == view.cluster.generation()) return;
  m_indexed_generation = view.cluster.generation();
  m_group_nodes.resize(m_cfg.node_groups.size());
  for (auto& nodes : m_group_nodes) nodes.clear();  // keeps their storage: this runs every reconcile
  for (auto nid : view.cluster.node_ids()) {
    const std::size_t g = node_cache(view.cluster.node(nid)).group;
    if (g != SIZE_MAX) m_group_nodes[g].push_back(nid);
  }
}

int ClusterAutoscaler::target_size(const std::string& group) const {
  auto i = group_index(group);
  return i == SIZE_MAX ? -1 : m_cfg.node_groups[i].target_size;
}

std::optional<SimTime> ClusterAutoscaler::unneeded_since(cluster::NodeId node) const {
  auto it = m_unneeded.find(node);
  if (it == m_unneeded.end()) return std::nullopt;
  return it->second.since;
}

void ClusterAutoscaler::note(Actions& out, std::string kind, std::string reason, std::string group,
                             std::vector<std::string> nodes, std::vector<std::string> pods, std::string message) const {
  Note n;
  n.kind = std::move(kind);
  n.reason = std::move(reason);
  n.node_pool = std::move(group);
  n.nodes = std::move(nodes);
  n.pods = std::move(pods);
  n.message = std::move(message);
  if (!n.node_pool.empty()) {
    auto i = group_index(n.node_pool);
    if (i != SIZE_MAX)
      for (const auto& it : m_cfg.node_groups[i].instance_types) n.instance_types.push_back(it.name);
  }
  out.notes.push_back(std::move(n));
}

// loop/trigger.go: a pod that turned unschedulable wakes an idle CA at once.
void ClusterAutoscaler::on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) {
  if (pods.empty()) return;
  m_quiet.reset();
  if (m_loop_end) m_loop_end->next = m_loop_end->at;  // the trigger waits for the loop under way
  if (m_next_loop > now && !m_stopped) m_next_loop = now;
}

std::optional<SimTime> ClusterAutoscaler::next_wakeup() const {
  SimTime t = m_loop_end ? m_loop_end->at : m_next_loop;
  for (const auto& d : m_deletions)
    if (!d.issued && d.due < t) t = d.due;
  return t;
}

void ClusterAutoscaler::on_launch_result(const LaunchNode& request, const std::vector<cloud::FleetOverride>& insufficient,
                                         bool launched, SimTime now) {
  (void)insufficient, (void)now;
  if (launched) return;
  m_quiet.reset();
  // The ASG's scaling activity failed; CA sees it at its next AWS refresh.
  auto i = group_index(request.node_group);
  if (i != SIZE_MAX) ++m_state[i].failed_unnoticed;
}

ClusterAutoscaler::Readiness ClusterAutoscaler::readiness(const cluster::Node& n, SimTime now) const {
  switch (n.state) {
    case cluster::NodeState::launching:
    case cluster::NodeState::launched:
      return now - n.created_at > m_cfg.settings.max_node_provision_time ? Readiness::long_unregistered
                                                                          : Readiness::unregistered;
    case cluster::NodeState::registered:
      return now - n.created_at < k_max_node_startup_time ? Readiness::not_started : Readiness::unready;
    case cluster::NodeState::ready: return Readiness::ready;
    case cluster::NodeState::deleting:
    case cluster::NodeState::terminated: return Readiness::deleting;
  }
  return Readiness::deleting;
}

// clusterstate.go, for a group with an active scale-up request that is not backed off:
// GetUpcomingNodes (nodes injected into the snapshot) = target - (ready + unready + long
// unregistered); areThereUpcomingNodesInNodeGroup (the request is still open) = target -
// (registered - not started), where long-unregistered instances are still missing. Nodes CA has
// tainted for deletion but not yet deleted still count as registered.
int ClusterAutoscaler::upcoming(std::size_t g, const View& view, bool for_request) const {
  const auto& ng = m_cfg.node_groups[g];
  if (!m_state[g].request || m_backoff.backed_off(ng.name(), view.now)) return 0;
  int provisioned = 0;
  for (auto nid : m_group_nodes[g]) {
    const auto& n = view.cluster.node(nid);
    switch (readiness(n, view.now)) {
      case Readiness::ready:
      case Readiness::unready: ++provisioned; break;
      case Readiness::long_unregistered:
        if (!for_request) ++provisioned;
        break;
      default: break;
    }
  }
  return std::max(0, ng.target_size - provisioned);
}

// mixed_nodeinfos_processor.go: a real node Ready for more than a minute, schedulable and not
// being deleted (cached for ever); else the cached one; else the cloud template; else any real
// node of the group.
std::shared_ptr<const TemplateNode> ClusterAutoscaler::group_template(std::size_t g, const View& view) {
  const auto& ng = m_cfg.node_groups[g];
  const cluster::Node* fallback = nullptr;
  for (auto nid : m_group_nodes[g]) {
    const auto& n = view.cluster.node(nid);
    if (n.state == cluster::NodeState::deleting) continue;
    if (n.state == cluster::NodeState::registered && !fallback) fallback = &n;
    if (n.state != cluster::NodeState::ready) continue;
    const bool stable = preexisting(n) || n.initialized_at + k_template_ready_stability < view.now;
    if (!stable || n.unschedulable || n.marked || has_taint_key(n, k_to_be_deleted_taint)) {
      if (!fallback) fallback = &n;
      continue;
    }
    GroupState::Source src;
    src.node = nid;
    for (auto pid : n.pods)
      if (view.cluster.pod(pid).is_daemon() || view.cluster.pod(pid).is_mirror()) src.daemon_pods.push_back(view.cluster.pod(pid).uid);
    GroupState& st = m_state[g];
    // Cheap fields first: most loops find the same node with the same DaemonSet pods.
    if (st.cached_template && st.template_source.node == nid && st.template_source.daemon_pods == src.daemon_pods &&
        st.template_source.labels == n.labels && st.template_source.taints == n.taints &&
        st.template_source.capacity == n.capacity && st.template_source.allocatable == n.allocatable)
      return st.cached_template;
    src.labels = n.labels;
    src.taints = n.taints;
    src.capacity = n.capacity;
    src.allocatable = n.allocatable;
    st.template_source = std::move(src);
    st.cached_template = node_template_from(n, view.cluster);
    m_loop_changed = true;
    return st.cached_template;
  }
  if (m_state[g].cached_template) return m_state[g].cached_template;
  if (auto t = cloud_template(ng, m_cfg.region, view.daemonsets)) return t;
  if (fallback) return node_template_from(*fallback, view.cluster);
  return nullptr;
}

DrainOptions ClusterAutoscaler::drain_options() const {
  const auto& s = m_cfg.settings;
  DrainOptions drain;
  drain.skip_nodes_with_local_storage = s.skip_nodes_with_local_storage;
  drain.skip_nodes_with_system_pods = s.skip_nodes_with_system_pods;
  if (s.minor() < 33) drain.blocking_system_pod_timeout.reset();
  return drain;
}

bool ClusterAutoscaler::in_cooldown(SimTime now) const {
  const auto& s = m_cfg.settings;
  if (m_last_scale_up && *m_last_scale_up + s.scale_down_delay_after_add > now) return true;
  if (m_last_scale_down_fail && *m_last_scale_down_fail + s.scale_down_delay_after_failure > now) return true;
  if (m_last_scale_down_delete && *m_last_scale_down_delete + s.scale_down_delay_after_delete > now) return true;
  return false;
}

Actions ClusterAutoscaler::reconcile(const View& view) {
  Actions out;
  m_deleted_this_call.clear();
  index_groups(view);
  if (!m_started) {
    m_started = true;
    const auto chain = m_cfg.settings.effective_expander();
    if (std::find(chain.begin(), chain.end(), "price") != chain.end())
      note(out, "config", "hypothetical-price-expander", "", {}, {},
           "expander price is HYPOTHETICAL on AWS: Cluster Autoscaler refuses it (the AWS provider's Pricing() is not "
           "implemented and the expander factory exits at start-up); capsim runs it with catalog prices (node: the "
           "cheapest offering of the group's type; pods: $" +
               fmt2(m_price.cpu_usd_per_hour) + "/vCPU-hour, $" + fmt2(m_price.memory_usd_per_gib_hour) +
               "/GiB-hour)");
  }
  progress_deletions(view, out);
  // A loop that ends here hands its effects to the sim first; a loop due at once then runs at the
  // same instant on the cluster with them applied (next_wakeup).
  if (m_loop_end && view.now >= m_loop_end->at) finish_loop(out);
  else if (!m_stopped && !m_loop_end && view.now >= m_next_loop) loop(view, out);
  // Stopped (handover): no more loops; the ASG model below still runs each scan interval.
  if (m_stopped && view.now >= m_next_loop) m_next_loop = view.now + m_cfg.settings.scan_interval;
  asg_reconcile(view, out);
  return out;
}

void ClusterAutoscaler::loop(const View& view, Actions& out) {
  const SimTime now = view.now;
  const std::size_t deletions_before = m_deletions.size();
  m_work = PassWork{};
  m_loop_timeouts = 0;
  m_loop_increases.clear();
  Actions loop_out;
  if (repeats_quiet_loop(view)) {
    ++m_quiet_loops;
    schedule_next(now, begin_loop(now, loop_out));
    m_work = m_quiet_work;  // the same cluster, so the same snapshot and simulations
  } else {
    run_loop(view, loop_out);
    record_quiet_loop(view, loop_out);
    if (m_quiet && m_quiet->at == now) m_quiet_work = m_work;
  }
  m_stats.observe_typical(m_work);
  const Duration d = m_work.elapsed(model());
  if (d.ms == 0) {
    if (timed()) {
      m_stats.pass_ms.push_back(0);
      m_stats.evaluated.push_back(m_work.removals);
      m_stats.scale_down_timeouts += m_loop_timeouts;
    }
    out.append(std::move(loop_out));
    return;
  }
  LoopEnd e;
  e.start = now;
  e.at = now + d;
  e.next = m_next_loop == now ? e.at : e.at + m_cfg.settings.scan_interval;
  e.actions = std::move(loop_out);
  e.evaluated = m_work.removals;
  e.timeouts = m_loop_timeouts;
  // The ASG hears of the scale-ups when the loop ends; the deletions it started begin then.
  for (const auto& [g, delta] : m_loop_increases) {
    m_cfg.node_groups[g].target_size -= delta;
    e.increases.emplace_back(g, delta);
  }
  for (std::size_t i = deletions_before; i < m_deletions.size(); ++i) {
    m_deletions[i].started = m_deletions[i].started + d;
    m_deletions[i].due = m_deletions[i].due + d;
  }
  m_loop_end = std::move(e);
}

void ClusterAutoscaler::finish_loop(Actions& out) {
  LoopEnd e = std::move(*m_loop_end);
  m_loop_end.reset();
  for (const auto& [g, delta] : e.increases) m_cfg.node_groups[g].target_size += delta;
  out.append(std::move(e.actions));
  m_next_loop = e.next;
  m_stats.pass_ms.push_back((e.at - e.start).ms);
  m_stats.evaluated.push_back(e.evaluated);
  m_stats.scale_down_timeouts += e.timeouts;
}

bool ClusterAutoscaler::on_node_group_scaled(const std::string& group, int desired, SimTime now) {
  (void)now;
  const std::size_t g = group_index(group);
  if (g == SIZE_MAX) return false;
  auto& ng = m_cfg.node_groups[g];
  // SetDesiredCapacity outside [min, max] is refused by AWS; capsim lowers/raises the bound with
  // it, as a user editing the ASG would.
  ng.min_size = std::min(ng.min_size, desired);
  ng.max_size = std::max(ng.max_size, desired);
  ng.target_size = desired;
  m_user_scaled.insert(group);
  m_quiet.reset();
  return true;
}

// aws_manager.go Refresh (at most every 60 s): a failed scaling activity turns the group's
// missing instances into creation errors (OutOfResources): the scale-up request shrinks, the
// group is backed off and the placeholders are deleted (desired capacity drops).
void ClusterAutoscaler::aws_refresh(SimTime now, Actions& out) {
  m_last_refresh = now;
  for (std::size_t g = 0; g < m_state.size(); ++g) {
    GroupState& st = m_state[g];
    if (st.failed_unnoticed == 0) continue;
    auto& ng = m_cfg.node_groups[g];
    const int failed = st.failed_unnoticed;
    st.failed_unnoticed = 0;
    ng.target_size = std::max(0, ng.target_size - failed);
    if (st.request) {
      st.request->increase -= failed;
      if (st.request->increase <= 0) st.request.reset();
    }
    const SimTime until = m_backoff.backoff(ng.name(), now);
    note(out, "backoff", "OutOfResources", ng.name(), {}, {},
         "failed scale-up of node group " + ng.name() + ": scaling activity failed for " + std::to_string(failed) +
             " instance(s) (InsufficientInstanceCapacity); desired capacity back to " + std::to_string(ng.target_size) +
             ", node group backed off until t=" + format_clock(until));
  }
}

int ClusterAutoscaler::begin_loop(SimTime now, Actions& out) {
  const int loop = m_loop++;
  if (m_prev_loop_start && now > *m_prev_loop_start) {
    const Duration d = now - *m_prev_loop_start;
    if (m_min_loop_interval.ms == 0 || d < m_min_loop_interval) {
      m_min_loop_interval = d;
      m_loop_changed = true;
    }
  }
  m_prev_loop_start = now;
  m_backoff.remove_stale(now);
  if (!m_last_refresh || now - *m_last_refresh >= k_aws_refresh_interval) aws_refresh(now, out);
  return loop;
}

void ClusterAutoscaler::schedule_next(SimTime now, int loop) {
  // loop/trigger.go with frequent loops: run again at once after a loop that scaled up or
  // started deletions (and after the next one); otherwise wait a scan interval.
  m_next_loop = m_last_action_loop >= loop - 1 ? now : now + m_cfg.settings.scan_interval;
}

void ClusterAutoscaler::run_loop(const View& view, Actions& out) {
  const SimTime now = view.now;
  const auto& s = m_cfg.settings;
  m_loop_changed = false;
  const std::size_t ring = m_snap.ring_position();
  const int loop = begin_loop(now, out);

  // Node readiness and cluster health (clusterstate.go IsClusterHealthy: unready registered
  // nodes against ok-total-unready-count and max-total-unready-percentage of registered nodes).
  int ready = 0, unready = 0, not_started = 0;
  for (auto nid : view.cluster.node_ids()) {
    switch (readiness(view.cluster.node(nid), now)) {
      case Readiness::ready: ++ready; break;
      case Readiness::unready: ++unready; break;
      case Readiness::not_started: ++not_started; break;
      default: break;
    }
  }
  const int all = ready + unready + not_started;
  if (unready > s.ok_total_unready_count && unready * 100 > s.max_total_unready_percentage * all) {
    // static_autoscaler.go: an unhealthy cluster is left alone; unneeded timers are forgotten.
    m_unneeded.clear();
    if (!m_unhealthy_reported)
      note(out, "unhealthy", "ClusterUnhealthy", "", {}, {},
           "cluster is unhealthy (" + std::to_string(unready) + " of " + std::to_string(all) +
               " nodes unready): no scaling");
    m_unhealthy_reported = true;
    schedule_next(now, loop);
    return;
  }
  if (m_unhealthy_reported) m_loop_changed = true;
  m_unhealthy_reported = false;

  // Scale-up requests: success when nothing is upcoming, failure at the deadline.
  for (std::size_t g = 0; g < m_state.size(); ++g) {
    GroupState& st = m_state[g];
    if (!st.request) continue;
    auto& ng = m_cfg.node_groups[g];
    const int up = upcoming(g, view, true);
    m_loop_changed = true;
    if (up <= 0) {
      st.request.reset();
      continue;
    }
    if (st.request->deadline < now) {
      const SimTime until = m_backoff.backoff(ng.name(), now);
      ng.target_size = std::max(0, ng.target_size - up);
      note(out, "backoff", "timeout", ng.name(), {}, {},
           "failed scale-up of node group " + ng.name() + ": " + std::to_string(up) +
               " node(s) not registered within max-node-provision-time " + format_duration(s.max_node_provision_time) +
               "; desired capacity back to " + std::to_string(ng.target_size) + ", backed off until t=" +
               format_clock(until));
      st.request.reset();
    }
  }

  // Templates and upcoming nodes.
  std::vector<std::shared_ptr<const TemplateNode>> templates(m_state.size());
  std::vector<int> upcoming_count(m_state.size(), 0);
  for (std::size_t g = 0; g < m_state.size(); ++g) {
    templates[g] = group_template(g, view);
    upcoming_count[g] = upcoming(g, view, false);
  }

  // The snapshot: registered nodes (not being deleted) with their non-expendable pods; the
  // not-yet-started nodes of groups with upcoming nodes are replaced by template copies.
  // The snapshot object is kept between loops: a position still holding the same node at the
  // same version, unready state alike and not edited by the last loop, is not copied again.
  scheduling::ClusterSnapshot& snap = m_snap;
  snap.begin_refill();
  std::size_t filled = 0;
  bool any_anti_affinity = false;
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    const Readiness r = readiness(n, now);
    if (r == Readiness::unregistered || r == Readiness::long_unregistered || r == Readiness::deleting) continue;
    if (r == Readiness::not_started) {
      auto g = node_cache(n).group;
      if (g != SIZE_MAX && upcoming_count[g] > 0) continue;
    }
    NodeCache& c = node_cache(n);
    if (c.version != n.version) {
      scheduling::SnapshotNode& sn = c.node;
      sn.name = n.name;
      sn.id = nid;
      sn.node_group = n.node_group;
      sn.taints = n.taints;
      sn.unschedulable = n.unschedulable;
      sn.capacity = n.capacity;
      sn.allocatable = n.allocatable;
      sn.requested = ResourceList{};
      sn.pods.clear();
      c.anti_affinity = false;
      c.has_pod_to_move = false;
      for (auto pid : n.pods) {
        const auto& p = view.cluster.pod(pid);
        if (p.spec->priority < s.expendable_pods_priority_cutoff) continue;
        scheduling::SnapshotPod sp{pid, p.uid, p.spec.get(), &p.labels, p.namespace_, p.is_daemon(), p.is_mirror()};
        sn.requested += p.spec->requests;
        sn.pods.push_back(sp);
        if (!p.spec->pod_anti_affinity.empty()) c.anti_affinity = true;
        if (!p.is_mirror() && !p.is_daemon() && p.phase != cluster::PodPhase::succeeded) c.has_pod_to_move = true;
      }
      c.version = n.version;
      c.utilization.reset();
    }
    const SnapKey key{nid, n.version, r != Readiness::ready};
    if (m_snap_keys.size() <= filled) m_snap_keys.resize(filled + 1);
    const bool keep = m_snap_keys[filled] == key && !snap.changed(filled);
    scheduling::SnapshotNode& sn = snap.refill(filled);
    if (!keep) {
      sn = c.node;
      if (key.unready) sn.taints.push_back(k_not_ready);
      m_snap_keys[filled] = key;
    }
    sn.labels = scheduling::SnapshotLabels::borrow(n.labels);  // node storage may have moved since
    any_anti_affinity = any_anti_affinity || c.anti_affinity;
    ++filled;
  }
  snap.end_refill(filled, any_anti_affinity);
  m_work.snapshot(filled);
  m_snap_keys.resize(filled);
  for (std::size_t g = 0; g < m_state.size(); ++g)
    if (templates[g])
      for (int k = 0; k < upcoming_count[g]; ++k)
        snap.add_node(template_copy(*templates[g], "template-node-for-" + m_cfg.node_groups[g].name() + "-upcoming-" +
                                                       std::to_string(k)));

  // Pending pods: marked unschedulable by the scheduler, not expendable, not DaemonSet pods.
  std::vector<cluster::PodId> pending_ids;
  for (auto pid : view.cluster.pending_pods()) {
    const auto& p = view.cluster.pod(pid);
    if (!p.unschedulable || p.is_daemon() || p.spec->priority < s.expendable_pods_priority_cutoff) continue;
    pending_ids.push_back(pid);
  }
  std::sort(pending_ids.begin(), pending_ids.end(), [&](cluster::PodId a, cluster::PodId b) {
    return view.cluster.pod(a).uid < view.cluster.pod(b).uid;
  });
  {
    std::set<std::uint64_t> live;
    for (auto pid : pending_ids) live.insert(view.cluster.pod(pid).uid);
    if (std::erase_if(m_reported_pods, [&](std::uint64_t uid) { return !live.count(uid); }) > 0) m_loop_changed = true;
  }
  std::vector<PendingPod> pending;
  for (auto pid : pending_ids) {
    const auto& p = view.cluster.pod(pid);
    PendingPod pp;
    pp.pod = scheduling::SnapshotPod{pid, p.uid, p.spec.get(), &p.labels, p.namespace_, false, false};
    pp.name = p.namespace_ + "/" + p.name;
    pp.owner_kind = p.owner.kind;
    pp.owner_name = p.owner.name;
    pp.created = p.created;
    pending.push_back(std::move(pp));
  }
  std::vector<std::size_t> left = filter_out_schedulable(snap, pending, &m_filter_hints);
  m_work.binpacking(pending.size());  // each pending pod checked against the snapshot
  if (!m_filter_hints.last_round_repeated()) m_loop_changed = true;
  // --new-pod-scale-up-delay (and the per-pod annotation, which can only lengthen it).
  std::erase_if(left, [&](std::size_t i) {
    Duration delay = s.new_pod_scale_up_delay;
    const auto& p = view.cluster.pod(pending[i].pod.id);
    auto a = p.annotations.find("cluster-autoscaler.kubernetes.io/pod-scale-up-delay");
    if (a != p.annotations.end())
      if (auto d = parse_duration(a->second); d && *d > delay) delay = *d;
    return now - pending[i].created < delay;
  });
  std::sort(left.begin(), left.end());

  bool scale_down_disabled_for_loop = false;
  if (!left.empty()) {
    std::optional<SimTime> oldest, oldest_gpu;
    for (auto i : left) {
      if (!oldest || pending[i].created < *oldest) oldest = pending[i].created;
      if (requests_gpu(*pending[i].pod.spec) && (!oldest_gpu || pending[i].created < *oldest_gpu))
        oldest_gpu = pending[i].created;
    }
    const bool too_new = *oldest + k_unschedulable_pod_time_buffer > now ||
                         (oldest_gpu && *oldest_gpu + k_unschedulable_gpu_pod_time_buffer > now);
    if (s.max_nodes_total > 0 && ready >= s.max_nodes_total) {
      // "max total nodes reached": no scale-up at all.
    } else if (too_new) {
      // static_autoscaler.go allPodsAreNew: more pods are probably coming; no real scale-down either.
      scale_down_disabled_for_loop = true;
    } else {
      std::vector<ScaleUpNodeGroup> groups;
      for (std::size_t g = 0; g < m_state.size(); ++g) {
        const auto& ng = m_cfg.node_groups[g];
        ScaleUpNodeGroup sg;
        sg.name = ng.name();
        sg.target_size = ng.target_size;
        sg.max_size = ng.max_size;
        sg.node_template = templates[g] ? &templates[g]->node : nullptr;
        sg.backed_off = m_backoff.backed_off(ng.name(), now);
        sg.healthy = group_healthy(g, view);
        groups.push_back(std::move(sg));
      }
      ScaleUpLimits limits;
      limits.max_nodes_total = s.max_nodes_total;
      limits.max_nodes_per_scaleup = s.max_nodes_per_scaleup;
      limits.cores_max = s.cores_total_max;
      limits.memory_max_bytes = s.memory_total_max_gib * 1024LL * 1024 * 1024;
      limits.balance_similar_node_groups = s.balance_similar_node_groups;
      if (timed() && model().binpack_per_pod_ns > 0) {
        const std::int64_t per_pod = model().binpack_per_pod_ns;
        limits.group_pod_budget = static_cast<std::size_t>(s.max_node_group_binpacking_duration.ms * 1'000'000 / per_pod);
        limits.total_pod_budget = static_cast<std::size_t>(s.max_binpacking_time.ms * 1'000'000 / per_pod);
      }
      PriceContext price = m_price;
      price.cluster_nodes = static_cast<int>(view.cluster.node_count());
      const auto chooser = [&](const std::vector<ExpansionOption>& opts) -> std::optional<std::size_t> {
        std::vector<ExpansionOption> o = opts;
        for (auto& x : o) x.node_price = node_group_price(m_cfg.node_groups[group_index(x.node_group)]);
        return m_expander.choose(o, price);
      };
      ScaleUpResult r = compute_scale_up(snap, pending, left, groups, limits, chooser);
      for (const auto& o : r.options) m_work.binpacking(static_cast<std::size_t>(o.pod_count));
      // threshold_based_limiter.go and processors/binpacking/time_limiter.go log lines.
      for (auto g : r.capped)
        note(out, "scale-up", "BinpackingDurationCapped", groups[g].name, {}, {},
             "Capping binpacking after exceeding max duration of " + format_duration(s.max_node_group_binpacking_duration));
      if (r.binpacking_cut)
        note(out, "scale-up", "BinpackingTimeCut", "", {}, {},
             "Binpacking is cut short due to maxBinpackingDuration reached (" + format_duration(s.max_binpacking_time) +
                 "); using the " + std::to_string(r.options.size()) + " option(s) computed so far");
      std::vector<std::string> fresh;  // pods reported for the first time
      std::string text;
      for (const auto& [i, why] : r.pod_reasons) {
        if (!m_reported_pods.insert(pending[i].pod.uid).second) continue;
        if (fresh.empty()) text = why;
        fresh.push_back(pending[i].name);
      }
      if (!fresh.empty()) {
        note(out, "unschedulable", "NotTriggerScaleUp", "", {}, fresh,
             std::to_string(fresh.size()) + " pod(s) " + text.substr(std::string("pod ").size()));
        out.notes.back().pod_reason = text;
      }
      if (r.status == ScaleUpResult::Status::scaled) {
        const auto& chosen = r.options[*r.chosen];
        std::string opts;
        for (std::size_t k = 0; k < r.options.size(); ++k) {
          const auto& o = r.options[k];
          opts += (opts.empty() ? "" : ", ") + o.node_group + " +" + std::to_string(o.node_count) + " (" +
                  std::to_string(o.pod_count) + " pods, waste " + fmt2(waste_score(o)) + ")";
        }
        std::vector<std::string> pods;
        for (auto i : r.triggered) pods.push_back(pending[i].name);
        for (const auto& [g, delta] : r.increases) {
          const auto& ng = m_cfg.node_groups[g];
          const int before = increase_target(g, delta, now);
          note(out, "scale-up", m_expander.decided_by(), ng.name(), {}, pods,
               "scale-up: setting node group " + ng.name() + " size to " + std::to_string(ng.target_size) + " (from " +
                   std::to_string(before) + ", +" + std::to_string(delta) + ") for " + std::to_string(pods.size()) +
                   " pod(s); expander " + m_expander.decided_by() + " chose " + chosen.node_group + " among " + opts +
                   "; template " + (templates[g] ? templates[g]->source : std::string("none")));
        }
        m_last_scale_up = now;
        m_last_action_loop = loop;
        // Pods placed on the new nodes are no longer reported as unschedulable later.
        for (auto i : r.triggered) m_reported_pods.erase(pending[i].pod.uid);
      } else if (r.status == ScaleUpResult::Status::error) {
        note(out, "unschedulable", "ScaleUpError", "", {}, {}, "scale-up not possible: " + r.error);
      }
    }
  }

  // Scale-down: planning every loop; deletions only outside cooldown.
  if (s.scale_down_enabled)
    plan_scale_down(view, snap, scale_down_disabled_for_loop || in_cooldown(now), out);
  // static_autoscaler.go RunOnce ends with ScaleUpToNodeGroupMinSize when the flag is set.
  if (s.enforce_node_group_min_size && scale_up_to_min_size(view, snap, out)) {
    m_last_scale_up = now;
    m_last_action_loop = loop;
  }
  if (m_snap.ring_position() != ring) m_loop_changed = true;
  schedule_next(now, loop);
}

Duration ClusterAutoscaler::unneeded_time(const Unneeded& u) const {
  const auto& s = m_cfg.settings;
  const auto& ng = m_cfg.node_groups[group_index(u.group)];
  return u.ready ? ng.scale_down_unneeded_time.value_or(s.scale_down_unneeded_time)
                 : ng.scale_down_unready_time.value_or(s.scale_down_unready_time);
}

bool ClusterAutoscaler::repeats_quiet_loop(const View& view) {
  if (m_cfg.exact || !m_quiet || m_quiet->generation != view.cluster.generation()) return false;
  // Computed on first use: most quiet loops of a busy cluster are followed by a change.
  if (!m_quiet->until) m_quiet->until = quiet_until(view, m_quiet->at);
  return view.now < *m_quiet->until && m_prev_loop_start && m_min_loop_interval.ms > 0 &&
         view.now - *m_prev_loop_start >= m_min_loop_interval;
}

void ClusterAutoscaler::record_quiet_loop(const View& view, const Actions& loop_out) {
  const auto& s = m_cfg.settings;
  // With every node Ready the cluster is healthy, and with no pending pod no pod is reported.
  bool quiet = !m_loop_changed && loop_out.empty() && loop_out.notes.empty() && m_deletions.empty();
  for (std::size_t g = 0; quiet && g < m_state.size(); ++g) {
    const auto& ng = m_cfg.node_groups[g];
    quiet = !m_state[g].request && m_state[g].failed_unnoticed == 0 &&
            !(s.enforce_node_group_min_size && ng.target_size < ng.min_size);
  }
  // Readiness moves with time for nodes that are not Ready; pending pods wait out delays.
  for (auto nid : view.cluster.node_ids())
    if (quiet && view.cluster.node(nid).state != cluster::NodeState::ready) quiet = false;
  for (auto pid : view.cluster.pending_pods()) {
    const auto& p = view.cluster.pod(pid);
    if (quiet && p.unschedulable && !p.is_daemon() && p.spec->priority >= s.expendable_pods_priority_cutoff) quiet = false;
  }
  if (quiet) m_quiet = QuietLoop{view.cluster.generation(), view.now, std::nullopt};
  else m_quiet.reset();
}

// What a quiet loop reads that changes with time alone, on a cluster whose nodes are all Ready:
// unneeded nodes reaching their unneeded time, the scale-down cooldowns running out, unremovable
// nodes due for a recheck, Ready nodes becoming stable enough to be a group's template, and
// kube-system pods outliving the blocking timeout. The first such time after `after`.
SimTime ClusterAutoscaler::quiet_until(const View& view, SimTime after) const {
  const auto& s = m_cfg.settings;
  SimTime until{INT64_MAX};
  const auto upcoming = [&](SimTime t) {
    if (t > after && t < until) until = t;
  };
  const Duration tick = Duration::millis(1);  // "longer than": the first time a strict comparison holds
  for (const auto& [id, u] : m_unneeded) upcoming(u.since + unneeded_time(u) + tick);
  for (const auto& [id, t] : m_unremovable_until) upcoming(t);
  if (m_last_scale_up) upcoming(*m_last_scale_up + s.scale_down_delay_after_add);
  if (m_last_scale_down_fail) upcoming(*m_last_scale_down_fail + s.scale_down_delay_after_failure);
  if (m_last_scale_down_delete) upcoming(*m_last_scale_down_delete + s.scale_down_delay_after_delete);
  for (const auto& nodes : m_group_nodes)
    for (auto nid : nodes)
      if (const auto& n = view.cluster.node(nid); !preexisting(n)) upcoming(n.initialized_at + k_template_ready_stability + tick);
  const DrainOptions drain = drain_options();
  if (drain.skip_nodes_with_system_pods && drain.blocking_system_pod_timeout)
    for (auto nid : view.cluster.node_ids())
      for (auto pid : view.cluster.node(nid).pods) {
        const auto& p = view.cluster.pod(pid);
        if (p.namespace_ == "kube-system") upcoming(p.created + *drain.blocking_system_pod_timeout + tick);
      }
  return until;
}

bool ClusterAutoscaler::group_healthy(std::size_t g, const View& view) const {
  // clusterstate.go IsNodeGroupHealthy: ready nodes missing beyond the acceptable range.
  const auto& ng = m_cfg.node_groups[g];
  const auto& s = m_cfg.settings;
  int ready = 0, unready = 0, not_started = 0;
  for (auto nid : m_group_nodes[g]) {
    const auto& n = view.cluster.node(nid);
    const auto r = readiness(n, view.now);
    if (r == Readiness::ready) ++ready;
    else if (r == Readiness::unready) ++unready;
    else if (r == Readiness::not_started) ++not_started;
  }
  return node_group_healthy(ready, unready, not_started, ng.target_size,
                            m_state[g].request ? m_state[g].request->increase : 0, s.ok_total_unready_count,
                            s.max_total_unready_percentage);
}

int ClusterAutoscaler::increase_target(std::size_t g, int delta, SimTime now) {
  auto& ng = m_cfg.node_groups[g];
  const int before = ng.target_size;
  ng.target_size += delta;
  m_loop_increases.emplace_back(g, delta);
  GroupState& st = m_state[g];
  const Duration provision = m_cfg.settings.max_node_provision_time;
  if (st.request) {
    st.request->increase += delta;
    st.request->time = now;
    st.request->deadline = now + provision;
  } else {
    st.request = ScaleUpRequest{now, delta, now + provision};
  }
  return before;
}

bool ClusterAutoscaler::scale_up_to_min_size(const View& view, const scheduling::ClusterSnapshot& snap, Actions& out) {
  // orchestrator.go ScaleUpToNodeGroupMinSize, group by group: skip groups at or above their
  // minimum, unhealthy or backed off (IsNodeGroupReadyToScaleUp), without a template, or where one
  // node exceeds the cores / memory left (IsNodeGroupResourceExceeded); then min - target nodes,
  // capped by the cores and memory left (ApplyLimits) and by max-nodes-total against the group's
  // own target size (GetCappedNewNodeCount is passed the target size, not the cluster's count).
  const auto& s = m_cfg.settings;
  ScaleUpLimits limits;
  limits.cores_max = s.cores_total_max;
  limits.memory_max_bytes = s.memory_total_max_gib * 1024LL * 1024 * 1024;
  ResourceUsage usage = resource_usage(snap);
  bool scaled = false;
  for (std::size_t g = 0; g < m_state.size(); ++g) {
    const auto& ng = m_cfg.node_groups[g];
    if (ng.target_size >= ng.min_size) continue;
    if (!group_healthy(g, view) || m_backoff.backed_off(ng.name(), view.now)) continue;
    const auto tmpl = group_template(g, view);
    if (!tmpl) continue;
    const ResourceList& capacity = tmpl->node.capacity;
    std::int64_t n = nodes_within_limits(usage, capacity, limits);
    if (n < 1) continue;
    n = std::min<std::int64_t>(n, ng.min_size - ng.target_size);
    if (s.max_nodes_total > 0 && n + ng.target_size > s.max_nodes_total) n = s.max_nodes_total - ng.target_size;
    if (n <= 0) continue;
    const int delta = static_cast<int>(n);
    const int before = increase_target(g, delta, view.now);
    usage.cores += delta * node_cores(capacity);
    usage.memory_bytes += delta * capacity.memory_bytes();
    note(out, "scale-up", "ScaleUpToNodeGroupMinSize", ng.name(), {}, {},
         "Scale-up: setting group " + ng.name() + " size to " + std::to_string(ng.target_size) + " instead of " +
             std::to_string(before) + " (max: " + std::to_string(ng.max_size) + "); below its minimum size " +
             std::to_string(ng.min_size) + " (enforce-node-group-min-size)");
    scaled = true;
  }
  return scaled;
}

void ClusterAutoscaler::plan_scale_down(const View& view, scheduling::ClusterSnapshot& snap, bool cooldown,
                                        Actions& out) {
  const SimTime now = view.now;
  const auto& s = m_cfg.settings;
  // Candidates: real nodes of autoscaled groups above their min size, not being deleted;
  // destinations: every real node not being deleted.
  std::vector<bool> destination(snap.size(), false);
  std::vector<std::size_t> empty_first, was_unneeded, rest;
  PdbTracker pdbs(m_cfg.pdbs, view.cluster);
  const DrainOptions drain = drain_options();
  const PodLookup lookup = [&](cluster::PodId id) -> const cluster::Pod* { return &view.cluster.pod(id); };
  for (std::size_t i = 0; i < snap.size(); ++i) {
    const auto& sn = snap.node(i);
    if (sn.id == cluster::k_no_node) continue;
    const auto& n = view.cluster.node(sn.id);
    const bool being_deleted = n.marked || has_taint_key(n, k_to_be_deleted_taint);
    if (being_deleted) continue;
    destination[i] = true;
    auto g = node_cache(n).group;
    if (g == SIZE_MAX) continue;  // not autoscaled
    if (m_cfg.node_groups[g].target_size <= m_cfg.node_groups[g].min_size) continue;
    if (readiness(n, now) == Readiness::not_started) continue;
    // Empty in the drain sense: no pod would have to move. Only mirror, DaemonSet and finished
    // pods can be ignored: any other pod must move, wait or block, whatever the rest of the drain
    // rules say (cached per node version while the loop added no pod to the node).
    const NodeCache& c = node_cache(n);
    bool empty = !(sn.pods.size() == c.node.pods.size() && c.has_pod_to_move);
    for (const auto& p : sn.pods) {
      if (!empty) break;
      if (p.id == scheduling::k_no_pod) continue;
      const cluster::Pod& pod = view.cluster.pod(p.id);
      if (!pod.is_mirror() && !pod.is_daemon() && pod.phase != cluster::PodPhase::succeeded) {
        empty = false;
        break;
      }
      const auto v = drain_verdict(pod, pdbs, drain, now).verdict;
      if (v != DrainVerdict::ignore && v != DrainVerdict::daemonset) {
        empty = false;
        break;
      }
    }
    if (empty) empty_first.push_back(i);
    else if (m_unneeded.count(sn.id)) was_unneeded.push_back(i);
    else rest.push_back(i);
  }
  std::vector<std::size_t> order = empty_first;
  order.insert(order.end(), was_unneeded.begin(), was_unneeded.end());
  order.insert(order.end(), rest.begin(), rest.end());

  const int limit = unneeded_nodes_limit(static_cast<int>(m_unneeded.size()), s.max_scale_down_parallelism,
                                         s.scale_down_unneeded_time,
                                         m_min_loop_interval.ms > 0 ? m_min_loop_interval : s.scale_down_unneeded_time);
  std::map<cluster::NodeId, Unneeded> next;
  if (std::erase_if(m_unremovable_until, [&](const auto& e) { return e.second <= now; }) > 0) m_loop_changed = true;
  // planner.go categorizeNodes: the eligibility of every candidate (FilterOutUnremovable) on the
  // snapshot as the loop found it, then the removal simulations of the eligible ones in order,
  // each of which may commit its pods onto later candidates.
  std::vector<std::size_t> eligible;
  for (std::size_t i : order) {
    const cluster::NodeId id = snap.node(i).id;
    const auto& n = view.cluster.node(id);
    const auto& ng = m_cfg.node_groups[node_cache(n).group];
    if (m_unremovable_until.count(id)) continue;  // RecentlyUnremovable
    EligibilityInput in;
    in.threshold = ng.scale_down_utilization_threshold.value_or(s.scale_down_utilization_threshold);
    in.ignore_daemonsets = ng.ignore_daemonsets_utilization.value_or(s.ignore_daemonsets_utilization);
    in.annotations = &n.annotations;
    // The node's utilization is cached with its snapshot node while the loop left it as the
    // cluster has it (filter-out-schedulable only adds pods, so the same pod count means that).
    NodeCache& c = node_cache(n);
    if (snap.node(i).pods.size() == c.node.pods.size()) {
      if (!c.utilization || c.utilization_ignores_daemonsets != in.ignore_daemonsets) {
        c.utilization = node_utilization(snap.node(i), in.ignore_daemonsets);
        c.utilization_ignores_daemonsets = in.ignore_daemonsets;
      }
      in.utilization = &*c.utilization;
    }
    if (eligibility(snap.node(i), in) == UnremovableReason::none) eligible.push_back(i);
  }
  // planner.go categorizeNodes: --scale-down-simulation-timeout from here, checked before each
  // simulation (timedOut(timer)); the nodes skipped are left out of the unneeded nodes, so their
  // unneeded timers start again. Only a timed controller-time model spends time here.
  const std::int64_t simulation_start_ns = m_work.ns(model());
  for (std::size_t k = 0; k < eligible.size(); ++k) {
    const std::size_t i = eligible[k];
    if (timed() && m_work.ns(model()) - simulation_start_ns >= s.scale_down_simulation_timeout.ms * 1'000'000) {
      ++m_loop_timeouts;
      note(out, "scale-down", "SimulationTimeout", "", {}, {},
           std::to_string(eligible.size() - k) + " out of " + std::to_string(eligible.size()) +
               " nodes skipped in scale down simulation due to timeout");
      break;
    }
    if (static_cast<int>(next.size()) >= limit) break;
    const cluster::NodeId id = snap.node(i).id;
    const auto& n = view.cluster.node(id);
    m_work.removal(snap.size());
    destination[i] = false;  // never a destination for another candidate's pods once simulated
    RemovalResult rr = simulate_node_removal(snap, i, lookup, destination, pdbs, drain, now, &m_removal_hints);
    if (!rr.removable()) {
      destination[i] = true;
      m_unremovable_until[id] = now + k_unremovable_recheck;
      m_loop_changed = true;
      // The reason CA logs for an unremovable node, once per node and reason.
      std::string why = std::string(unremovable_name(rr.reason));
      if (!rr.blocking_pod.empty()) why += ": pod " + rr.blocking_pod + (rr.blocking_reason.empty() ? "" : " (" + rr.blocking_reason + ")");
      std::string& last = m_unremovable_reason[id];
      if (last != why) {
        last = why;
        note(out, "unremovable", std::string(unremovable_name(rr.reason)), n.node_group, {n.name}, rr.blocking_pod.empty() ? std::vector<std::string>{} : std::vector<std::string>{rr.blocking_pod},
             "node " + n.name + " cannot be removed: " + why);
      }
      continue;
    }
    Unneeded u;
    auto prev = m_unneeded.find(id);
    u.since = prev != m_unneeded.end() ? prev->second.since : now;
    u.empty = rr.empty;
    u.risky = rr.risky;
    u.on_completion = rr.on_completion;
    u.ready = n.state == cluster::NodeState::ready;
    u.group = n.node_group;
    u.order = next.size();
    next[id] = u;
  }
  if (next != m_unneeded) m_loop_changed = true;
  m_unneeded = std::move(next);
  m_removal_hints.drop_old();  // planner.go UpdateClusterState ends with rs.DropOldHints()
  if (!m_removal_hints.last_round_repeated()) m_loop_changed = true;
  if (cooldown) return;

  // NodesToDelete: unneeded long enough, group above min size, minimum totals kept.
  std::vector<std::pair<std::size_t, cluster::NodeId>> by_order;
  for (const auto& [id, u] : m_unneeded) by_order.emplace_back(u.order, id);
  std::sort(by_order.begin(), by_order.end());
  std::map<std::string, int> in_progress;  // per group: deletions not yet taken off the target
  int empty_in_flight = 0, drain_in_flight = 0;
  for (const auto& d : m_deletions) {
    if (!d.issued) ++in_progress[d.group];
    (d.drain ? drain_in_flight : empty_in_flight) += 1;
  }
  std::int64_t cores = 0, memory = 0;
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    if (n.state == cluster::NodeState::deleting) continue;
    cores += node_cores(n.capacity);
    memory += n.capacity.memory_bytes();
  }
  std::vector<cluster::NodeId> empty, drain_nodes, risky;
  for (const auto& [ord, id] : by_order) {
    const Unneeded& u = m_unneeded[id];
    const auto& n = view.cluster.node(id);
    const auto& ng = m_cfg.node_groups[group_index(u.group)];
    if (!(now - u.since > unneeded_time(u))) continue;
    if (u.on_completion) continue;
    if (ng.target_size - in_progress[u.group] <= ng.min_size) continue;  // NodeGroupMinSizeReached
    const std::int64_t c = node_cores(n.capacity), m = n.capacity.memory_bytes();
    if (cores - c < s.cores_total_min || memory - m < s.memory_total_min_gib * 1024LL * 1024 * 1024) continue;
    cores -= c;
    memory -= m;
    ++in_progress[u.group];
    if (u.empty) empty.push_back(id);
    else if (u.risky) risky.push_back(id);
    else drain_nodes.push_back(id);
  }
  drain_nodes.insert(drain_nodes.end(), risky.begin(), risky.end());  // non-risky first
  std::vector<std::string> eg, dg;
  for (auto id : empty) eg.push_back(m_unneeded[id].group);
  for (auto id : drain_nodes) dg.push_back(m_unneeded[id].group);
  std::optional<int> empty_limit;
  if (s.minor() < 33) empty_limit = s.max_empty_bulk_delete.value_or(10);
  const CropResult crop = crop_nodes(eg, dg, empty_in_flight, drain_in_flight, s.max_scale_down_parallelism,
                                     s.max_drain_parallelism, empty_limit);
  std::vector<std::pair<cluster::NodeId, bool>> chosen;
  for (auto k : crop.empty) chosen.emplace_back(empty[k], false);
  for (auto k : crop.drain) chosen.emplace_back(drain_nodes[k], true);
  if (chosen.empty()) return;
  for (const auto& [id, is_drain] : chosen) {
    const auto& n = view.cluster.node(id);
    const Unneeded& u = m_unneeded[id];
    out.marks.push_back(MarkNode{id, true, "cluster-autoscaler scale-down", k_to_be_deleted});
    Deletion d;
    d.node = id;
    d.name = n.name;
    d.group = u.group;
    d.drain = is_drain;
    d.started = now;
    d.due = now + s.node_delete_delay_after_taint;
    d.reason = is_drain ? "underutilized" : "empty";
    m_deletions.push_back(d);
    std::vector<std::string> pods;
    for (auto pid : n.pods)
      if (!view.cluster.pod(pid).is_daemon()) pods.push_back(view.cluster.pod(pid).namespace_ + "/" + view.cluster.pod(pid).name);
    note(out, "scale-down", d.reason, u.group, {n.name}, pods,
         "scale-down: removing " + std::string(is_drain ? "underutilized" : "empty") + " node " + n.name + " (" +
             n.instance_type + ", node group " + u.group + "), unneeded since t=" + format_clock(u.since) +
             (is_drain ? ", " + std::to_string(pods.size()) + " pod(s) to evict" : std::string()));
    m_unneeded.erase(id);
  }
  m_last_scale_down_delete = now;
  m_last_action_loop = m_loop - 1;
}

// actuation/actuator.go, drain.go: after the taint delay, an empty node that got pods back is
// left alone; a drained node's evictions must pass the PDBs (a refused one is retried every 10 s
// for up to 2 min, then the deletion is aborted and the node untainted); then the node is
// drained and deleted by the sim and the ASG's desired capacity decremented.
void ClusterAutoscaler::progress_deletions(const View& view, Actions& out) {
  const SimTime now = view.now;
  for (auto& d : m_deletions) {
    if (d.issued || d.due > now) continue;
    if (!view.cluster.nodes().count(d.node)) {
      d.issued = true;
      continue;
    }
    const auto& n = view.cluster.node(d.node);
    std::vector<const cluster::Pod*> evict;
    for (auto pid : n.pods) {
      const auto& p = view.cluster.pod(pid);
      // A terminating pod was evicted already (it goes by itself; the drain waits for it).
      if (!p.is_daemon() && !p.is_mirror() && !p.terminating) evict.push_back(&p);
    }
    bool abort = false;
    std::string why;
    if (!d.drain && !evict.empty()) {
      abort = true;
      why = "pods appeared on the empty node";
    } else if (!evict.empty()) {
      // Evictions go in parallel, each through the Eviction API: one whose PDB allows no
      // disruption now is refused and retried. The sim then drains the node one eviction at a
      // time, each seeing the PDB after the previous one's replacement.
      PdbTracker pdbs(m_cfg.pdbs, view.cluster);
      bool refused = false;
      for (const auto* p : evict)
        for (auto i : pdbs.matching(*p))
          if (pdbs.allowed(i) < 1) refused = true;
      if (refused) {
        if (now - (d.started + m_cfg.settings.node_delete_delay_after_taint) >= k_max_pod_eviction_time) {
          abort = true;
          why = "evictions refused by a PodDisruptionBudget for " + format_duration(k_max_pod_eviction_time);
        } else {
          d.due = now + k_eviction_retry;
          continue;
        }
      }
    }
    if (abort) {
      out.marks.push_back(MarkNode{d.node, false, "cluster-autoscaler scale-down aborted", k_to_be_deleted});
      note(out, "scale-down-failed", "aborted", d.group, {d.name}, {}, "scale-down of node " + d.name + " aborted: " + why);
      d.issued = true;
      d.node = cluster::k_no_node;
      continue;
    }
    out.deletions.push_back(DeleteNode{d.node, d.reason});
    m_deleted_this_call.insert(d.node);
    d.issued = true;
    auto g = group_index(d.group);
    if (g != SIZE_MAX) {
      // TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity.
      auto& ng = m_cfg.node_groups[g];
      ng.target_size = std::max(ng.min_size, ng.target_size - 1);
    }
  }
  // A deletion is in flight until its node is gone.
  std::erase_if(m_deletions, [&](const Deletion& d) {
    if (!d.issued) return false;
    return d.node == cluster::k_no_node || !view.cluster.nodes().count(d.node) ||
           view.cluster.node(d.node).state == cluster::NodeState::terminated;
  });
}

// The ASG keeps its instance count at the desired capacity: it launches the missing instances
// (not those whose launch failed and that CA has not seen yet) and terminates surplus ones.
void ClusterAutoscaler::asg_reconcile(const View& view, Actions& out) {
  for (std::size_t g = 0; g < m_state.size(); ++g) {
    auto& ng = m_cfg.node_groups[g];
    // Most calls find the group at its desired capacity: count the instances first, their zones
    // and capacity types only for a launch.
    const auto counted = [&](cluster::NodeId id) {
      const auto st = view.cluster.node(id).state;
      return st != cluster::NodeState::deleting && st != cluster::NodeState::terminated;
    };
    int total = static_cast<int>(std::count_if(m_group_nodes[g].begin(), m_group_nodes[g].end(), counted));
    for (auto id : m_deleted_this_call)
      if (node_cache(view.cluster.node(id)).group == g && counted(id)) --total;
    const int missing = ng.target_size - total - m_state[g].failed_unnoticed;
    if (missing > 0) {
      AsgInstances inst = count_instances(ng, view.cluster, m_group_nodes[g]);
      for (auto id : m_deleted_this_call) {
        const auto& n = view.cluster.node(id);
        if (node_cache(n).group != g || !counted(id)) continue;
        --inst.total;
        --inst.per_zone[n.zone];
        auto ct = n.labels.find("eks.amazonaws.com/capacityType");
        if (ct != n.labels.end() && ct->second == "ON_DEMAND") --inst.on_demand;
      }
      auto launches = plan_asg_launches(ng, missing, inst, *m_cfg.catalog, m_cfg.region, "cluster-autoscaler scale-up");
      for (auto& l : launches) out.launches.push_back(std::move(l));
    } else if (missing < 0) {
      // Desired capacity below the instances (a timed-out scale-up): the ASG terminates the
      // surplus, capsim's rule: instances that have not registered, then registered ones that are
      // not Ready, newest first (never a launch still in flight, never a Ready node).
      std::vector<const cluster::Node*> surplus;
      for (auto nid : m_group_nodes[g]) {
        const auto& n = view.cluster.node(nid);
        if (m_deleted_this_call.count(nid)) continue;
        if (n.state == cluster::NodeState::launched || n.state == cluster::NodeState::registered ||
            (m_user_scaled.count(ng.name()) && n.state == cluster::NodeState::ready))
          surplus.push_back(&n);
      }
      std::stable_sort(surplus.begin(), surplus.end(), [](const cluster::Node* a, const cluster::Node* b) {
        const bool ra = a->state == cluster::NodeState::registered, rb = b->state == cluster::NodeState::registered;
        if (ra != rb) return !ra;
        return a->created_at > b->created_at;
      });
      for (int k = 0; k < -missing && k < static_cast<int>(surplus.size()); ++k) {
        out.deletions.push_back(DeleteNode{surplus[static_cast<std::size_t>(k)]->id, "asg-scale-in"});
        m_deleted_this_call.insert(surplus[static_cast<std::size_t>(k)]->id);
      }
    }
  }
}

}  // namespace capsim::policy::cluster_autoscaler
