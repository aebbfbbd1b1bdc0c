#include "sim/world.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/catalog/instance_type.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/policy/node_class.hpp"
#include "capsim/policy/pdb.hpp"
#include "capsim/policy/registry.hpp"
#include "capsim/scheduling/kube_scheduler.hpp"
#include "capsim/workload/trace_generator.hpp"
#include "sim/billing_input.hpp"

namespace capsim::sim {
namespace {

// The nearest-rank q-quantile of sorted values (0 for none).
template <typename T>
T nearest_rank(const std::vector<T>& sorted, double q) {
  if (sorted.empty()) return T{};
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

// spec.timeline[].replay.skip: the trace from `skip` on. Events before it are read and folded
// (a create, then its delete, cancel out), the pods still alive at `skip` come first at offset 0
// in trace order, and later events come `skip` earlier. Memory holds the pods alive at `skip`.
class SkippedTrace : public spec::TraceSource {
 public:
  SkippedTrace(std::unique_ptr<spec::TraceSource> inner, Duration skip) : m_inner(std::move(inner)), m_skip(skip) {}

  std::optional<spec::TraceEvent> next() override {
    if (!m_started) start();
    if (m_alive_next < m_alive.size()) {
      spec::TraceEvent e = std::move(m_alive[m_alive_next++]);
      e.at = Duration{0};
      return e;
    }
    if (m_pending) {
      spec::TraceEvent e = std::move(*m_pending);
      m_pending.reset();
      return e;
    }
    auto e = m_inner->next();
    if (e) e->at = Duration{e->at.ms - m_skip.ms};
    return e;
  }

 private:
  void start() {
    m_started = true;
    std::map<std::uint64_t, spec::TraceEvent> alive;  // by trace order
    std::map<std::string, std::uint64_t> seq_of;        // namespace/pod -> its key in `alive`
    std::uint64_t seq = 0;
    while (auto e = m_inner->next()) {
      if (e->at.ms >= m_skip.ms) {
        e->at = Duration{e->at.ms - m_skip.ms};
        m_pending = std::move(e);
        break;
      }
      const std::string key = e->namespace_ + "/" + e->pod;
      if (e->kind == spec::TraceEventKind::create) {
        seq_of[key] = seq;
        alive.emplace(seq++, std::move(*e));
      } else if (auto it = seq_of.find(key); it != seq_of.end()) {
        alive.erase(it->second);
        seq_of.erase(it);
      }
    }
    for (auto& [k, e] : alive) m_alive.push_back(std::move(e));
  }

  std::unique_ptr<spec::TraceSource> m_inner;
  Duration m_skip;
  bool m_started{false};
  std::vector<spec::TraceEvent> m_alive;
  std::size_t m_alive_next{0};
  std::optional<spec::TraceEvent> m_pending;
};


using engine::Phase;

// Node labels every EC2 node carries (well-known labels; aws:pkg/providers/instancetype).
void add_instance_labels(Labels& labels, const catalog::InstanceType& it, const std::string& zone,
                         const std::string& region, const std::string& capacity_type) {
  for (const auto& r : it.requirements.items()) {
    if (r.key() == label::k_zone || r.key() == label::k_capacity_type || r.key() == label::k_zone_id) continue;
    // Labels with an empty value (e.g. the hypervisor of bare-metal types) are not set.
    if (r.op() == Operator::in && r.values().size() == 1 && !r.values().front().empty())
      labels[r.key()] = r.values().front();
  }
  labels[std::string(label::k_instance_type)] = it.name;
  labels[std::string(label::k_zone)] = zone;
  labels[std::string(label::k_region)] = region;
  labels[std::string(label::k_capacity_type)] = capacity_type;
}

// Labels of a fake-catalog type whose requirement allows several values (the default fake types'
// kubernetes.io/os): the NodeClaim's value when its requirements pin one, else the smallest
// (fake.CloudProvider.Create takes an arbitrary value of each In requirement).
void add_fake_multi_value_labels(Labels& labels, const catalog::InstanceType& it, const Requirements& claim) {
  for (const auto& r : it.requirements.items()) {
    if (r.op() != Operator::in || r.values().size() < 2 || labels.count(r.key())) continue;
    const Requirement* c = claim.get(r.key());
    labels[r.key()] = c && c->op() == Operator::in && c->values().size() == 1 && r.has(c->values().front())
                          ? c->values().front()
                          : r.any();
  }
}

// Price of a fake-catalog node: its type's offering in (zone, capacity type); a type without
// that offering is priced as its first offering (a fake type costs the same everywhere).
std::optional<Money> fake_offering_price(const catalog::InstanceType& it, const std::string& zone,
                                         const std::string& capacity_type) {
  for (const auto& o : it.offerings)
    if (o.zone == zone && o.capacity_type == capacity_type) return o.price;
  if (!it.offerings.empty()) return it.offerings.front().price;
  return std::nullopt;
}

// spec.failures in the cloud's terms (cloud does not depend on spec).
cloud::FailureModel failure_model(const spec::Failures& f) {
  cloud::FailureModel m;
  for (const auto& r : f.insufficient_capacity)
    m.insufficient_capacity.push_back(cloud::InsufficientCapacityRule{
        r.capacity_type, r.instance_types, r.zones, SimTime{0} + r.from,
        r.until ? std::optional<SimTime>(SimTime{0} + *r.until) : std::nullopt, r.probability});
  for (const auto& e : f.spot_interruptions)
    m.spot_interruptions.push_back(cloud::ScheduledSpotInterruption{SimTime{0} + e.at, e.instance_type, e.zone, e.count});
  m.sampled_spot_interruptions = f.sampled_spot_interruptions;
  return m;
}

// A decimal with at most 6 places, trailing zeros dropped ("0.096", "2.5", "3"), for log lines.
std::string format_number_6(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

}  // namespace

World::World(const spec::Scenario& scenario, const std::string& autoscaler, const SimOptions& opts)
    : m_scenario(scenario),
      m_autoscaler_name(autoscaler),
      m_opts(opts),
      m_zones(resolve_zones(scenario, *opts.catalog)),
      m_controllers(scenario),
      m_cloud(opts.catalog, scenario.region, failure_model(scenario.failures), scenario.seed),
      m_probe(scenario.expectations) {
  // A built-in fake catalog or the scenario's InstanceCatalog (spec.instanceCatalog) replaces the
  // EC2 types for every autoscaler.
  if (auto fake = synthetic_instance_types(scenario))
    m_fake_types = std::make_shared<const std::vector<catalog::InstanceType>>(catalog::fake_types_in_zones(*fake, m_zones));
  policy::PolicyContext ctx{scenario, opts.catalog, m_zones, m_fake_types, opts.exact};
  if (autoscaler == policy::lower_bound::k_name) {
    auto lb = std::make_unique<policy::lower_bound::LowerBound>(ctx);
    m_lower_bound = lb.get();
    m_autoscaler = std::move(lb);
  } else {
    m_autoscaler = policy::make_autoscaler(autoscaler, ctx);
  }
  m_result.autoscaler = autoscaler;
}

std::string World::next_node_name() {
  // EC2 private DNS style names, deterministic: ip-10-0-<n/250>-<n%250+4>.<region>.compute.internal
  int n = m_node_counter++;
  return "ip-10-0-" + std::to_string(n / 250) + "-" + std::to_string(n % 250 + 4) + "." + m_scenario.region +
         ".compute.internal";
}

void World::log(const std::string& line) {
  if (m_result.log.size() < m_opts.max_log_lines)
    m_result.log.push_back("[t=" + format_clock(m_engine.now()) + " " + m_autoscaler_name + "] " + line);
}

void World::record(Decision d) {
  ++m_result.decision_count;
  m_probe.on_decision(d);
  if (m_opts.keep_decisions) m_result.decisions.push_back(std::move(d));
}

void World::note(const policy::Note& n) {
  Decision d;
  d.at = m_engine.now();
  d.autoscaler = m_autoscaler_name;
  d.kind = n.kind;
  d.reason = n.reason;
  d.node_pool = n.node_pool;
  d.nodes = n.nodes;
  d.instance_types = n.instance_types;
  d.pods = n.pods;
  d.message = n.message;
  if (!n.pod_reason.empty() && !m_lower_bound)
    for (const auto& p : n.pods) m_pending_reason[p] = n.pod_reason;
  log(n.message);
  record(std::move(d));
}

namespace {
// "Deployment web", "Pod debug", "TraceReplicaSet x": what the pod belongs to.
std::string workload_label(const cluster::Pod& p) {
  return p.owner.kind.empty() ? "Pod " + p.name : p.owner.kind + " " + p.owner.name;
}
}  // namespace

void World::pod_placed_or_gone(const cluster::Pod& p, SimTime now, bool placed) {
  if (placed && now - p.created >= k_long_pending) ++m_waited_long[workload_label(p)];
  if (m_pending_reason.empty()) return;
  m_pending_reason.erase(p.name);
  m_pending_reason.erase(p.namespace_ + "/" + p.name);
}

void World::explain_pending() {
  if (m_lower_bound) return;
  std::map<std::string, PendingWorkload> by;
  std::map<std::string, cluster::PodId> first_pending;
  for (auto pid : m_state.pending_pods()) {
    const auto& p = m_state.pod(pid);
    if (p.is_daemon()) continue;
    const std::string label = workload_label(p);
    auto& w = by[label];
    w.workload = label;
    ++w.pending_at_end;
    if (w.reason.empty()) {
      auto it = m_pending_reason.find(p.namespace_ + "/" + p.name);
      if (it == m_pending_reason.end()) it = m_pending_reason.find(p.name);
      if (it != m_pending_reason.end()) w.reason = it->second;
    }
    first_pending.try_emplace(label, pid);
  }
  for (const auto& [label, n] : m_waited_long) {
    auto& w = by[label];
    w.workload = label;
    w.waited_long = n;
  }
  // No word from the autoscaler (a static cluster, or a pod it never saw): the kube-scheduler's filters.
  for (auto& [label, w] : by)
    if (w.reason.empty() && first_pending.count(label))
      w.reason = "kube-scheduler: " + scheduling::select_node(m_state, m_state.pod(first_pending[label]), true).reason;
  for (auto& [label, w] : by) m_result.pending_workloads.push_back(std::move(w));
  std::stable_sort(m_result.pending_workloads.begin(), m_result.pending_workloads.end(),
                   [](const PendingWorkload& a, const PendingWorkload& b) {
                     return a.pending_at_end != b.pending_at_end ? a.pending_at_end > b.pending_at_end
                                                                 : a.waited_long > b.waited_long;
                   });
}

void World::record_size(const cluster::Node& n, const catalog::InstanceType& it) {
  const std::string& pool = n.node_pool.empty() ? n.node_group : n.node_pool;
  auto [slot, fresh] = m_node_sizes.try_emplace({pool, it.name});
  if (!fresh) return;
  NodeSize& s = slot->second;
  s.node_pool = pool;
  s.instance_type = it.name;
  s.capacity = it.capacity;
  s.capacity.set(Resource::nodes, Quantity{});  // the NodePool-limits pseudo-resource
  s.allocatable = it.allocatable;
  s.allocatable.set(Resource::nodes, Quantity{});
  s.kube_reserved = it.overhead_parts.kube_reserved;
  s.system_reserved = it.overhead_parts.system_reserved;
  s.eviction_threshold = it.overhead_parts.eviction_threshold;
  s.ec2_memory_mib = it.info ? it.info->memory_mib : 0;
}

void World::set_instance(cluster::Node& n, const catalog::InstanceType& it) {
  record_size(n, it);
  auto price = m_fake_types ? fake_offering_price(it, n.zone, n.capacity_type)
               : n.capacity_type == label::k_spot ? m_opts.catalog->spot_price(m_scenario.region, n.zone, it.name)
                                                  : m_opts.catalog->on_demand_price(m_scenario.region, it.name);
  n.price_per_hour = price.value_or(Money{});
  n.capacity = it.capacity;
  n.allocatable = it.allocatable;
  add_instance_labels(n.labels, it, n.zone, m_scenario.region, n.capacity_type);
  if (m_fake_types) add_fake_multi_value_labels(n.labels, it, Requirements{});
}

void World::add_node_groups() {
  for (std::size_t gi = 0; gi < m_scenario.node_groups.size(); ++gi) {
    const auto& g = m_scenario.node_groups[gi];
    const catalog::NodeClassParams params = policy::node_group_params(g);
    std::vector<std::string> zones = g.zones.empty() ? m_zones : g.zones;
    std::set<std::string> names{g.instance_type};  // only the group's types are looked up
    for (const auto& n : g.nodes)
      if (!n.instance_type.empty()) names.insert(n.instance_type);
    auto types = m_fake_types ? catalog::fake_types_in_zones(*m_fake_types, zones)
                              : catalog::build_instance_types(*m_opts.catalog, m_scenario.region, zones, params, names);
    auto it = std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.name == g.instance_type; });
    CAPSIM_ASSERT(it != types.end(), "node group instance type " + g.instance_type + " has no price in " + m_scenario.region);
    m_result.node_groups_at_start.emplace_back(g.name, g.count);
    for (int i = 0; i < g.count; ++i) {
      // Listed nodes (nodeGroups[].nodes) keep their zone and instance type; others go round-robin.
      const spec::InitialNode* listed = g.nodes.empty() ? nullptr : &g.nodes[static_cast<std::size_t>(i)];
      auto type = it;
      if (listed && !listed->instance_type.empty()) {
        type = std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.name == listed->instance_type; });
        CAPSIM_ASSERT(type != types.end(), "node group instance type " + listed->instance_type + " has no price in " + m_scenario.region);
      }
      cluster::Node n;
      n.name = next_node_name();
      n.node_group = g.name;
      n.state = cluster::NodeState::ready;
      n.zone = listed ? listed->zone : zones[static_cast<std::size_t>(i) % zones.size()];
      n.instance_type = type->name;
      n.capacity_type = g.capacity_type_at(i);  // [cluster-autoscaler] a mixed-instances ASG splits On-Demand / Spot
      set_instance(n, *type);
      for (const auto& [k, v] : g.labels) n.labels[k] = v;
      n.labels["eks.amazonaws.com/nodegroup"] = g.name;
      n.labels["eks.amazonaws.com/capacityType"] = n.capacity_type == label::k_spot ? "SPOT" : "ON_DEMAND";
      n.labels[std::string(label::k_hostname)] = n.name;
      n.taints = g.taints;
      n.annotations = g.annotations;  // [cluster-autoscaler] e.g. scale-down-disabled
      auto id = m_state.add_node(std::move(n));
      m_billing_start[id] = m_engine.now();
      ++m_live_instances;
      if (listed && !listed->pods.empty())
        m_initial_bindings.push_back(InitialBinding{id, &listed->pods, listed->loc,
                                                    "spec.nodeGroups[" + std::to_string(gi) + "].nodes[" + std::to_string(i) + "]"});
    }
  }
  m_result.summary.peak_nodes = m_live_instances;
}

