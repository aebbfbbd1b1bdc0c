// Karpenter policy (karpenter.hpp): construction (NodePool models, instance types), the NodeClaim
// lifecycle controllers (drift, expiration), the cluster-state checks and the order in which the
// controllers act at an instant.
#include "capsim/policy/karpenter/karpenter.hpp"

#include <algorithm>
#include <cstdio>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/policy/node_class.hpp"

namespace capsim::policy::karpenter {
namespace {

std::string nc_key_zones(const std::vector<std::string>& zones) {
  std::string s;
  for (const auto& z : zones) s += z + ",";
  return s;
}

}  // namespace

Karpenter::Karpenter(Config cfg) : m_shared(std::move(cfg)), m_disruption(m_shared, m_inputs, m_provisioner) {
  CAPSIM_ASSERT(m_shared.cfg.catalog != nullptr, "karpenter needs a catalog");
  build_pools();
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
  ++m_shared.state_version;
  std::vector<spec::NodePool> pools = m_shared.cfg.node_pools;
  // pkg/utils/nodepool/nodepool.go OrderByWeight: weight descending, ties by name descending.
  std::sort(pools.begin(), pools.end(), [](const spec::NodePool& a, const spec::NodePool& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.name > b.name;
  });
  m_shared.pools.clear();
  for (auto& p : pools) {
    NodePoolModel m;
    m.spec = p;
    const spec::NodeClass* nc = nullptr;
    for (const auto& c : m_shared.cfg.node_classes)
      if (c.name == p.node_class_ref) nc = &c;
    m.node_class_spec = nc;
    m.node_class = node_pool_params(p, nc, m_shared.cfg.settings.vm_memory_overhead_percent);
    m.zones = node_class_zones(nc, m_shared.cfg.zones);
    // Instance types per distinct NodeClass parameters (the provider caches them per NodeClass);
    // the cache survives NodePool updates so offering availability is kept.
    std::string key = std::string(catalog::ami_family_name(m.node_class.ami_family)) + "|" +
                      (m.node_class.root_volume_size ? std::to_string(m.node_class.root_volume_size->milli) : "-") +
                      (m.node_class.instance_store_raid0 ? "|RAID0" : "") + "|" + kubelet_key(m.node_class.kubelet) +
                      "|" + nc_key_zones(m.zones);
    auto& cached = m_type_cache[key];
    if (!cached && m_shared.cfg.fake_instance_types)
      // A built-in fake catalog (Karpenter's fake provider): every NodeClass gets the same types,
      // with the fake provider's own overhead, restricted to the NodeClass's zones.
      cached = std::make_shared<std::vector<catalog::InstanceType>>(
          catalog::fake_types_in_zones(*m_shared.cfg.fake_instance_types, m.zones));
    if (!cached)
      cached = std::make_shared<std::vector<catalog::InstanceType>>(
          catalog::build_instance_types(*m_shared.cfg.catalog, m_shared.cfg.region, m.zones, m.node_class));
    m.instance_types = cached;
    for (const auto& r : p.requirements) m.requirements.add(Requirement(r.key, r.op, r.values, r.min_values));
    for (const auto& [k, v] : p.labels) m.requirements.add(Requirement(k, Operator::in, {v}));
    std::string pool_label(m_shared.v1alpha5() ? label::k_provisioner_name : label::k_nodepool);
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
                                        (nc->kubelet ? kubelet_key(kubelet_config(*nc->kubelet)) : "") +
                                        // Unset fields leave upstream's hash unchanged (IgnoreZeroValue).
                                        (nc->instance_store_raid0 ? "|RAID0" : "")))
                      : std::string();
    m_shared.pools.push_back(std::move(m));
  }
}

void Karpenter::on_node_pools_updated(const std::vector<spec::NodePool>& pools, const std::vector<spec::NodeClass>& classes,
                                      SimTime now) {
  for (const auto& np : pools)
    for (auto& p : m_shared.cfg.node_pools)
      if (p.name == np.name) p = np;
  for (const auto& nc : classes)
    for (auto& c : m_shared.cfg.node_classes)
      if (c.name == nc.name) c = nc;
  build_pools();
  // The NodeClaim disruption controller watches NodePools and node classes: drift is evaluated
  // right away (and every 5 minutes after).
  m_drift_check = now;
}

void Karpenter::detect_drift(const View& view) {
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    if (!n.managed() || !n.launched() || n.marked_for_deletion() || m_shared.drifted.count(nid)) continue;
    const NodePoolModel* p = m_shared.pool(n.node_pool);
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
    if (!reason.empty()) m_shared.drifted[nid] = {view.now, reason};
  }
}

const catalog::InstanceType* Karpenter::find_type(std::string_view pool_name, std::string_view type) const {
  const NodePoolModel* p = m_shared.pool(pool_name);
  if (!p) return nullptr;
  auto it = std::lower_bound(p->instance_types->begin(), p->instance_types->end(), type,
                             [](const catalog::InstanceType& a, std::string_view n) { return a.name < n; });
  return it != p->instance_types->end() && it->name == type ? &*it : nullptr;
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
  auto consider = [&](std::optional<SimTime> x) {
    if (x && (!t || *x < *t)) t = x;
  };
  consider(m_provisioner.next_wakeup());
  consider(m_shared.next_expiry);
  consider(m_drift_check);
  consider(m_disruption.next_wakeup());
  return t;
}

