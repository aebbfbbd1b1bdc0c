// Karpenter policy: construction (NodePool models, instance types), templates for the solver,
// the AWS launch request and wake-up bookkeeping. Provisioning and disruption live beside it.
#include "capsim/policy/karpenter/karpenter.hpp"

#include <algorithm>
#include <cstdio>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/policy/node_class.hpp"

namespace capsim::policy::karpenter {
namespace {

bool is_exotic(const catalog::InstanceType& it) {
  // aws:pkg/providers/instance/filter/filter.go ExoticInstanceTypeFilter: metal sizes and types
  // with GPU / Neuron / Gaudi capacity.
  if (it.name.find("metal") != std::string::npos) return true;
  for (Resource r : {Resource::nvidia_gpu, Resource::amd_gpu, Resource::neuron, Resource::gaudi})
    if (it.capacity.get(r).milli > 0) return true;
  return false;
}

std::string nc_key_zones(const std::vector<std::string>& zones) {
  std::string s;
  for (const auto& z : zones) s += z + ",";
  return s;
}

}  // namespace

std::uint64_t Karpenter::daemonsets_key(const View& view) {
  std::uint64_t key = 1469598103934665603ULL;
  for (const auto& ds : view.daemonsets) key = stable_hash(ds.name, key ^ reinterpret_cast<std::uintptr_t>(ds.spec));
  return key;
}

Karpenter::Karpenter(Config cfg) : m_cfg(std::move(cfg)) {
  CAPSIM_ASSERT(m_cfg.catalog != nullptr, "karpenter needs a catalog");
  build_pools();
  m_stats.controller = "disruption";
  m_stats.model = model().preset;
  m_stats.poll_period = k_disruption_poll;
}

namespace {
std::string kubelet_key(const catalog::KubeletConfig& k) {
  std::string s = std::to_string(k.max_pods.value_or(-1)) + "," + std::to_string(k.pods_per_core.value_or(-1));
  for (const auto& [n, q] : k.kube_reserved) s += ",kr:" + n + "=" + std::to_string(q.milli);
  for (const auto& [n, q] : k.system_reserved) s += ",sr:" + n + "=" + std::to_string(q.milli);
  for (const auto& [n, v] : k.eviction_hard) s += ",eh:" + n + "=" + v;
  return s;
}
std::string taints_key(const std::vector<Taint>& ts) {
  std::vector<std::string> v;
  for (const auto& t : ts) v.push_back(describe(t));
  std::sort(v.begin(), v.end());
  std::string s;
  for (const auto& x : v) s += x + ";";
  return s;
}
std::string hex(std::uint64_t h) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}
}  // namespace