void World::add_node_claims() {
  for (std::size_t ci = 0; ci < m_scenario.node_claims.size(); ++ci) {
    const auto& c = m_scenario.node_claims[ci];
    auto types = m_fake_types ? catalog::fake_types_in_zones(*m_fake_types, {c.zone})
                              : catalog::build_instance_types(*m_opts.catalog, m_scenario.region, {c.zone}, {}, {c.instance_type});
    auto it = std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.name == c.instance_type; });
    CAPSIM_ASSERT(it != types.end(), "nodeClaims instance type " + c.instance_type + " has no offering in " + c.zone);
    for (int i = 0; i < c.count; ++i) {
      cluster::Node n;
      n.name = next_node_name();
      n.node_pool = c.node_pool;
      n.state = cluster::NodeState::ready;
      n.zone = c.zone;
      n.instance_type = it->name;
      n.capacity_type = c.capacity_type;
      n.created_at = m_engine.now() - c.age;
      n.launched_at = n.registered_at = n.initialized_at = n.created_at;
      set_instance(n, *it);
      n.labels[std::string(label::k_hostname)] = n.name;
      // What every autoscaler sees of a Karpenter node: its NodePool's label, template labels and
      // taints. Karpenter also adopts it (requirements, hashes, its node class's allocatable).
      for (const auto& np : m_scenario.node_pools)
        if (np.name == c.node_pool) {
          for (const auto& [k, v] : np.labels) n.labels[k] = v;
          n.labels[std::string(np.api == "karpenter.sh/v1alpha5" ? label::k_provisioner_name : label::k_nodepool)] = np.name;
          n.taints = np.taints;
        }
      m_autoscaler->adopt(n);
      auto id = m_state.add_node(std::move(n));
      m_billing_start[id] = m_engine.now();
      m_launch_reason[id] = "initial nodeclaim";
      ++m_live_instances;
      if (!c.pods.empty())
        m_initial_bindings.push_back(InitialBinding{id, &c.pods, c.loc, "spec.nodeClaims[" + std::to_string(ci) + "]"});
    }
  }
  m_result.summary.peak_nodes = m_live_instances;
}

