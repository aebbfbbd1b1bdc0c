#include "capsim/workload/controllers.hpp"

#include <algorithm>
#include <cstdio>

namespace capsim::workload {
namespace {

std::string key_of(std::string_view kind, std::string_view name) { return std::string(kind) + "/" + std::string(name); }

std::string suffix(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%05d", i);
  return buf;
}

}  // namespace

Requirements to_requirements(const spec::NodeSelectorTerm& term) {
  Requirements r;
  for (const auto& e : term) r.add(Requirement(e.key, e.op, e.values, e.min_values));
  return r;
}

namespace {

cluster::PodLabelSelector to_selector(const spec::LabelSelector& sel) {
  cluster::PodLabelSelector out;
  out.match_labels = sel.match_labels;
  for (const auto& e : sel.match_expressions) out.match_expressions.push_back({e.key, e.op, e.values});
  return out;
}

cluster::PodAffinityTerm to_affinity_term(const spec::PodAffinityTerm& t) {
  return cluster::PodAffinityTerm{t.topology_key, to_selector(t.selector), t.namespaces};
}

// Preferred pod (anti-)affinity terms, heaviest first (stable): preferences.go relaxes them in
// that order.
std::vector<cluster::WeightedPodAffinityTerm> to_weighted_terms(const std::vector<spec::WeightedPodAffinityTerm>& ts) {
  std::vector<cluster::WeightedPodAffinityTerm> out;
  for (const auto& w : ts) out.push_back({w.weight, to_affinity_term(w.term)});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.weight > b.weight; });
  return out;
}

}  // namespace

cluster::PodSchedulingSpec make_scheduling_spec(const spec::PodTemplate& t, int priority) {
  cluster::PodSchedulingSpec s;
  s.requests = t.requests();
  s.node_selector = t.node_selector;
  for (const auto& term : t.node_affinity.required) s.required_terms.push_back(to_requirements(term));
  std::vector<spec::PreferredSchedulingTerm> pref = t.node_affinity.preferred;
  std::stable_sort(pref.begin(), pref.end(), [](const auto& a, const auto& b) { return a.weight > b.weight; });
  for (const auto& p : pref) s.preferred_terms.emplace_back(p.weight, to_requirements(p.preference));
  s.tolerations = t.tolerations;
  for (const auto& c : t.containers) s.host_ports.insert(s.host_ports.end(), c.host_ports.begin(), c.host_ports.end());
  s.priority = priority;
  for (const auto& c : t.topology_spread) {
    cluster::TopologySpreadConstraint x;
    x.topology_key = c.topology_key;
    x.max_skew = c.max_skew;
    x.do_not_schedule = c.do_not_schedule;
    x.selector = to_selector(c.selector);
    x.min_domains = c.min_domains;
    x.node_affinity_policy_honor = c.node_affinity_policy_honor;
    x.node_taints_policy_honor = c.node_taints_policy_honor;
    x.match_label_keys = c.match_label_keys;
    s.topology_spread.push_back(std::move(x));
  }
  for (const auto& term : t.pod_affinity.required) s.pod_affinity.push_back(to_affinity_term(term));
  s.preferred_pod_affinity = to_weighted_terms(t.pod_affinity.preferred);
  for (const auto& term : t.pod_anti_affinity.required) s.pod_anti_affinity.push_back(to_affinity_term(term));
  s.preferred_pod_anti_affinity = to_weighted_terms(t.pod_anti_affinity.preferred);
  s.local_storage_volumes = t.local_storage_volumes;
  s.termination_grace_seconds = t.termination_grace_period_seconds;
  return s;
}

Controllers::Controllers(const spec::Scenario& scenario) {
  for (const auto& pc : scenario.priority_classes) {
    m_priority_classes[pc.name] = pc.value;
    if (pc.preempt_never) m_never_preempt.insert(pc.name);
    if (pc.global_default) {
      m_default_priority = pc.value;
      m_default_class = pc.name;
    }
  }
  // system-node-critical / system-cluster-critical are built in.
  m_priority_classes.emplace("system-node-critical", 2000001000);
  m_priority_classes.emplace("system-cluster-critical", 2000000000);
}

int Controllers::priority_of(const spec::PodTemplate& t) const {
  if (t.priority) return *t.priority;
  if (!t.priority_class_name.empty()) {
    auto it = m_priority_classes.find(t.priority_class_name);
    if (it != m_priority_classes.end()) return it->second;
  }
  return m_default_priority.value_or(0);
}

Controllers::Managed* Controllers::find(const std::string& kind, const std::string& name) {
  auto it = m_workloads.find(key_of(kind, name));
  return it == m_workloads.end() ? nullptr : &it->second;
}