void Karpenter::build_pools() {
  ++m_state_version;
  std::vector<spec::NodePool> pools = m_cfg.node_pools;
  // pkg/utils/nodepool/nodepool.go OrderByWeight: weight descending, ties by name descending.
  std::sort(pools.begin(), pools.end(), [](const spec::NodePool& a, const spec::NodePool& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.name > b.name;
  });
  m_pools.clear();
  for (auto& p : pools) {
    NodePoolModel m;
    m.spec = p;
    const spec::NodeClass* nc = nullptr;
    for (const auto& c : m_cfg.node_classes)
      if (c.name == p.node_class_ref) nc = &c;
    m.node_class_spec = nc;
    m.node_class = node_pool_params(p, nc, m_cfg.settings.vm_memory_overhead_percent);
    m.zones = node_class_zones(nc, m_cfg.zones);
    // Instance types per distinct NodeClass parameters (the provider caches them per NodeClass);
    // the cache survives NodePool updates so offering availability is kept.
    std::string key = std::string(catalog::ami_family_name(m.node_class.ami_family)) + "|" +
                      (m.node_class.root_volume_size ? std::to_string(m.node_class.root_volume_size->milli) : "-") +
                      "|" + kubelet_key(m.node_class.kubelet) + "|" + nc_key_zones(m.zones);
    auto& cached = m_type_cache[key];
    if (!cached && m_cfg.fake_instance_types)
      // A built-in fake catalog (Karpenter's fake provider): every NodeClass gets the same types,
      // with the fake provider's own overhead, restricted to the NodeClass's zones.
      cached = std::make_shared<std::vector<catalog::InstanceType>>(
          catalog::fake_types_in_zones(*m_cfg.fake_instance_types, m.zones));
    if (!cached)
      cached = std::make_shared<std::vector<catalog::InstanceType>>(
          catalog::build_instance_types(*m_cfg.catalog, m_cfg.region, m.zones, m.node_class));
    m.instance_types = cached;
    for (const auto& r : p.requirements) m.requirements.add(Requirement(r.key, r.op, r.values, r.min_values));
    for (const auto& [k, v] : p.labels) m.requirements.add(Requirement(k, Operator::in, {v}));
    std::string pool_label(v1alpha5() ? label::k_provisioner_name : label::k_nodepool);
    m.requirements.add(Requirement(pool_label, Operator::in, {p.name}));
    std::string pool_key = "labels:";
    for (const auto& [k, v] : p.labels) pool_key += k + "=" + v + ";";
    pool_key += "|annotations:";
    for (const auto& [k, v] : p.annotations) pool_key += k + "=" + v + ";";
    pool_key += "|taints:" + taints_key(p.taints) + "|startup:" + taints_key(p.startup_taints) + "|class:" +
                p.node_class_ref + "|kubelet:" + (p.kubelet ? kubelet_key(kubelet_config(*p.kubelet)) : "");
    m.pool_hash = hex(stable_hash(pool_key));
    m.class_hash = nc ? hex(stable_hash(nc->ami_family + "|" +
                                        (nc->root_volume_size ? std::to_string(nc->root_volume_size->milli) : "-") + "|" +
                                        (nc->kubelet ? kubelet_key(kubelet_config(*nc->kubelet)) : "")))
                      : std::string();
    m_pools.push_back(std::move(m));
  }
}

void Karpenter::on_node_pools_updated(const std::vector<spec::NodePool>& pools, const std::vector<spec::NodeClass>& classes,
                                      SimTime now) {
  for (const auto& np : pools)
    for (auto& p : m_cfg.node_pools)
      if (p.name == np.name) p = np;
  for (const auto& nc : classes)
    for (auto& c : m_cfg.node_classes)
      if (c.name == nc.name) c = nc;
  build_pools();
  // The NodeClaim disruption controller watches NodePools and node classes: drift is evaluated
  // right away (and every 5 minutes after).
  m_drift_check = now;
}

void Karpenter::detect_drift(const View& view) {
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    if (!n.managed() || !n.launched() || n.marked_for_deletion() || m_drifted.count(nid)) continue;
    const NodePoolModel* p = pool(n.node_pool);
    if (!p) continue;
    std::string reason;
    auto ann = [&](const char* k) {
      auto it = n.annotations.find(k);
      return it == n.annotations.end() ? std::string() : it->second;
    };
    if (ann("karpenter.sh/nodepool-hash") != p->pool_hash) {
      reason = "NodePoolDrifted";
    } else if (ann("karpenter.k8s.aws/ec2nodeclass-hash") != p->class_hash) {
      reason = "NodeClassDrifted";
    } else if (p->node_class_spec && !p->node_class_spec->subnet_zones.empty() &&
               std::find(p->node_class_spec->subnet_zones.begin(), p->node_class_spec->subnet_zones.end(), n.zone) ==
                   p->node_class_spec->subnet_zones.end()) {
      reason = "SubnetDrifted";
    } else {
      // RequirementsDrifted: the node's labels no longer satisfy the NodePool requirements.
      for (const auto& r : p->requirements.items()) {
        auto it = n.labels.find(r.key());
        const bool ok = it == n.labels.end() ? (r.op() == Operator::not_in || r.op() == Operator::does_not_exist)
                                             : r.has(it->second);
        if (!ok) {
          reason = "RequirementsDrifted";
          break;
        }
      }
    }
    if (!reason.empty()) m_drifted[nid] = {view.now, reason};
  }
}