void World::bind_initial_pods() {
  // The t = 0 pods in creation order; each is bound at most once. A bare Pod is named by itself.
  std::vector<cluster::PodId> pending(m_state.pending_pods().begin(), m_state.pending_pods().end());
  std::sort(pending.begin(), pending.end(),
            [&](cluster::PodId a, cluster::PodId b) { return m_state.pod(a).uid < m_state.pod(b).uid; });
  std::set<cluster::PodId> taken;
  for (const auto& b : m_initial_bindings) {
    const auto& node = m_state.node(b.node);
    for (const auto& [workload, want] : *b.pods) {
      int left = want;
      for (auto pid : pending) {
        if (left == 0) break;
        const auto& p = m_state.pod(pid);
        const std::string& name = p.owner.kind.empty() ? p.name : p.owner.name;
        if (name != workload || p.is_daemon() || taken.count(pid)) continue;
        const std::string why = scheduling::kube_filter(node, *p.spec, m_state);
        if (!why.empty())
          throw InputError({Diagnostic{b.loc.file, b.loc.line, b.loc.col, Severity::error, b.path + ".pods",
                                       "pod " + p.namespace_ + "/" + p.name + " cannot be bound to node " + node.name +
                                           " (" + node.instance_type + "): " + why}});
        m_state.bind(pid, b.node, m_engine.now());
        taken.insert(pid);
        --left;
      }
    }
  }
}

void World::schedule_timeline() {
  std::set<std::string> applied_later;
  for (const auto& e : m_scenario.timeline)
    if (e.kind == spec::TimelineKind::apply) applied_later.insert(e.target_kind + "/" + e.target_name);
  auto apply_workload = [this](const spec::Workload& w) {
    auto pods = m_controllers.apply(w, m_engine.now());
    if (w.kind == spec::WorkloadKind::daemon_set) {
      m_daemonset_views.clear();
      for (const auto& ds : m_controllers.daemonsets()) m_daemonset_views.push_back({ds.name, ds.spec.get()});
      for (auto nid : m_state.nodes()) {
        const auto& n = m_state.node(nid);
        if (n.state != cluster::NodeState::ready && n.state != cluster::NodeState::registered) continue;
        if (nid == m_virtual_node) continue;  // the lower bound ignores DaemonSet pods
        for (auto& p : m_controllers.daemon_pods_for(n, m_engine.now())) {
          if (p.owner.name != w.name) continue;
          auto pid = m_state.add_pod(std::move(p));
          m_state.bind(pid, nid, m_engine.now());
        }
      }
    }
    log("applied " + std::string(spec::workload_kind_name(w.kind)) + " " + w.name +
        (pods.empty() ? "" : " (" + std::to_string(pods.size()) + " pod(s))"));
    for (auto& p : pods) create_pod(std::move(p));
  };
  // DaemonSets first so their pods land on the pre-existing nodes before anything else.
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& w : m_scenario.workloads) {
      bool ds = w.kind == spec::WorkloadKind::daemon_set;
      if ((pass == 0) != ds) continue;
      if (applied_later.count(std::string(spec::workload_kind_name(w.kind)) + "/" + w.name)) continue;
      m_engine.schedule(SimTime{0}, Phase::workload, [apply_workload, &w] { apply_workload(w); });
    }
  for (const auto& e : m_scenario.timeline) {
    SimTime at = SimTime{0} + e.at;
    switch (e.kind) {
      case spec::TimelineKind::apply:
        if (const auto* w = m_scenario.find_workload(e.target_kind, e.target_name))
          m_engine.schedule(at, Phase::workload, [apply_workload, w] { apply_workload(*w); });
        break;
      case spec::TimelineKind::handover:
        break;  // handled by the policy (policy/handover.hpp), which wakes itself at `at`
      case spec::TimelineKind::scale:
        if (e.target_kind == "NodeGroup") {
          m_engine.schedule(at, Phase::workload, [this, &e] { scale_node_group(e.target_name, e.replicas); });
          break;
        }
        m_engine.schedule(at, Phase::workload, [this, &e] {
          std::vector<cluster::PodId> remove;
          auto pods = m_controllers.scale(e.target_kind, e.target_name, e.replicas, m_state, m_engine.now(), remove);
          log("scaled " + e.target_kind + " " + e.target_name + " to " + std::to_string(e.replicas) + " replicas");
          for (auto pid : remove) delete_pod(pid, false, false);
          for (auto& p : pods) create_pod(std::move(p));
        });
        break;
      case spec::TimelineKind::del:
        m_engine.schedule(at, Phase::workload, [this, &e] {
          auto pods = m_controllers.remove(e.target_kind, e.target_name, m_state);
          log("deleted " + e.target_kind + " " + e.target_name + " (" + std::to_string(pods.size()) + " pod(s))");
          for (auto pid : pods) delete_pod(pid, false, false);
          if (e.target_kind == "DaemonSet") {
            m_daemonset_views.clear();
            for (const auto& ds : m_controllers.daemonsets()) m_daemonset_views.push_back({ds.name, ds.spec.get()});
          }
        });
        break;
      case spec::TimelineKind::update:
        m_engine.schedule(at, Phase::workload, [this, &e] {
          std::string what;
          for (const auto& p : e.node_pool_updates) what += (what.empty() ? "" : ", ") + p.kind + " " + p.name;
          for (const auto& c : e.node_class_updates) what += (what.empty() ? "" : ", ") + c.kind + " " + c.name;
          log("updated " + what);
          m_autoscaler->on_node_pools_updated(e.node_pool_updates, e.node_class_updates, m_engine.now());
          refresh_wakeup();
        });
        break;
      case spec::TimelineKind::replay: {
        Replay r;
        if (e.replay.generate) {
          r.source = std::make_unique<workload::TraceGenerator>(*e.replay.generate);
        } else {
          CAPSIM_ASSERT(static_cast<bool>(m_opts.open_trace), "no trace opener for a replay");
          r.source = m_opts.open_trace(e.replay);
        }
        if (e.replay.skip.ms > 0) r.source = std::make_unique<SkippedTrace>(std::move(r.source), e.replay.skip);
        r.start = at;
        m_replays.push_back(std::move(r));
        std::size_t idx = m_replays.size() - 1;
        m_replays[idx].next = m_replays[idx].source->next();
        if (m_replays[idx].next)
          m_engine.schedule(at + m_replays[idx].next->at, Phase::workload, [this, idx] { replay_next(idx); });
        break;
      }
    }
  }
}

// Timeline `scale` of a node group: an autoscaled group's desired capacity is the policy's (its
// ASG model); a static group is scaled down here, newest nodes first (drained like any deletion).
void World::scale_node_group(const std::string& group, int desired) {
  log("scaled node group " + group + " to " + std::to_string(desired));
  if (!m_autoscaler->on_node_group_scaled(group, desired, m_engine.now())) {
    std::vector<cluster::NodeId> nodes;
    for (auto nid : m_state.nodes()) {
      const auto& n = m_state.node(nid);
      if (n.node_group == group && n.state != cluster::NodeState::deleting) nodes.push_back(nid);
    }
    std::stable_sort(nodes.begin(), nodes.end(), [&](cluster::NodeId a, cluster::NodeId b) {
      return m_state.node(a).created_at > m_state.node(b).created_at || (m_state.node(a).created_at == m_state.node(b).created_at && a > b);
    });
    for (std::size_t i = 0; static_cast<int>(nodes.size() - i) > desired && i < nodes.size(); ++i)
      delete_node(nodes[i], "node group scaled down");
  }
  refresh_wakeup();
}