cluster::Pod Controllers::make_pod(Managed& m, SimTime now) {
  cluster::Pod p;
  const auto& w = m.spec;
  if (w.kind == spec::WorkloadKind::pod) p.name = w.name;
  else if (w.kind == spec::WorkloadKind::stateful_set) p.name = w.name + "-" + std::to_string(m.next_index);
  else p.name = w.name + "-" + suffix(m.next_index);
  ++m.next_index;
  p.namespace_ = w.namespace_;
  p.labels = w.tmpl.labels;
  p.annotations = w.tmpl.annotations;
  p.owner = w.kind == spec::WorkloadKind::pod ? cluster::OwnerRef{} : cluster::OwnerRef{std::string(spec::workload_kind_name(w.kind)), w.name};
  p.spec = m.sched;
  p.created = now;
  p.run_duration = w.tmpl.run_duration;
  ++m.live;
  return p;
}

std::vector<cluster::Pod> Controllers::apply(const spec::Workload& w, SimTime now) {
  std::vector<cluster::Pod> out;
  cluster::PodSchedulingSpec spec = make_scheduling_spec(w.tmpl, priority_of(w.tmpl));
  // Admission copies the PriorityClass's preemptionPolicy into the pod (the default class's when
  // the pod names none).
  spec.preempt_never =
      m_never_preempt.count(w.tmpl.priority_class_name.empty() ? m_default_class : w.tmpl.priority_class_name) > 0;
  auto sched = std::make_shared<const cluster::PodSchedulingSpec>(std::move(spec));
  if (w.kind == spec::WorkloadKind::daemon_set) {
    m_daemonsets.push_back(DaemonSetInfo{w.name, w.namespace_, sched, w.tmpl.labels, w.tmpl.annotations});
    return out;
  }
  Managed& m = m_workloads[key_of(spec::workload_kind_name(w.kind), w.name)];
  m = Managed{};
  m.spec = w;
  m.sched = sched;
  m.desired = w.kind == spec::WorkloadKind::pod ? 1 : w.replicas;
  if (w.kind == spec::WorkloadKind::job) m.desired = std::min(w.replicas, w.completions);
  for (int i = 0; i < m.desired; ++i) out.push_back(make_pod(m, now));
  return out;
}

std::vector<cluster::Pod> Controllers::scale(const std::string& kind, const std::string& name, int replicas,
                                             const cluster::ClusterState& state, SimTime now,
                                             std::vector<cluster::PodId>& remove) {
  std::vector<cluster::Pod> out;
  Managed* m = find(kind, name);
  if (!m) return out;
  m->desired = replicas;
  while (m->live < m->desired) out.push_back(make_pod(*m, now));
  if (m->live > m->desired) {
    // ReplicaSet deletion ranking (controller_utils.go ActivePods): unscheduled before scheduled,
    // then newer before older; ties by name.
    std::vector<const cluster::Pod*> owned;
    for (auto pid : state.live_pods()) {
      const auto& p = state.pod(pid);
      if (p.owner.kind == kind && p.owner.name == name && !p.terminating) owned.push_back(&p);
    }
    std::sort(owned.begin(), owned.end(), [](const cluster::Pod* a, const cluster::Pod* b) {
      if (a->bound() != b->bound()) return !a->bound();
      if (a->uid != b->uid) return a->uid > b->uid;
      return a->name < b->name;
    });
    int excess = m->live - m->desired;
    for (int i = 0; i < excess && i < static_cast<int>(owned.size()); ++i) {
      remove.push_back(owned[static_cast<std::size_t>(i)]->id);
      --m->live;
    }
  }
  return out;
}

std::vector<cluster::PodId> Controllers::remove(const std::string& kind, const std::string& name,
                                                const cluster::ClusterState& state) {
  std::vector<cluster::PodId> out;
  if (kind == "DaemonSet") {
    std::erase_if(m_daemonsets, [&](const DaemonSetInfo& d) { return d.name == name; });
  } else if (Managed* m = find(kind, name)) {
    m->deleted = true;
    m->desired = 0;
  }
  // A bare Pod has no owner: it is the pod of that name (kubectl delete pod; the API server sets its
  // deletionTimestamp and the kubelet stops it within its grace period).
  const bool bare = kind == spec::workload_kind_name(spec::WorkloadKind::pod);
  for (auto pid : state.live_pods()) {
    const auto& p = state.pod(pid);
    if (p.terminating) continue;
    if (bare ? p.owner.kind.empty() && p.name == name : p.owner.kind == kind && p.owner.name == name) out.push_back(pid);
  }
  if (Managed* m = find(kind, name)) m->live -= static_cast<int>(out.size());
  return out;
}