const NodePoolModel* Karpenter::pool(std::string_view name) const {
  for (const auto& p : m_pools)
    if (p.spec.name == name) return &p;
  return nullptr;
}

const catalog::InstanceType* Karpenter::find_type(std::string_view pool_name, std::string_view type) const {
  const NodePoolModel* p = pool(pool_name);
  if (!p) return nullptr;
  auto it = std::lower_bound(p->instance_types->begin(), p->instance_types->end(), type,
                             [](const catalog::InstanceType& a, std::string_view n) { return a.name < n; });
  return it != p->instance_types->end() && it->name == type ? &*it : nullptr;
}

Duration Karpenter::nomination_window() const {
  // state/statenode.go nominationWindow: max(2 x BatchMaxDuration, 10 s).
  Duration d = m_cfg.settings.batch_max * 2;
  return d < k_nomination_min ? k_nomination_min : d;
}

bool Karpenter::nominated(cluster::NodeId id, SimTime now) const {
  auto it = m_nominated_until.find(id);
  return it != m_nominated_until.end() && now < it->second;
}

void Karpenter::note_new_claim_expiry(SimTime created, const NodePoolModel& p) {
  if (v1alpha5() || !p.spec.expire_after) return;
  SimTime at = created + *p.spec.expire_after;
  if (!m_next_expiry || at < *m_next_expiry) m_next_expiry = at;
}

bool Karpenter::synced(const View& view) const {
  // state/cluster.go Synced: every NodeClaim has been launched (has a provider id).
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    if (n.managed() && n.state == cluster::NodeState::launching) return false;
  }
  return true;
}

std::optional<SimTime> Karpenter::next_wakeup() const {
  std::optional<SimTime> t;
  auto consider = [&](SimTime x) {
    if (!t || x < *t) t = x;
  };
  if (m_solve_end) consider(m_solve_end->at);
  else if (m_batch_start) consider(std::min(m_batch_idle_deadline, *m_batch_start + m_cfg.settings.batch_max));
  if (m_next_requeue) consider(*m_next_requeue);
  if (m_pass_end) consider(m_pass_end->at);
  else if (m_validation) consider(m_validation->due);
  if (m_next_expiry) consider(*m_next_expiry);
  if (m_next_command_check) consider(*m_next_command_check);
  if (m_drift_check) consider(*m_drift_check);
  if (!m_pass_end) consider(m_next_poll);
  return t;
}

std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> Karpenter::templates(const View& view,
                                                                                   std::vector<Note>& notes) const {
  auto t = templates(view);
  notes.insert(notes.end(), m_templates_notes.begin(), m_templates_notes.end());
  return t;
}

std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> Karpenter::templates(const View& view) const {
  // The key below reads every node of a pool with limits: computed once per cluster state.
  const std::uint64_t ds_key = daemonsets_key(view);
  const std::array<std::uint64_t, 3> seen{view.cluster.generation(), m_state_version, ds_key};
  if (m_templates_cache && m_templates_seen == seen) return m_templates_cache;
  m_templates_seen = seen;
  std::uint64_t key = stable_hash(std::to_string(m_state_version));
  key ^= ds_key;
  for (const auto& p : m_pools) {
    if (!p.spec.has_limits) continue;
    for (auto nid : view.cluster.node_ids()) {
      const auto& n = view.cluster.node(nid);
      if (n.node_pool != p.spec.name) continue;
      key = stable_hash(to_string(n.capacity), key ^ nid);
    }
  }
  if (!m_templates_cache || m_templates_key != key) {
    m_templates_notes.clear();
    m_templates_cache = std::make_shared<const std::vector<scheduling::NodeClaimTemplate>>(build_templates(view, m_templates_notes));
    m_templates_key = key;
  }
  return m_templates_cache;
}