void World::replay_next(std::size_t idx) {
  Replay& r = m_replays[idx];
  // Stream: handle every event due now, then schedule the next one; one event held at a time.
  while (r.next && r.start + r.next->at <= m_engine.now()) {
    spec::TraceEvent e = std::move(*r.next);
    r.next = r.source->next();
    if (e.kind == spec::TraceEventKind::create) {
      if (m_state.find_pod(e.namespace_.empty() ? "default" : e.namespace_, e.pod)) continue;
      create_pod(m_controllers.from_trace(e, m_engine.now()));
    } else if (const auto* p = m_state.find_pod(e.namespace_.empty() ? "default" : e.namespace_, e.pod)) {
      delete_pod(p->id, false, false);
    } else {
      log("warning: trace deletes pod " + (e.namespace_.empty() ? std::string("default") : e.namespace_) + "/" +
          e.pod + " which does not exist; ignored");
    }
  }
  if (r.next) m_engine.schedule(r.start + r.next->at, Phase::workload, [this, idx] { replay_next(idx); });
}

void World::create_pod(cluster::Pod pod) {
  pod.created = m_engine.now();
  ++m_pods_created;
  auto pid = m_state.add_pod(std::move(pod));
  if (m_lower_bound) demand_changed(m_state.pod(pid), +1);
  if (m_opts.pod_event) report_pod_event(m_state.pod(pid), true);
  request_kube_scheduler();
}

void World::report_pod_event(const cluster::Pod& p, bool created) {
  spec::TraceEvent e;
  e.at = Duration{m_engine.now().ms};
  e.kind = created ? spec::TraceEventKind::create : spec::TraceEventKind::del;
  e.pod = p.name + "#" + std::to_string(p.uid);
  e.namespace_ = p.namespace_;
  if (!p.owner.name.empty()) {  // a replayed trace's pods keep the trace's owner (controllers.cpp: "Trace" + kind)
    const bool traced = p.owner.kind.rfind("Trace", 0) == 0;
    e.owner = (traced ? p.owner.kind.substr(5) : p.owner.kind) + "/" + p.owner.name;
  }
  if (created) e.requests = p.spec->requests;
  m_opts.pod_event(e);
}

void World::delete_pod(cluster::PodId id, bool evicted, bool succeeded, bool graceful) {
  const SimTime now = m_engine.now();
  if (m_state.pod(id).terminating) {  // deleted before; now it goes at once
    remove_terminated(id);
    return;
  }
  cluster::Pod gone = m_state.pod(id);
  if (!gone.is_daemon()) {
    if (!gone.bound()) {
      m_pending_seconds.push_back((now - gone.created).seconds_f());
      pod_placed_or_gone(gone, now, false);
    }
    if (evicted && gone.bound()) ++m_result.summary.evictions;
    if (m_lower_bound) demand_changed(gone, -1);
    if (m_opts.pod_event) report_pod_event(gone, false);
  }
  // The kubelet stops a deleted pod's containers within its terminationGracePeriodSeconds; until
  // then the pod stays on the node with its requests (kube-scheduler and both autoscalers count
  // them). capsim takes the whole grace period. The lower bound's demand-only world has no nodes.
  const int grace = gone.spec->termination_grace_seconds;
  const bool terminates = graceful && gone.bound() && !succeeded && grace > 0 && !m_lower_bound;
  if (terminates) {
    m_state.mark_terminating(id, now);
    const std::uint64_t uid = gone.uid;
    // The kubelet reports the pod gone: a node-side event, before the controllers' at that instant.
    m_engine.schedule(now + Duration::seconds(grace), Phase::cloud, [this, id, uid] { finish_termination(id, uid); });
  } else {
    m_state.remove_pod(id, now);
    ++m_pods_removed;
  }
  // A ReplicaSet (and a Job) replaces a pod as soon as it is deleted; a StatefulSet creates a pod
  // of the same identity only once the old one is gone.
  if (evicted || succeeded) {
    if (terminates && gone.owner.kind == "StatefulSet") m_replace_when_gone.insert(gone.uid);
    else if (auto repl = m_controllers.on_pod_gone(gone, succeeded, now)) create_pod(std::move(*repl));
  }
  request_kube_scheduler();
}

void World::finish_termination(cluster::PodId id, std::uint64_t uid) {
  if (!m_state.live_pods().count(id) || m_state.pod(id).uid != uid) return;  // removed with its instance
  remove_terminated(id);
  refresh_wakeup();
}

void World::remove_terminated(cluster::PodId id) {
  cluster::Pod gone = m_state.pod(id);
  m_state.remove_pod(id, m_engine.now());
  ++m_pods_removed;
  if (m_replace_when_gone.erase(gone.uid)) {
    if (auto repl = m_controllers.on_pod_gone(gone, false, m_engine.now())) create_pod(std::move(*repl));
  }
  request_kube_scheduler();
}

void World::request_kube_scheduler() {
  if (m_scheduler_requested) return;
  m_scheduler_requested = true;
  m_engine.schedule(m_engine.now(), Phase::scheduler, [this] { kube_scheduler_pass(); });
}

void World::kube_scheduler_pass() {
  m_scheduler_requested = false;
  // Scheduling queue order: priority desc, then creation (activeQ's default queue sort).
  std::vector<cluster::PodId> pending(m_state.pending_pods().begin(), m_state.pending_pods().end());
  std::sort(pending.begin(), pending.end(), [&](cluster::PodId a, cluster::PodId b) {
    const auto& pa = m_state.pod(a);
    const auto& pb = m_state.pod(b);
    if (pa.spec->priority != pb.spec->priority) return pa.spec->priority > pb.spec->priority;
    return pa.uid < pb.uid;
  });
  std::vector<cluster::PodId> unschedulable;
  const SimTime now = m_engine.now();
  for (auto pid : pending) {
    // Queueing hint (kube-scheduler moves an unschedulable pod back only on events that may make
    // it schedulable): a pod without inter-pod constraints that found no node cannot find one
    // until something other than a bind happened (binding only takes capacity away).
    {
      const cluster::Pod& p = m_state.pod(pid);
      if (!m_lower_bound && p.failed_at_capacity_generation == m_state.capacity_generation() && !p.spec->has_topology())
        continue;
    }
    // The lower bound's world: every workload pod runs from its creation, on the virtual node.
    auto choice = m_lower_bound ? scheduling::BindChoice{} : scheduling::select_node(m_state, m_state.pod(pid), /*explain=*/false);
    if (m_lower_bound) choice.node = m_virtual_node;
    if (!choice.node && !m_lower_bound) choice.node = preempt_for(pid);
    cluster::Pod& p = m_state.pod(pid);
    if (choice.node) {
      m_pending_seconds.push_back((now - p.created).seconds_f());
      pod_placed_or_gone(p, now, true);
      m_state.bind(pid, *choice.node, now);
      if (p.run_duration) {
        std::uint64_t uid = p.uid;
        m_engine.schedule(now + *p.run_duration, Phase::workload, [this, pid, uid] {
          if (!m_state.live_pods().count(pid) || m_state.pod(pid).uid != uid) return;
          delete_pod(pid, false, true);
        });
      }
      continue;
    }
    p.failed_at_capacity_generation = m_state.capacity_generation();
    // PodScheduled=False/Unschedulable is set once; only that transition is a pod event that
    // triggers Karpenter (later retries come from its own 10 s requeue).
    if (!p.unschedulable) {
      p.unschedulable = true;
      p.first_unschedulable_at = now;
      unschedulable.push_back(pid);
    }
  }
  if (!unschedulable.empty()) m_autoscaler->on_pods_unschedulable(unschedulable, now);
  refresh_wakeup();
}