std::optional<cluster::Pod> Controllers::on_pod_gone(const cluster::Pod& gone, bool succeeded, SimTime now) {
  if (gone.owner.kind.empty() || gone.owner.kind == "DaemonSet") return std::nullopt;
  if (gone.owner.kind.rfind("Trace", 0) == 0) {
    // A controller-owned trace pod that was evicted is recreated pending by its controller. It
    // keeps the trace's name, so the trace's own delete record still ends it.
    if (succeeded) return std::nullopt;
    cluster::Pod p;
    p.name = gone.name;
    p.namespace_ = gone.namespace_;
    p.labels = gone.labels;
    p.annotations = gone.annotations;
    p.owner = gone.owner;
    p.spec = gone.spec;
    p.created = now;
    return p;
  }
  Managed* m = find(gone.owner.kind, gone.owner.name);
  if (!m || m->deleted) return std::nullopt;
  --m->live;
  if (succeeded) ++m->succeeded;
  int want = m->desired;
  if (m->spec.kind == spec::WorkloadKind::job) want = std::min(m->desired, m->spec.completions - m->succeeded);
  if (m->live < want) return make_pod(*m, now);
  return std::nullopt;
}

std::vector<cluster::Pod> Controllers::daemon_pods_for(const cluster::Node& node, SimTime now) {
  std::vector<cluster::Pod> out;
  for (const auto& ds : m_daemonsets) {
    // DaemonSet pods tolerate the node lifecycle taints automatically; other NoSchedule /
    // NoExecute taints must be tolerated, and node affinity must match.
    bool ok = true;
    for (const auto& taint : node.taints) {
      if (taint.effect == TaintEffect::prefer_no_schedule) continue;
      if (taint.key.rfind("node.kubernetes.io/", 0) == 0) continue;
      if (!std::any_of(ds.spec->tolerations.begin(), ds.spec->tolerations.end(),
                       [&](const Toleration& t) { return tolerates(t, taint); })) {
        ok = false;
        break;
      }
    }
    if (!ok || !ds.spec->node_affinity_matches(node.labels)) continue;
    cluster::Pod p;
    p.name = ds.name + "-" + node.name;
    p.namespace_ = ds.namespace_;
    p.labels = ds.labels;
    p.annotations = ds.annotations;
    p.owner = cluster::OwnerRef{"DaemonSet", ds.name};
    p.spec = ds.spec;
    p.created = now;
    out.push_back(std::move(p));
  }
  return out;
}

cluster::Pod Controllers::from_trace(const spec::TraceEvent& e, SimTime now) {
  // Trace pods with the same requests, node selector, tolerations and priority share one spec, as
  // the replicas of a workload do (the solver caches per spec).
  std::string key = to_string(e.requests) + '|' + std::to_string(e.priority) + '|';
  for (const auto& [k, v] : e.node_selector) key += k + '=' + v + ';';
  key += '|';
  for (const auto& t : e.tolerations)
    key += t.key + (t.op_exists ? "?" : "=") + t.value + ':' + (t.effect ? std::string(taint_effect_name(*t.effect)) : "*") + ';';
  std::shared_ptr<const cluster::PodSchedulingSpec> shared = m_trace_specs[key].lock();
  if (!shared) {
    auto s = std::make_shared<cluster::PodSchedulingSpec>();
    s->requests = e.requests;
    s->requests.set(Resource::pods, Quantity::from_units(1));
    s->node_selector = e.node_selector;
    s->tolerations = e.tolerations;
    s->priority = e.priority;
    shared = s;
    m_trace_specs[key] = shared;
    // Forget shapes no live pod uses any more, so a trace of distinct shapes stays bounded.
    if (m_trace_specs.size() > 2 * m_trace_specs_pruned_at + 1024) {
      std::erase_if(m_trace_specs, [](const auto& kv) { return kv.second.expired(); });
      m_trace_specs_pruned_at = m_trace_specs.size();
    }
  }
  cluster::Pod p;
  p.name = e.pod;
  p.namespace_ = e.namespace_.empty() ? "default" : e.namespace_;
  p.labels = e.labels;
  auto slash = e.owner.find('/');
  // Trace pods belong to no scenario workload (the trace says when pods come and go): their owner
  // kind is prefixed so no workload controller claims them; evicted ones are recreated as they
  // were (on_pod_gone).
  if (slash != std::string::npos) p.owner = cluster::OwnerRef{"Trace" + e.owner.substr(0, slash), e.owner.substr(slash + 1)};
  p.spec = std::move(shared);
  p.created = now;
  return p;
}

}  // namespace capsim::workload