std::vector<scheduling::NodeClaimTemplate> Karpenter::build_templates(const View& view, std::vector<Note>& notes) const {
  std::vector<scheduling::NodeClaimTemplate> out;
  for (const auto& p : m_pools) {
    scheduling::NodeClaimTemplate t;
    t.node_pool = p.spec.name;
    t.weight = p.spec.weight;
    t.requirements = p.requirements;
    t.labels = p.spec.labels;
    t.taints = p.spec.taints;
    t.startup_taints = p.spec.startup_taints;
    // NewScheduler pre-filter: types compatible with the template requirements and with an
    // available compatible offering.
    for (const auto& it : *p.instance_types) {
      if (it.requirements.intersects(t.requirements)) continue;
      bool offering = std::any_of(it.offerings.begin(), it.offerings.end(), [&](const catalog::Offering& o) {
        return o.available && scheduling::offering_compatible(o, t.requirements);
      });
      if (!offering) continue;
      t.instance_types.push_back(&it);
    }
    if (t.instance_types.empty()) {
      notes.push_back(Note{"ignored", "NoCompatibleInstanceTypes", p.spec.name, {}, {}, {},
                           "nodepool \"" + p.spec.name + "\" has no compatible instance types"});
      continue;
    }
    // DaemonSet overhead (provisioning/scheduling/scheduler.go buildDaemonOverheadGroups in v1;
    // one template-wide overhead in v0.29, getDaemonOverhead).
    std::vector<Toleration> extra{Toleration{"", true, "", TaintEffect::prefer_no_schedule}};
    t.daemon_overhead.assign(t.instance_types.size(), ResourceList{});
    for (const auto& ds : view.daemonsets) {
      std::vector<Toleration> tols = ds.spec->tolerations;
      tols.insert(tols.end(), extra.begin(), extra.end());
      if (first_untolerated(t.taints, tols)) continue;
      if (v1alpha5()) {
        if (t.requirements.compatible(ds.spec->karpenter_requirements(true), scheduling::is_well_known_label)) continue;
        for (auto& o : t.daemon_overhead) o += ds.spec->requests;
        continue;
      }
      // Try each required OR-term in turn (drop the first term and retry).
      std::vector<Requirements> terms = ds.spec->required_terms;
      if (terms.empty()) terms.emplace_back();
      auto term_requirements = [&](const Requirements& term) {
        Requirements r;
        for (const auto& [k, v] : ds.spec->node_selector) r.add(Requirement(k, Operator::in, {v}));
        r.add(term);
        return r;
      };
      // Host ports: the template as a whole (getDaemonHostPortUsage / isDaemonPodCompatible).
      if (!ds.spec->host_ports.empty() && std::any_of(terms.begin(), terms.end(), [&](const Requirements& term) {
            return !t.requirements.compatible(term_requirements(term), scheduling::is_well_known_label);
          }))
        t.daemon_host_ports.insert(t.daemon_host_ports.end(), ds.spec->host_ports.begin(), ds.spec->host_ports.end());
      for (std::size_t i = 0; i < t.instance_types.size(); ++i) {
        for (const auto& term : terms) {
          const Requirements r = term_requirements(term);
          if (t.requirements.compatible(r, scheduling::is_well_known_label)) continue;
          if (t.instance_types[i]->requirements.intersects(r)) continue;
          t.daemon_overhead[i] += ds.spec->requests;
          break;
        }
      }
    }
    // Limits: spec.limits - sum of capacity of this pool's nodes (in-flight included).
    if (p.spec.has_limits) {
      t.remaining_limits = p.spec.limits;
      for (const auto& [name, q] : p.spec.limits.sorted_entries()) t.limited_resources.push_back(name);
      if (t.limited_resources.empty()) t.limited_resources.push_back("cpu");  // an explicit limit of 0
      for (auto nid : view.cluster.node_ids()) {
        const auto& n = view.cluster.node(nid);
        if (n.node_pool != p.spec.name) continue;
        t.remaining_limits -= n.capacity;
        if (n.capacity.get(Resource::nodes).milli == 0) t.remaining_limits.add(Resource::nodes, Quantity{-1000});
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

scheduling::ExistingNodeInput Karpenter::make_existing_node(const View& view, const cluster::Node& n) const {
  scheduling::ExistingNodeInput in;
  in.id = n.id;
  in.name = n.name;
  in.initialized = n.initialized();
  in.requirements = Requirements::from_labels(n.labels);
  in.requirements.add(Requirement(std::string(label::k_hostname), Operator::in, {n.name}));
  // Taints: for uninitialized Karpenter nodes, NodeClaim taints minus startup taints.
  for (const auto& taint : n.taints) {
    if (!n.initialized() && std::find(n.startup_taints.begin(), n.startup_taints.end(), taint) != n.startup_taints.end())
      continue;
    in.taints.push_back(taint);
  }
  if (n.unschedulable) in.taints.push_back(Taint{"node.kubernetes.io/unschedulable", "", TaintEffect::no_schedule});
  in.remaining = n.allocatable - n.requested;
  // Daemon overhead of compatible DaemonSets not yet running there.
  for (const auto& ds : view.daemonsets) {
    bool running = std::any_of(n.pods.begin(), n.pods.end(), [&](cluster::PodId pid) {
      const auto& pod = view.cluster.pod(pid);
      return pod.is_daemon() && pod.owner.name == ds.name;
    });
    if (running) continue;
    if (first_untolerated(n.taints, ds.spec->tolerations)) continue;
    if (!ds.spec->node_affinity_matches(n.labels)) continue;
    in.remaining -= ds.spec->requests;
  }
  for (auto pid : n.pods) {
    const auto& pod = view.cluster.pod(pid);
    const auto& hp = pod.spec->host_ports;
    in.used_host_ports.insert(in.used_host_ports.end(), hp.begin(), hp.end());
    // Topology counts and inverse anti-affinity (Topology.countDomains / updateInverseAffinities);
    // terminating pods are IgnoredForTopology (topology.go).
    if (pod.terminating) continue;
    in.pods.push_back(scheduling::BoundPodInput{pod.uid, pod.namespace_, &pod.labels, pod.spec.get()});
    if (!pod.spec->pod_anti_affinity.empty()) in.has_required_anti_affinity = true;
  }
  return in;
}

// pkg/utils/disruption/disruption.go IsUnderConsolidateAfter: an initialized NodeClaim whose pool's
// consolidateAfter (not 0s, not Never) has not passed since its last pod event (else since it was
// initialized).
bool Karpenter::under_consolidate_after(const NodePoolModel* p, const cluster::Node& n, SimTime now) {
  if (!p || !n.managed() || !n.initialized() || !p->spec.consolidate_after || p->spec.consolidate_after->ms == 0)
    return false;
  return now - std::max(n.last_pod_event_at, n.initialized_at) < *p->spec.consolidate_after;
}

std::shared_ptr<const scheduling::NodeIndex> Karpenter::node_index(const View& view, bool consolidation) const {
  const std::uint64_t ds_key = daemonsets_key(view);
  const SimTime at = consolidation ? view.now : SimTime{0};
  NodeIndexCache& c = m_node_index[consolidation ? 1 : 0];
  if (c.index && c.generation == view.cluster.generation() && c.daemonsets == ds_key && c.state_version == m_state_version &&
      c.at == at)
    return c.index;
  auto nodes = existing_nodes(view);
  // scheduling/scheduler.go (v1.14): in consolidation simulations, candidate pods skip existing
  // nodes still inside their NodePool's consolidateAfter window, counted from the last pod event
  // (else initialization); 0s and Never never block (pkg/utils/disruption IsUnderConsolidateAfter).
  // Upstream exempts pending pods; capsim keeps such a node out of the placement for every pod of
  // the simulation (the pending pods there are ones kube-scheduler could not place anyway).
  if (consolidation)
    for (auto& ref : nodes) {
      const auto& n = view.cluster.node(ref.in->id);
      if (under_consolidate_after(pool(n.node_pool), n, view.now)) ref.accepts_pods = false;
    }
  c = NodeIndexCache{view.cluster.generation(), ds_key, m_state_version, at,
                     std::make_shared<const scheduling::NodeIndex>(std::move(nodes), /*presorted=*/true)};
  return c.index;
}

std::vector<scheduling::ExistingNodeRef> Karpenter::existing_nodes(const View& view) const {
  // The inputs depend on the node (its version moves with every change) and on the DaemonSets.
  const std::uint64_t ds_key = daemonsets_key(view);
  std::size_t live = 0;
  for (auto nid : view.cluster.node_ids()) {
    if (m_node_inputs.size() <= nid) m_node_inputs.resize(nid + 1);
    NodeInputCache& c = m_node_inputs[nid];
    const auto& n = view.cluster.node(nid);
    ++live;
    if (c.valid && c.version == n.version && c.daemonsets == ds_key) continue;
    m_node_index = {};  // the cached indexes point at the inputs about to change
    if (!c.valid || c.in.initialized != n.initialized()) m_node_order_dirty = true;
    c.in = make_existing_node(view, n);
    c.version = n.version;
    c.daemonsets = ds_key;
    c.valid = true;
  }
  if (live != m_node_order.size()) m_node_order_dirty = true;
  if (m_node_order_dirty) {
    m_node_index = {};
    m_node_order.assign(view.cluster.nodes().begin(), view.cluster.nodes().end());
    for (std::size_t i = 0; i < m_node_inputs.size(); ++i)
      if (m_node_inputs[i].valid && !view.cluster.nodes().count(static_cast<cluster::NodeId>(i))) m_node_inputs[i] = {};
    // scheduler.go NewScheduler: initialized nodes first, then by name.
    std::sort(m_node_order.begin(), m_node_order.end(), [&](cluster::NodeId a, cluster::NodeId b) {
      const auto& x = m_node_inputs[a].in;
      const auto& y = m_node_inputs[b].in;
      if (x.initialized != y.initialized) return x.initialized;
      return x.name < y.name;
    });
    m_node_order_dirty = false;
  }
  std::vector<scheduling::ExistingNodeRef> out;
  out.reserve(m_node_order.size());
  for (auto nid : m_node_order) {
    const auto& n = view.cluster.node(nid);
    if (!n.active() || !n.launched()) continue;
    // v0.29 considered only Karpenter-owned nodes; v1 considers every node.
    if (v1alpha5() && !n.managed()) continue;
    out.push_back(scheduling::ExistingNodeRef{&m_node_inputs[nid].in, true});
  }
  return out;
}

cloud::FleetRequest Karpenter::fleet_request(const scheduling::NewNodeClaim& nc) const {
  // aws:pkg/providers/instance/instance.go Create + filter/filter.go.
  const Requirements& reqs = nc.requirements;
  std::vector<const catalog::InstanceType*> types;
  for (const auto* it : nc.instance_types)
    if (nc.requests.fits_in(it->allocatable) && scheduling::cheapest_offering_price(*it, reqs)) types.push_back(it);
  const bool min_values = reqs.has_min_values();
  if (!min_values) {
    std::vector<const catalog::InstanceType*> plain;
    for (const auto* it : types)
      if (!is_exotic(*it)) plain.push_back(it);
    if (!plain.empty()) types = std::move(plain);
  }
  const Requirement* ct = reqs.get(label::k_capacity_type);
  auto allows = [&](std::string_view c) { return !ct || ct->has(c); };
  // Spot offerings priced above the cheapest on-demand offering are dropped when both are allowed.
  std::optional<Money> cheapest_od;
  bool any_spot = false;
  for (const auto* it : types)
    for (const auto& o : it->offerings) {
      if (!o.available || !scheduling::offering_compatible(o, reqs)) continue;
      if (o.capacity_type == label::k_on_demand && (!cheapest_od || o.price < *cheapest_od)) cheapest_od = o.price;
      if (o.capacity_type == label::k_spot) any_spot = true;
    }
  const bool drop_pricey_spot = !min_values && allows(label::k_spot) && allows(label::k_on_demand) && cheapest_od && any_spot;
  auto usable = [&](const catalog::Offering& o) {
    if (!o.available || !scheduling::offering_compatible(o, reqs)) return false;
    if (drop_pricey_spot && o.capacity_type == label::k_spot && o.price > *cheapest_od) return false;
    return true;
  };
  // Truncate to the 60 cheapest (price of the cheapest usable offering; ties by name).
  std::vector<std::pair<Money, const catalog::InstanceType*>> priced;
  for (const auto* it : types) {
    std::optional<Money> best;
    for (const auto& o : it->offerings)
      if (usable(o) && (!best || o.price < *best)) best = o.price;
    if (best) priced.emplace_back(*best, it);
  }
  std::sort(priced.begin(), priced.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->name < b.second->name;
  });
  if (priced.size() > k_aws_max_instance_types) priced.resize(k_aws_max_instance_types);
  // getCapacityType: spot when allowed and any remaining type has a usable spot offering.
  cloud::FleetRequest req;
  req.capacity_type = std::string(label::k_on_demand);
  if (allows(label::k_spot))
    for (const auto& [p, it] : priced)
      for (const auto& o : it->offerings)
        if (o.capacity_type == label::k_spot && usable(o)) req.capacity_type = std::string(label::k_spot);
  req.strategy = req.capacity_type == label::k_spot ? cloud::AllocationStrategy::price_capacity_optimized
                                                    : cloud::AllocationStrategy::lowest_price;
  for (const auto& [p, it] : priced)
    for (const auto& o : it->offerings)
      if (o.capacity_type == req.capacity_type && usable(o)) req.overrides.push_back({it, o.zone, o.price});
  return req;
}

}  // namespace capsim::policy::karpenter

namespace capsim::policy::karpenter {

void Karpenter::set_available(const std::string& capacity_type, const std::string& type, const std::string& zone,
                              bool available) {
  std::set<const void*> done;
  for (auto& p : m_pools) {
    if (!done.insert(p.instance_types.get()).second) continue;
    auto it = std::lower_bound(p.instance_types->begin(), p.instance_types->end(), type,
                               [](const catalog::InstanceType& a, const std::string& n) { return a.name < n; });
    if (it == p.instance_types->end() || it->name != type) continue;
    for (auto& o : it->offerings)
      if (o.capacity_type == capacity_type && o.zone == zone) o.available = available;
  }
  ++m_state_version;
}

void Karpenter::mark_unavailable(const std::string& capacity_type, const std::string& type, const std::string& zone,
                                 SimTime now) {
  m_unavailable[{capacity_type, type, zone}] = now + k_unavailable_offering_ttl;
  set_available(capacity_type, type, zone, false);
}

void Karpenter::refresh_availability(SimTime now) {
  for (auto it = m_unavailable.begin(); it != m_unavailable.end();) {
    if (now < it->second) {
      ++it;
      continue;
    }
    set_available(std::get<0>(it->first), std::get<1>(it->first), std::get<2>(it->first), true);
    it = m_unavailable.erase(it);
  }
}

void Karpenter::on_launch_result(const LaunchNode& request, const std::vector<cloud::FleetOverride>& insufficient,
                                 bool launched, SimTime now) {
  // aws instance.go: every ICE error marks (capacity type, instance type, zone) unavailable for
  // 3 minutes; a launch with no instance deletes the NodeClaim (the sim removed it) and its pods
  // are re-planned by the next provisioning loop without those offerings.
  (void)launched;
  for (const auto& o : insufficient) mark_unavailable(request.fleet.capacity_type, o.instance_type->name, o.zone, now);
}

Actions Karpenter::on_spot_interruption(cluster::NodeId node, const View& view) {
  // aws interruption controller: the spot pool is unavailable for 3 minutes and the NodeClaim is
  // deleted (cordon + drain, no replacement pre-spin, no budget).
  Actions out;
  const auto& n = view.cluster.node(node);
  if (!n.managed() || n.state == cluster::NodeState::deleting || n.state == cluster::NodeState::terminated) return out;
  mark_unavailable(n.capacity_type, n.instance_type, n.zone, view.now);
  out.deletions.push_back(DeleteNode{node, "interrupted"});
  out.notes.push_back(Note{"disrupt", "interrupted", n.node_pool, {n.name}, {n.instance_type}, {},
                           "initiating delete from interruption message, spot interruption warning for " + n.name + "/" +
                               n.instance_type + "/" + n.zone});
  return out;
}

}  // namespace capsim::policy::karpenter
