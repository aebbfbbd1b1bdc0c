// The NodeClaim templates and the existing nodes every Karpenter solve starts from, with their
// caches (scheduling_inputs.hpp).
#include "capsim/policy/karpenter/scheduling_inputs.hpp"

#include <algorithm>

#include "capsim/core/rng.hpp"

namespace capsim::policy::karpenter {

std::uint64_t SchedulingInputs::daemonsets_key(const View& view) {
  std::uint64_t key = 1469598103934665603ULL;
  for (const auto& ds : view.daemonsets) key = stable_hash(ds.name, key ^ reinterpret_cast<std::uintptr_t>(ds.spec));
  return key;
}

std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> SchedulingInputs::templates(const View& view,
                                                                                   std::vector<Note>& notes) const {
  auto t = templates(view);
  notes.insert(notes.end(), m_templates_notes.begin(), m_templates_notes.end());
  return t;
}

std::shared_ptr<const std::vector<scheduling::NodeClaimTemplate>> SchedulingInputs::templates(const View& view) const {
  // The key below reads every node of a pool with limits: computed once per cluster state.
  const std::uint64_t ds_key = daemonsets_key(view);
  const std::array<std::uint64_t, 3> seen{view.cluster.generation(), m_shared.state_version, ds_key};
  if (m_templates && m_templates_seen == seen) return m_templates;
  m_templates_seen = seen;
  std::uint64_t key = stable_hash(std::to_string(m_shared.state_version));
  key ^= ds_key;
  for (const auto& p : m_shared.pools) {
    if (!p.spec.has_limits) continue;
    for (auto nid : view.cluster.node_ids()) {
      const auto& n = view.cluster.node(nid);
      if (n.node_pool != p.spec.name) continue;
      key = stable_hash(to_string(n.capacity), key ^ nid);
    }
  }
  if (!m_templates || m_templates_key != key) {
    m_templates_notes.clear();
    m_templates = std::make_shared<const std::vector<scheduling::NodeClaimTemplate>>(build_templates(view, m_templates_notes));
    m_templates_key = key;
  }
  return m_templates;
}

std::vector<scheduling::NodeClaimTemplate> SchedulingInputs::build_templates(const View& view, std::vector<Note>& notes) const {
  std::vector<scheduling::NodeClaimTemplate> out;
  for (const auto& p : m_shared.pools) {
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
      if (m_shared.v1alpha5()) {
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

scheduling::ExistingNodeInput SchedulingInputs::make_existing_node(const View& view, const cluster::Node& n,
                                                                  Requirements* requirements) const {
  scheduling::ExistingNodeInput in;
  in.id = n.id;
  in.name = n.name;
  in.initialized = n.initialized();
  if (requirements) {
    in.requirements = std::move(*requirements);
  } else {
    in.requirements = Requirements::from_labels(n.labels);
    in.requirements.add(Requirement(std::string(label::k_hostname), Operator::in, {n.name}));
  }
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
bool SchedulingInputs::under_consolidate_after(const NodePoolModel* p, const cluster::Node& n, SimTime now) {
  if (!p || !n.managed() || !n.initialized() || !p->spec.consolidate_after || p->spec.consolidate_after->ms == 0)
    return false;
  return now - std::max(n.last_pod_event_at, n.initialized_at) < *p->spec.consolidate_after;
}

std::shared_ptr<const scheduling::NodeIndex> SchedulingInputs::node_index(const View& view, bool consolidation) const {
  const std::uint64_t ds_key = daemonsets_key(view);
  const SimTime at = consolidation ? view.now : SimTime{0};
  NodeIndexCache& c = m_node_index[consolidation ? 1 : 0];
  if (c.index && c.generation == view.cluster.generation() && c.daemonsets == ds_key && c.state_version == m_shared.state_version &&
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
      if (under_consolidate_after(m_shared.pool(n.node_pool), n, view.now)) ref.accepts_pods = false;
    }
  c = NodeIndexCache{view.cluster.generation(), ds_key, m_shared.state_version, at,
                     std::make_shared<const scheduling::NodeIndex>(std::move(nodes), /*presorted=*/true)};
  return c.index;
}

std::vector<scheduling::ExistingNodeRef> SchedulingInputs::existing_nodes(const View& view) const {
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
    // The requirements derive from the labels (and the name) alone: kept while the labels are the
    // same (most changes are pods binding or leaving; --exact: built again).
    const bool same_labels = c.valid && !m_shared.cfg.exact && c.labels == n.labels;
    c.in = make_existing_node(view, n, same_labels ? &c.in.requirements : nullptr);
    if (!same_labels) c.labels = n.labels;
    c.version = n.version;
    c.daemonsets = ds_key;
    c.valid = true;
  }
  if (live != m_node_order.size() || m_shared.cfg.exact) m_node_order_dirty = true;
  if (m_node_order_dirty) {
    // The order kept up to date: nodes that are gone leave it (with their inputs), nodes whose
    // initialization changed and new nodes are inserted at their place. Names are unique, so the
    // order is total and does not depend on the order of the changes.
    m_node_index = {};
    std::erase_if(m_node_order, [&](cluster::NodeId id) {
      NodeInputCache& c = m_node_inputs[id];
      if (view.cluster.node(id).state == cluster::NodeState::terminated) {  // removed (node ids are not reused)
        c = NodeInputCache{};
        return true;
      }
      if (c.placed_initialized == c.in.initialized) return false;
      c.placed = false;
      return true;
    });
    // scheduler.go NewScheduler: initialized nodes first, then by name.
    const auto before = [&](cluster::NodeId a, cluster::NodeId b) {
      const auto& x = m_node_inputs[a].in;
      const auto& y = m_node_inputs[b].in;
      if (x.initialized != y.initialized) return x.initialized;
      return x.name < y.name;
    };
    if (m_shared.cfg.exact) {
      // --exact: the whole order sorted afresh at every call.
      m_node_order.assign(view.cluster.node_ids().begin(), view.cluster.node_ids().end());
      std::sort(m_node_order.begin(), m_node_order.end(), before);
      for (auto nid : m_node_order) m_node_inputs[nid].placed = false;
    }
    for (auto nid : view.cluster.node_ids()) {
      NodeInputCache& c = m_node_inputs[nid];
      if (c.placed) continue;
      if (!m_shared.cfg.exact)
        m_node_order.insert(std::upper_bound(m_node_order.begin(), m_node_order.end(), nid, before), nid);
      c.placed = true;
      c.placed_initialized = c.in.initialized;
    }
    m_node_order_dirty = false;
  }
  std::vector<scheduling::ExistingNodeRef> out;
  out.reserve(m_node_order.size());
  for (auto nid : m_node_order) {
    const auto& n = view.cluster.node(nid);
    if (!n.active() || !n.launched()) continue;
    // v0.29 considered only Karpenter-owned nodes; v1 considers every node.
    if (m_shared.v1alpha5() && !n.managed()) continue;
    out.push_back(scheduling::ExistingNodeRef{&m_node_inputs[nid].in, true});
  }
  return out;
}

scheduling::SolverOptions SchedulingInputs::solver_options() const {
  scheduling::SolverOptions opts;
  opts.max_instance_types = m_shared.v1alpha5() ? k_max_instance_types_v0 : k_max_instance_types_v1;
  opts.min_values_strict = m_shared.cfg.settings.min_values_policy != "BestEffort";
  opts.template_cache = &m_solver_cache;
  return opts;
}

}  // namespace capsim::policy::karpenter