void Karpenter::on_pods_unschedulable(const std::vector<cluster::PodId>& pods, SimTime now) {
  m_provisioner.on_pods_unschedulable(pods, now);
}

Actions Karpenter::reconcile(const View& view) {
  Actions out;
  const SimTime now = view.now;
  m_unavailable.refresh(now);
  if (m_drift_check && now >= *m_drift_check) {
    detect_drift(view);
    m_drift_check.reset();
  }
  if (!m_shared.v1alpha5() && m_shared.next_expiry && now >= *m_shared.next_expiry) out = expire(view);
  const bool is_synced = synced(view);
  m_provisioner.reconcile(view, is_synced, out);
  m_disruption.reconcile(view, is_synced, out);
  return out;
}

Actions Karpenter::expire(const View& view) {
  // v1: the expiration controller (nodeclaim/expiration/controller.go) deletes a NodeClaim at
  // exactly creation + expireAfter: forceful, no budget, no replacement pre-spin.
  Actions out;
  const SimTime now = view.now;
  m_shared.next_expiry.reset();
  for (auto nid : view.cluster.node_ids()) {
    const auto& n = view.cluster.node(nid);
    if (!n.managed() || n.marked_for_deletion()) continue;
    const NodePoolModel* p = m_shared.pool(n.node_pool);
    if (!p) continue;
    const std::optional<Duration> ttl = p->spec.expire_after;
    if (!ttl) continue;
    const SimTime at = n.created_at + *ttl;
    if (now < at) {
      if (!m_shared.next_expiry || at < *m_shared.next_expiry) m_shared.next_expiry = at;
      continue;
    }
    out.deletions.push_back(DeleteNode{nid, "expired"});
    out.notes.push_back(Note{"disrupt", "expired", n.node_pool, {n.name}, {n.instance_type}, {},
                             "disrupting nodeclaim(s) via delete, expired " + n.name + "/" + n.instance_type + "/" +
                                 n.capacity_type + " (expire after " + format_duration(*ttl) + ")"});
  }
  return out;
}

void Karpenter::on_launch_result(const LaunchNode& request, const std::vector<cloud::FleetOverride>& insufficient,
                                 bool launched, SimTime now) {
  // aws instance.go: every ICE error marks (capacity type, instance type, zone) unavailable for
  // 3 minutes; a launch with no instance deletes the NodeClaim (the sim removed it) and its pods
  // are re-planned by the next provisioning loop without those offerings.
  (void)launched;
  for (const auto& o : insufficient) m_unavailable.mark(request.fleet.capacity_type, o.instance_type->name, o.zone, now);
}

Actions Karpenter::on_spot_interruption(cluster::NodeId node, const View& view) {
  // aws interruption controller: the spot pool is unavailable for 3 minutes and the NodeClaim is
  // deleted (cordon + drain, no replacement pre-spin, no budget).
  Actions out;
  const auto& n = view.cluster.node(node);
  if (!n.managed() || n.state == cluster::NodeState::deleting || n.state == cluster::NodeState::terminated) return out;
  m_unavailable.mark(n.capacity_type, n.instance_type, n.zone, view.now);
  out.deletions.push_back(DeleteNode{node, "interrupted"});
  out.notes.push_back(Note{"disrupt", "interrupted", n.node_pool, {n.name}, {n.instance_type}, {},
                           "initiating delete from interruption message, spot interruption warning for " + n.name + "/" +
                               n.instance_type + "/" + n.zone});
  return out;
}

void Karpenter::adopt(cluster::Node& n) {
  // What launch_for and the launch give a node of this pool, for a NodeClaim that exists at t = 0,
  // beyond the pool's labels and taints, which the world sets for every autoscaler.
  const NodePoolModel* pm = m_shared.pool(n.node_pool);
  if (!pm) return;
  n.requirements = pm->requirements;
  n.requirements.erase(label::k_instance_type);
  n.requirements.add(Requirement(std::string(label::k_instance_type), Operator::in, {n.instance_type}));
  n.requirements.add(Requirement(std::string(label::k_capacity_type), Operator::in, {n.capacity_type}));
  n.instance_type_options = {n.instance_type};
  n.annotations = pm->spec.annotations;
  n.annotations["karpenter.sh/nodepool-hash"] = pm->pool_hash;
  n.annotations["karpenter.k8s.aws/ec2nodeclass-hash"] = pm->class_hash;
  n.termination_grace_period = pm->spec.termination_grace_period;
  // v1: its expiry counts from its creation, as a launched one's (nodeclaim/expiration/controller.go
  // compares now with creationTimestamp + spec.expireAfter); one already past it expires at once.
  m_shared.note_new_claim_expiry(n.created_at, *pm);
  // Capacity and allocatable as this pool's node class computes them.
  for (const auto& it : *pm->instance_types)
    if (it.name == n.instance_type) {
      n.capacity = it.capacity;
      n.allocatable = it.allocatable;
    }
}

}  // namespace capsim::policy::karpenter