std::optional<cluster::NodeId> World::preempt_for(cluster::PodId pid) {
  // kube-scheduler's PostFilter (DefaultPreemption): evict the victims, which their controllers
  // recreate as pending pods, and bind the preemptor to the node. Victims go at once, without
  // their grace period (capsim does not model the nominated node a preemptor waits on), so the
  // preemptor binds in the same pass.
  const cluster::Pod& p = m_state.pod(pid);
  auto pre = scheduling::select_preemption(m_state, p, [this](const cluster::Pod& v) { return eviction_allowed(v); });
  if (!pre) return std::nullopt;
  const std::string node = m_state.node(pre->node).name;
  std::vector<std::string> names;
  for (auto v : pre->victims) names.push_back(m_state.pod(v).namespace_ + "/" + m_state.pod(v).name);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  Decision d;
  d.at = m_engine.now();
  d.autoscaler = m_autoscaler_name;
  d.kind = "preempt";
  d.reason = "Preempted";
  d.nodes = {node};
  d.pods = names;
  d.message = "pod " + p.namespace_ + "/" + p.name + " (priority " + std::to_string(p.spec->priority) + ") preempted " +
              std::to_string(names.size()) + " pod(s) on node " + node + ": " + list +
              (pre->pdb_violations ? " (" + std::to_string(pre->pdb_violations) + " violating a PodDisruptionBudget)" : "");
  log(d.message);
  record(std::move(d));
  for (auto v : pre->victims) delete_pod(v, /*evicted=*/true, false, /*graceful=*/false);
  return pre->node;
}

void World::refresh_wakeup() {
  auto t = m_autoscaler->next_wakeup();
  if (t && *t < m_engine.now()) t = m_engine.now();
  if (t == m_wakeup_at) return;
  if (m_wakeup_event) m_engine.cancel(*m_wakeup_event);
  m_wakeup_event.reset();
  m_wakeup_at = t;
  if (t) m_wakeup_event = m_engine.schedule(*t, Phase::autoscaler, [this] { autoscaler_reconcile(); });
}

void World::autoscaler_reconcile() {
  m_wakeup_event.reset();
  m_wakeup_at.reset();
  policy::View view{m_engine.now(), m_state, m_daemonset_views};
  policy::Actions actions = m_autoscaler->reconcile(view);
  apply(actions);
  refresh_wakeup();
}

void World::apply(const policy::Actions& actions) {
  for (const auto& n : actions.notes) note(n);
  for (const auto& l : actions.launches) launch(l);
  for (const auto& m : actions.marks) mark_node(m);
  for (const auto& d : actions.deletions) delete_node(d.node, d.reason);
}

void World::launch(const policy::LaunchNode& l) {
  cluster::Node n;
  n.name = next_node_name();
  n.node_pool = l.node_pool;
  n.node_group = l.node_group;
  n.state = cluster::NodeState::launching;
  n.labels = l.labels;
  n.taints = l.taints;
  n.startup_taints = l.startup_taints;
  n.taints.insert(n.taints.end(), l.startup_taints.begin(), l.startup_taints.end());
  n.requirements = l.requirements;
  n.instance_type_options = l.instance_type_options;
  n.nodeclaim_requests = l.requests;
  n.created_at = m_engine.now();
  n.launch_tag = l.tag;
  n.annotations = l.annotations;
  n.termination_grace_period = l.termination_grace_period;
  auto id = m_state.add_node(std::move(n));
  m_launch_reason[id] = l.reason;
  if (m_opts.check_invariants && !l.pods.empty()) {
    auto& uids = m_launched_for[id];
    for (auto pid : l.pods) uids.push_back(m_state.pod(pid).uid);
  }
  m_engine.schedule(m_engine.now() + m_scenario.cloud.launch_latency, Phase::cloud,
                    [this, id, l] { complete_launch(id, l); });
}

void World::complete_launch(cluster::NodeId id, const policy::LaunchNode& request) {
  const cloud::FleetRequest& fleet = request.fleet;
  auto res = m_cloud.create_fleet(fleet, m_engine.now());
  const cluster::Node& n = m_state.node(id);
  if (!res.insufficient.empty()) {
    std::string pools;
    for (const auto& o : res.insufficient)
      pools += (pools.empty() ? "" : ", ") + o.instance_type->name + "/" + o.zone;
    log("CreateFleet for nodeclaim " + n.name + ": InsufficientInstanceCapacity for " + fleet.capacity_type + " " + pools);
  }
  if (!res.chosen) {
    note(policy::Note{"launch-failed", "insufficient capacity", n.node_pool, {n.name}, {}, {},
                      "failed launching nodeclaim " + n.name + ": " + res.error});
    m_state.remove_node(id, m_engine.now());
    m_autoscaler->on_launch_result(request, res.insufficient, false, m_engine.now());
    request_kube_scheduler();
    refresh_wakeup();
    return;
  }
  const catalog::InstanceType& it = *res.chosen->instance_type;
  m_state.edit_node(id, [&](cluster::Node& e) {
    e.state = cluster::NodeState::launched;
    e.launched_at = m_engine.now();
    e.instance_type = it.name;
    e.zone = res.chosen->zone;
    e.capacity_type = fleet.capacity_type;
    e.price_per_hour = res.chosen->price;
    e.capacity = it.capacity;
    e.allocatable = it.allocatable;
    record_size(e, it);
    add_instance_labels(e.labels, it, e.zone, m_scenario.region, e.capacity_type);
    if (m_fake_types) add_fake_multi_value_labels(e.labels, it, e.requirements);
    e.labels[std::string(label::k_hostname)] = e.name;
  });
  m_billing_start[id] = m_engine.now();
  ++m_live_instances;
  m_result.summary.peak_nodes = std::max(m_result.summary.peak_nodes, m_live_instances);
  ++m_result.summary.nodes_launched;
  m_result.launches.push_back(LaunchRecord{n.created_at, n.launched_at, n.name, n.instance_type, n.zone, n.capacity_type,
                                           n.node_pool.empty() ? n.node_group : n.node_pool, m_launch_reason[id],
                                           n.price_per_hour, request.instance_type_options.size(),
                                           static_cast<double>(request.requests.cpu_millis()) / 1000.0,
                                           static_cast<double>(request.requests.memory_bytes()) / (1024.0 * 1024 * 1024),
                                           request.capacity_note});
  log("launched nodeclaim " + n.name + " instance-type " + n.instance_type + " zone " + n.zone + " capacity-type " +
      n.capacity_type + " price $" + std::to_string(n.price_per_hour.usd()) + "/h");
  m_engine.schedule(m_engine.now() + m_scenario.cloud.registration_latency, Phase::cloud,
                    [this, id] { register_node(id); });
  if (n.capacity_type == label::k_spot) schedule_sampled_interruption(id);
  m_autoscaler->on_launch_result(request, res.insufficient, true, m_engine.now());
  refresh_wakeup();
}

void World::register_node(cluster::NodeId id) {
  if (m_state.node(id).state != cluster::NodeState::launched) return;
  m_state.edit_node(id, [&](cluster::Node& n) {
    n.state = cluster::NodeState::registered;
    n.registered_at = m_engine.now();
  });
  for (auto& p : m_controllers.daemon_pods_for(m_state.node(id), m_engine.now())) {
    auto pid = m_state.add_pod(std::move(p));
    m_state.bind(pid, id, m_engine.now());
  }
  m_engine.schedule(m_engine.now() + m_scenario.cloud.initialization_latency, Phase::cloud,
                    [this, id] { initialize_node(id); });
}

void World::initialize_node(cluster::NodeId id) {
  const cluster::Node& n = m_state.node(id);
  if (n.state != cluster::NodeState::registered) return;
  m_state.edit_node(id, [&](cluster::Node& e) {
    // Ready, and the startup taints have been removed by their agents.
    std::erase_if(e.taints, [&](const Taint& t) {
      return std::find(e.startup_taints.begin(), e.startup_taints.end(), t) != e.startup_taints.end();
    });
    e.state = cluster::NodeState::ready;
    e.initialized_at = m_engine.now();
  });
  if (m_opts.check_invariants) check_launch_explained(id);
  log("initialized node " + n.name);
  request_kube_scheduler();
  refresh_wakeup();
}

namespace {
const Taint k_disrupted_taint{"karpenter.sh/disrupted", "", TaintEffect::no_schedule};
}

void World::mark_node(const policy::MarkNode& m) {
  const cluster::Node& n = m_state.node(m.node);
  if (n.state == cluster::NodeState::deleting || n.state == cluster::NodeState::terminated || n.marked == m.marked) return;
  // [cluster-autoscaler] a policy may name its own taint (CA: ToBeDeletedByClusterAutoscaler).
  const Taint& taint = m.taint ? *m.taint : k_disrupted_taint;
  m_state.edit_node(m.node, [&](cluster::Node& e) {
    e.marked = m.marked;
    if (m.marked) e.taints.push_back(taint);
    else std::erase(e.taints, taint);
  });
  log(std::string(m.marked ? "tainted " : "untainted ") + n.name + " " + describe(taint) + " (" + m.reason + ")");
}

void World::delete_node(cluster::NodeId id, const std::string& reason) {
  const cluster::Node& n = m_state.node(id);
  if (n.state == cluster::NodeState::deleting || n.state == cluster::NodeState::terminated) return;
  m_state.edit_node(id, [&](cluster::Node& e) {
    e.state = cluster::NodeState::deleting;
    e.marked = false;
    e.deletion_requested_at = m_engine.now();
    e.deletion_reason = reason;
    if (std::find(e.taints.begin(), e.taints.end(), k_disrupted_taint) == e.taints.end()) e.taints.push_back(k_disrupted_taint);
  });
  drain(id);
}

// The eviction API's PDB check (k8s registry/core/pod/storage/eviction.go): a pod covered by more
// than one PDB cannot be evicted; one covered by a PDB allows it while healthy pods exceed the
// desired healthy count (minAvailable, or expected - maxUnavailable; percentages rounded up).
bool World::eviction_allowed(const cluster::Pod& pod) const {
  int matching = 0;
  bool allowed = true;
  for (const auto& pdb : m_scenario.pdbs) {
    if (!policy::pdb_selects(pdb, pod)) continue;
    ++matching;
    if (policy::pdb_disruptions_allowed(pdb, m_state) == 0) allowed = false;
  }
  return matching <= 1 && allowed;
}

// Karpenter's termination controller (pkg/controllers/node/termination/terminator): evict
// non-critical non-DaemonSet pods first, then critical ones (priority >= 2e9); pods blocked by a
// PDB or a do-not-disrupt annotation are retried every 5 s (capsim's fixed stand-in for the
// eviction queue's backoff) until the node's terminationGracePeriod, after which they are deleted.
// DaemonSet pods go with the instance. Then the instance is terminated.
void World::drain(cluster::NodeId id) {
  const cluster::Node& n = m_state.node(id);
  if (n.state != cluster::NodeState::deleting) return;
  const SimTime now = m_engine.now();
  const bool forced = n.termination_grace_period && now >= n.deletion_requested_at + *n.termination_grace_period;
  std::vector<cluster::PodId> evict;
  bool blocked = false;
  // Evicted pods still terminating hold back the next priority group (terminator.go Drain: a
  // group is done when its pods are gone); after the grace period they are deleted outright.
  bool terminating = false;
  for (int critical = 0; critical < 2 && evict.empty() && !blocked && !terminating; ++critical) {
    for (auto pid : n.pods) {
      const auto& p = m_state.pod(pid);
      if (p.is_daemon() || (p.spec->priority >= 2'000'000'000) != (critical == 1)) continue;
      if (p.terminating && !forced) {
        terminating = true;
        continue;
      }
      auto a = p.annotations.find("karpenter.sh/do-not-disrupt");
      auto b = p.annotations.find("karpenter.sh/do-not-evict");  // v1alpha5 name
      const bool protected_pod = (a != p.annotations.end() && a->second == "true") ||
                                 (b != p.annotations.end() && b->second == "true");
      if (!forced && (protected_pod || !eviction_allowed(p))) {
        blocked = true;
        continue;
      }
      evict.push_back(pid);
      if (!forced) break;  // one eviction at a time: the next one sees the PDB after this one
    }
  }
  for (auto pid : evict) delete_pod(pid, true, false, /*graceful=*/!forced);
  const bool done = std::none_of(n.pods.begin(), n.pods.end(), [&](cluster::PodId pid) { return !m_state.pod(pid).is_daemon(); });
  if (done) {
    m_engine.schedule(now + m_scenario.cloud.termination_latency, Phase::cloud, [this, id] { terminate_node(id); });
    return;
  }
  // More to evict now (one at a time), or retry the blocked ones later.
  m_engine.schedule(evict.empty() ? now + Duration::seconds(5) : now, Phase::cloud, [this, id] { drain(id); });
}

void World::terminate_node(cluster::NodeId id) {
  const cluster::Node& n = m_state.node(id);
  if (n.state == cluster::NodeState::terminated) return;  // already reclaimed (spot interruption)
  std::vector<cluster::PodId> left = n.pods;
  for (auto pid : left) delete_pod(pid, true, false, /*graceful=*/false);  // the instance is gone
  const cluster::Node& node = m_state.node(id);
  const bool had_instance = m_billing_start.count(id) > 0;
  m_state.remove_node(id, m_engine.now());
  if (had_instance) {
    --m_live_instances;
    ++m_result.summary.nodes_terminated;
    m_result.terminations.push_back(
        TerminationRecord{node.deletion_requested_at, node.terminated_at, node.name, node.instance_type, node.deletion_reason,
                          node.node_pool.empty() ? node.node_group : node.node_pool});
    log("terminated node " + node.name + " (" + node.instance_type + ", reason " + node.deletion_reason + ")");
  }
  refresh_wakeup();
}

void World::schedule_failures() {
  const auto& f = m_cloud.failures();
  for (std::size_t i = 0; i < f.spot_interruptions.size(); ++i)
    m_engine.schedule(f.spot_interruptions[i].at, Phase::cloud, [this, i] { scheduled_interruption(i); });
  // Pre-existing spot nodes (node groups) are "launched" at the start.
  if (f.sampled_spot_interruptions)
    for (auto id : m_state.nodes())
      if (m_state.node(id).capacity_type == label::k_spot) schedule_sampled_interruption(id);
}

void World::schedule_sampled_interruption(cluster::NodeId id) {
  const cluster::Node& n = m_state.node(id);
  auto after = m_cloud.sample_time_to_interruption(n.name, n.instance_type);
  if (!after) return;
  const SimTime at = n.launched_at + *after;
  if (at > SimTime{0} + m_scenario.duration) return;  // after the end of the run
  m_engine.schedule(at, Phase::cloud, [this, id] { spot_interruption_notice(id, "sampled"); });
}

void World::scheduled_interruption(std::size_t index) {
  const auto& e = m_cloud.failures().spot_interruptions[index];
  auto targets = m_cloud.spot_interruption_targets(e, m_state, m_interrupted);
  if (targets.empty()) {
    log("scheduled spot interruption matches no running spot node (instance-type " +
        (e.instance_type.empty() ? std::string("any") : e.instance_type) + ", zone " +
        (e.zone.empty() ? std::string("any") : e.zone) + "); ignored");
    return;
  }
  for (auto id : targets) spot_interruption_notice(id, "scheduled");
}

void World::spot_interruption_notice(cluster::NodeId id, const std::string& cause) {
  {
    const cluster::Node& n = m_state.node(id);
    // Only a running instance can be interrupted; one that is gone (or already being terminated,
    // or already noticed) ignores the notice.
    if (n.state != cluster::NodeState::launched && n.state != cluster::NodeState::registered &&
        n.state != cluster::NodeState::ready)
      return;
    if (!m_interrupted.insert(id).second) return;
    Decision d;
    d.at = m_engine.now();
    d.autoscaler = m_autoscaler_name;
    d.kind = "interruption";
    d.reason = "spot-interruption";
    d.node_pool = n.node_pool.empty() ? n.node_group : n.node_pool;
    d.nodes = {n.name};
    d.instance_types = {n.instance_type};
    d.message = "spot interruption warning (" + cause + ") for node " + n.name + " (" + n.instance_type + ", " + n.zone +
                "): instance reclaimed at t=" + format_clock(m_engine.now() + cloud::k_spot_interruption_notice);
    log(d.message);
    record(std::move(d));
  }
  m_engine.schedule(m_engine.now() + cloud::k_spot_interruption_notice, Phase::cloud,
                    [this, id] { reclaim_spot_instance(id); });
  policy::View view{m_engine.now(), m_state, m_daemonset_views};
  apply(m_autoscaler->on_spot_interruption(id, view));
  refresh_wakeup();
}

void World::reclaim_spot_instance(cluster::NodeId id) {
  const cluster::Node& n = m_state.node(id);
  if (n.state == cluster::NodeState::terminated) return;  // the autoscaler's deletion finished first
  m_state.edit_node(id, [&](cluster::Node& e) {
    // Forceful: whatever is still on the node is evicted now, drained or not.
    if (e.state != cluster::NodeState::deleting) e.deletion_requested_at = m_engine.now();
    e.state = cluster::NodeState::deleting;
    e.marked = false;
    e.deletion_reason = "spot-interrupted";
  });
  log("spot instance of node " + n.name + " reclaimed by EC2");
  terminate_node(id);
}

void World::sample() {
  if (m_opts.progress)
    m_opts.progress(m_autoscaler_name, m_engine.now(), SimTime{0} + m_scenario.duration, m_engine.events_run());
  // Nothing a sample reads changes while the cluster's generation stands (billing starts with a
  // launch, the demand with pods): the last sample again, at a new time.
  if (!m_opts.exact && !m_result.samples.empty() && m_sampled_generation == m_state.generation()) {
    Sample s = m_result.samples.back();
    s.at = m_engine.now();
    m_result.samples.push_back(std::move(s));
    return;
  }
  m_sampled_generation = m_state.generation();
  Sample s;
  s.at = m_engine.now();
  for (auto nid : m_state.node_ids()) {
    const auto& n = m_state.node(nid);
    if (!m_billing_start.count(nid)) continue;
    ++s.nodes_by_type[n.instance_type];
    s.cost_rate_per_hour += n.price_per_hour;
    if (n.capacity_type == label::k_spot) ++s.spot_nodes;
    if (n.state == cluster::NodeState::registered || n.state == cluster::NodeState::ready ||
        n.state == cluster::NodeState::deleting) {
      s.cpu_requested_millis += n.requested.cpu_millis();
      s.cpu_allocatable_millis += n.allocatable.cpu_millis();
      s.memory_requested_bytes += n.requested.memory_bytes();
      s.memory_allocatable_bytes += n.allocatable.memory_bytes();
    }
  }
  if (m_lower_bound) {
    // The bound's cost rate: the LP optimum for the demand now (fractional nodes are not listed).
    const auto& lp = m_lower_bound->solve(m_demand);
    if (lp.feasible) s.cost_rate_per_hour = Money::from_usd(lp.cost_usd_per_hour);
  }
  s.pending_pods = static_cast<int>(m_state.pending_pods().size());
  s.running_pods = static_cast<int>(m_state.live_pods().size()) - s.pending_pods;
  m_result.samples.push_back(std::move(s));
}

void World::add_virtual_node() {
  cluster::Node n;
  n.name = "lower-bound-virtual-node";
  n.state = cluster::NodeState::ready;
  m_virtual_node = m_state.add_node(std::move(n));  // never billed: not in m_billing_start
  m_demand_since = m_engine.now();
  const auto& cols = m_lower_bound->columns();
  log("lower bound over " + std::to_string(cols.size()) + " allowed instance type column(s), " +
      std::to_string(m_lower_bound->lp_columns().size()) + " not dominated:");
  for (auto j : m_lower_bound->lp_columns()) {
    const auto& c = cols[j];
    log("  " + c.instance_type + " (" + c.source + ", " + c.capacity_type + " " + c.zone + ") $" +
        format_number_6(c.price.usd()) + "/h allocatable cpu " + std::to_string(c.allocatable.cpu_millis()) +
        "m memory " + std::to_string(c.allocatable.memory_bytes() / (1024 * 1024)) + "Mi pods " +
        std::to_string(c.allocatable.pods()));
  }
}

void World::demand_changed(const cluster::Pod& pod, int sign) {
  const SimTime now = m_engine.now();
  if (now > m_demand_since) m_demand_ms[m_demand] += (now - m_demand_since).ms;
  m_demand_since = now;
  const ResourceList& r = pod.spec->requests;
  m_demand.cpu_millis += sign * r.cpu_millis();
  m_demand.memory_bytes += sign * r.memory_bytes();
  m_demand.pods += sign * r.pods();
}

// The bound: sum over the distinct demands D of LP(D) x the time spent at D (map order, so the
// floating-point sum is deterministic); node-hours are the LP's fractional instance-hours.
void World::finish_lower_bound(SimTime end) {
  if (end > m_demand_since) m_demand_ms[m_demand] += (end - m_demand_since).ms;
  m_demand_since = end;
  const auto& cols = m_lower_bound->columns();
  double cost_usd = 0, instance_ms = 0, spot_ms = 0, peak_rate = -1;
  std::int64_t uncovered_ms = 0;
  const policy::lower_bound::CoverDemand* peak = nullptr;
  for (const auto& [d, ms] : m_demand_ms) {
    if (ms <= 0) continue;
    const auto& lp = m_lower_bound->solve(d);
    if (!lp.feasible) {
      uncovered_ms += ms;
      continue;
    }
    const double t = static_cast<double>(ms);
    cost_usd += lp.cost_usd_per_hour * t / 3'600'000.0;
    for (const auto& [j, x] : lp.mix) {
      instance_ms += x * t;
      if (cols[j].capacity_type == label::k_spot) spot_ms += x * t;
    }
    if (lp.cost_usd_per_hour > peak_rate) {
      peak_rate = lp.cost_usd_per_hour;
      peak = &d;
    }
  }
  Summary& sum = m_result.summary;
  sum.cost = Money::from_usd(cost_usd);
  m_result.bill.clear();  // the bound is a cost rate, not a bill
  sum.total_cost = Money{};
  sum.node_hours = instance_ms / 3'600'000.0;
  sum.spot_share = instance_ms > 0 ? spot_ms / instance_ms : 0.0;
  log("lower bound: " + std::to_string(m_lower_bound->distinct_demands()) + " distinct demand(s), cost $" +
      format_number_6(cost_usd) + ", " + format_number_6(sum.node_hours) + " fractional instance-hours");
  if (peak) {
    const auto& lp = m_lower_bound->solve(*peak);
    std::string mix;
    for (const auto& [j, x] : lp.mix) mix += (mix.empty() ? "" : " + ") + format_number_6(x) + " x " + cols[j].instance_type;
    log("lower bound: peak demand cpu " + std::to_string(peak->cpu_millis) + "m memory " +
        std::to_string(peak->memory_bytes / (1024 * 1024)) + "Mi pods " + std::to_string(peak->pods) + " -> " +
        (mix.empty() ? std::string("nothing") : mix) + " at $" + format_number_6(lp.cost_usd_per_hour) + "/h");
  }
  if (uncovered_ms > 0)
    log("warning: no allowed instance type offers a demanded resource for " + format_duration(Duration{uncovered_ms}) +
        "; that time is not priced");
}

// The price a node is billed at and its source, counted per (type, capacity type, zone).
void World::note_price_used(const cluster::Node& n) {
  const bool spot = n.capacity_type == label::k_spot;
  const std::string zone = spot ? n.zone : std::string();
  auto it = std::find_if(m_result.prices.begin(), m_result.prices.end(), [&](const PriceUsed& p) {
    return p.instance_type == n.instance_type && p.capacity_type == n.capacity_type && p.zone == zone;
  });
  if (it == m_result.prices.end()) {
    PriceUsed p;
    p.instance_type = n.instance_type;
    p.capacity_type = n.capacity_type;
    p.zone = zone;
    p.price_per_hour = n.price_per_hour;
    p.source = m_fake_types ? "the scenario's instance catalog"
               : spot      ? m_opts.catalog->spot_source(m_scenario.region, n.zone, n.instance_type)
                           : m_opts.catalog->on_demand_source(m_scenario.region, n.instance_type);
    const auto at = std::lower_bound(m_result.prices.begin(), m_result.prices.end(), p, [](const PriceUsed& a, const PriceUsed& b) {
      return std::tie(a.instance_type, a.capacity_type, a.zone) < std::tie(b.instance_type, b.capacity_type, b.zone);
    });
    it = m_result.prices.insert(at, std::move(p));
  }
  ++it->nodes;
}

void World::finish() {
  const SimTime end = m_engine.now();
  for (auto& [key, size] : m_node_sizes) m_result.node_sizes.push_back(std::move(size));
  Summary& sum = m_result.summary;
  double node_ms = 0;
  std::vector<cloud::BilledInstance> billed;
  billed.reserve(m_billing_start.size());
  for (const auto& [nid, start] : m_billing_start) {
    const auto& n = m_state.node(nid);
    SimTime stop = n.state == cluster::NodeState::terminated ? n.terminated_at : end;
    billed.push_back(billed_instance(m_scenario, *m_opts.catalog, n, stop - start));
    node_ms += static_cast<double>((stop - start).ms);
    note_price_used(n);
  }
  const cloud::Bill bill = cloud::compute_bill(billed, end - SimTime{}, billing_rates(m_scenario.pricing));
  m_result.bill = bill.lines;
  sum.cost = bill.instances;
  sum.total_cost = bill.total;
  sum.node_hours = node_ms / 3'600'000.0;
  double spot_ms = 0;
  for (const auto& [nid, start] : m_billing_start) {
    const auto& n = m_state.node(nid);
    SimTime stop = n.state == cluster::NodeState::terminated ? n.terminated_at : end;
    if (n.capacity_type == label::k_spot) spot_ms += static_cast<double>((stop - start).ms);
  }
  sum.spot_share = node_ms > 0 ? spot_ms / node_ms : 0.0;
  for (const auto& t : m_result.terminations) ++sum.terminations_by_reason[t.reason];
  for (const auto& l : m_result.launches) ++sum.nodes_by_instance_type[l.instance_type];
  if (m_lower_bound) finish_lower_bound(end);
  sum.final_nodes = m_live_instances;
  sum.pods_created = m_pods_created;
  for (auto pid : m_state.pending_pods()) {
    const auto& p = m_state.pod(pid);
    if (p.is_daemon()) continue;
    ++sum.pods_pending_at_end;
    m_pending_seconds.push_back((end - p.created).seconds_f());
  }
  std::sort(m_pending_seconds.begin(), m_pending_seconds.end());
  sum.pod_pending_p50_s = nearest_rank(m_pending_seconds, 0.50);
  sum.pod_pending_p95_s = nearest_rank(m_pending_seconds, 0.95);
  sum.pod_pending_p99_s = nearest_rank(m_pending_seconds, 0.99);
  sum.pod_pending_max_s = m_pending_seconds.empty() ? 0.0 : m_pending_seconds.back();
  explain_pending();
  m_result.structural = m_probe.finish(m_state, m_result, m_zones);
  if (const policy::ControllerStats* stats = m_autoscaler->controller_stats()) summarize_controller_time(*stats);
}

// The passes' nearest-rank quantiles, as the pending-time percentiles above.
void World::summarize_controller_time(const policy::ControllerStats& stats) {
  if (stats.model == "instant") {
    if (stats.typical_max_ms > stats.poll_period.ms)
      m_result.controller_time_warning =
          "the longest " + std::string(stats.controller == "loop" ? "loop" : stats.controller + " pass") + " did work that takes " + format_duration(Duration{stats.typical_max_ms}) +
          " under --controller-time typical, longer than the " + format_duration(stats.poll_period) +
          " poll period: this run assumes instant passes (--controller-time typical shows the difference)";
    return;
  }
  ControllerTimeSummary c;
  c.model = stats.model;
  c.controller = stats.controller;
  c.passes = static_cast<std::int64_t>(stats.pass_ms.size());
  std::vector<std::int64_t> ms = stats.pass_ms, evaluated = stats.evaluated;
  std::sort(ms.begin(), ms.end());
  std::sort(evaluated.begin(), evaluated.end());
  c.pass_p50_s = static_cast<double>(nearest_rank(ms, 0.50)) / 1000.0;
  c.pass_p95_s = static_cast<double>(nearest_rank(ms, 0.95)) / 1000.0;
  c.pass_max_s = static_cast<double>(nearest_rank(ms, 1.0)) / 1000.0;
  c.evaluated_p50 = nearest_rank(evaluated, 0.50);
  c.evaluated_max = nearest_rank(evaluated, 1.0);
  c.single_node_timeouts = stats.single_node_timeouts;
  c.multi_node_timeouts = stats.multi_node_timeouts;
  c.scale_down_timeouts = stats.scale_down_timeouts;
  m_result.controller_time = std::move(c);
}

AutoscalerResult World::run() {
  if (m_lower_bound) {
    add_virtual_node();  // the demand-only world: no node groups, no failures
  } else {
    add_node_groups();
    add_node_claims();
    schedule_failures();
  }
  schedule_timeline();
  // After the t = 0 applies (same phase, later sequence), before the scheduler pass.
  if (!m_initial_bindings.empty()) m_engine.schedule(SimTime{0}, Phase::workload, [this] { bind_initial_pods(); });
  const SimTime end = SimTime{0} + m_scenario.duration;
  for (SimTime t{0}; t <= end; t = t + m_opts.sample_interval)
    m_engine.schedule(t, Phase::metrics, [this] { sample(); });
  refresh_wakeup();
  if (m_opts.check_invariants) {
    check_invariants();
    while (auto next = m_engine.next_time()) {
      if (*next > end) break;
      m_engine.run_next();
      check_invariants();
    }
  }
  m_engine.run_until(end);
  if (m_result.samples.empty() || m_result.samples.back().at != end) sample();
  finish();
  return std::move(m_result);
}

void World::check_invariants() const {
  const auto fail = [&](const std::string& what) {
    throw InvariantError("invariant violated at t=" + format_clock(m_engine.now()) + " (" + m_autoscaler_name +
                         "): " + what);
  };
  std::set<cluster::PodId> on_nodes;
  for (auto nid : m_state.node_ids()) {
    const auto& n = m_state.node(nid);
    ResourceList sum;
    for (auto pid : n.pods) {
      if (!m_state.live_pods().count(pid)) fail("node " + n.name + " lists a pod that is gone");
      const auto& p = m_state.pod(pid);
      if (p.node != nid) fail("pod " + p.namespace_ + "/" + p.name + " is listed on node " + n.name + " but bound elsewhere");
      if (!on_nodes.insert(pid).second) fail("pod " + p.namespace_ + "/" + p.name + " is on two nodes");
      sum += p.spec->requests;
    }
    if (!(sum == n.requested)) fail("node " + n.name + " requests " + to_string(n.requested) + ", its pods " + to_string(sum));
    // (The lower bound's virtual node has no allocatable: every workload pod binds to it.)
    if (!n.pods.empty() && nid != m_virtual_node && !n.requested.fits_in(n.allocatable))
      fail("node " + n.name + " (" + n.instance_type + ") is over its allocatable: requests " + to_string(n.requested) +
           ", allocatable " + to_string(n.allocatable));
  }
  for (auto pid : m_state.live_pods()) {
    const auto& p = m_state.pod(pid);
    if (p.bound() ? !on_nodes.count(pid) : !m_state.pending_pods().count(pid))
      fail("pod " + p.namespace_ + "/" + p.name + (p.bound() ? " is bound to a node that does not list it" : " is neither bound nor pending"));
  }
  if (m_state.pods_created() != m_state.live_pods().size() + m_pods_removed)
    fail("pods not conserved: " + std::to_string(m_state.pods_created()) + " created, " +
         std::to_string(m_state.live_pods().size()) + " live, " + std::to_string(m_pods_removed) + " removed");
}

void World::check_launch_explained(cluster::NodeId id) const {
  // The node was launched for these pods. It is explained if one of them is bound to it, or if one
  // still pending could bind to it now; pods gone or bound elsewhere say nothing.
  auto it = m_launched_for.find(id);
  if (it == m_launched_for.end()) return;
  const auto& n = m_state.node(id);
  std::string reasons;
  bool pending_any = false;
  for (auto pid : m_state.live_pods()) {
    const auto& p = m_state.pod(pid);
    if (std::find(it->second.begin(), it->second.end(), p.uid) == it->second.end()) continue;
    if (p.node == id) return;
    if (p.bound()) continue;
    pending_any = true;
    const std::string why = scheduling::kube_filter(n, *p.spec, m_state);
    if (why.empty()) return;
    if (reasons.empty()) reasons = p.namespace_ + "/" + p.name + ": " + why;
  }
  if (pending_any)
    throw InvariantError("invariant violated at t=" + format_clock(m_engine.now()) + " (" + m_autoscaler_name +
                         "): node " + n.name + " (" + n.instance_type + ", launched for " +
                         std::to_string(it->second.size()) + " pod(s)) is initialized and none of its pending pods can bind to it (" +
                         reasons + ")");
}

}  // namespace capsim::sim
