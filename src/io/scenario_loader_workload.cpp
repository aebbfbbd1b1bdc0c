// Workload manifests -> spec::Workload (apps/v1 Deployment, StatefulSet, ReplicaSet, DaemonSet,
// batch/v1 Job, v1 Pod), policy/v1 PodDisruptionBudget and scheduling.k8s.io/v1 PriorityClass,
// plus object metadata. Only what scheduling and disruption need is read; every other field is
// reported once as not modelled. Field rules follow k8s.io/kubernetes pkg/apis/core/validation.
#include <algorithm>
#include <set>

#include "io/scenario_loader_detail.hpp"

namespace capsim::io::detail {

namespace {

constexpr std::string_view k_run_duration_annotation = "capsim.dev/run-duration";

// The value of `key` in a map node (first occurrence), or an undefined node.
YAML::Node child(const YAML::Node& map, std::string_view key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  return YAML::Node(YAML::NodeType::Undefined);
}


// Bookkeeping metadata that real exported manifests carry; accepted silently.
void ignore_bookkeeping(MapView& m) {
  m.ignore({"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "finalizers",
            "ownerReferences", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName"});
}

std::optional<spec::LabelSelector> read_label_selector(Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return std::nullopt;
  spec::LabelSelector sel;
  bool ok = true;
  if (auto v = m.str_map("matchLabels"))
    sel.match_labels = *v;
  else if (m.has("matchLabels"))
    ok = false;
  if (const YAML::Node e = m.get("matchExpressions"); present(e)) {
    if (expect_list(d, e, m.path("matchExpressions"))) {
      for (std::size_t i = 0; i < e.size(); ++i) {
        if (auto r = read_selector_requirement(d, e[i], index_path(m.path("matchExpressions"), i), true))
          sel.match_expressions.push_back(std::move(*r));
        else
          ok = false;
      }
    } else {
      ok = false;
    }
  }
  m.warn_unread();
  if (!ok) return std::nullopt;
  return sel;
}

std::optional<spec::NodeSelectorTerm> read_node_selector_term(Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return std::nullopt;
  spec::NodeSelectorTerm term;
  if (const YAML::Node e = m.get("matchExpressions"); present(e) && expect_list(d, e, m.path("matchExpressions"))) {
    for (std::size_t i = 0; i < e.size(); ++i)
      if (auto r = read_selector_requirement(d, e[i], index_path(m.path("matchExpressions"), i), false))
        term.push_back(std::move(*r));
  }
  m.warn_unread();  // matchFields (metadata.name) is not modelled
  return term;
}

spec::NodeAffinity read_node_affinity(Doc& d, const YAML::Node& n, const std::string& path) {
  spec::NodeAffinity na;
  MapView m(d, n, path);
  if (!m.ok()) return na;
  if (const YAML::Node req = m.get("requiredDuringSchedulingIgnoredDuringExecution"); present(req)) {
    MapView r(d, req, m.path("requiredDuringSchedulingIgnoredDuringExecution"));
    if (r.ok()) {
      const YAML::Node terms = r.require("nodeSelectorTerms");
      if (present(terms) && expect_list(d, terms, r.path("nodeSelectorTerms"))) {
        for (std::size_t i = 0; i < terms.size(); ++i)
          if (auto t = read_node_selector_term(d, terms[i], index_path(r.path("nodeSelectorTerms"), i)))
            na.required.push_back(std::move(*t));
      }
      r.warn_unread();
    }
  }
  if (const YAML::Node pref = m.get("preferredDuringSchedulingIgnoredDuringExecution"); present(pref)) {
    const std::string pp = m.path("preferredDuringSchedulingIgnoredDuringExecution");
    if (expect_list(d, pref, pp)) {
      for (std::size_t i = 0; i < pref.size(); ++i) {
        MapView p(d, pref[i], index_path(pp, i));
        if (!p.ok()) continue;
        spec::PreferredSchedulingTerm t;
        if (p.require("weight"); p.has("weight")) {
          if (auto w = p.integer("weight", 1, 100)) t.weight = static_cast<int>(*w);
        }
        if (const YAML::Node pr = p.require("preference"); present(pr)) {
          if (auto term = read_node_selector_term(d, pr, p.path("preference"))) t.preference = std::move(*term);
        }
        p.warn_unread();
        na.preferred.push_back(std::move(t));
      }
    }
  }
  m.warn_unread();
  return na;
}

std::optional<spec::PodAffinityTerm> read_pod_affinity_term(Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return std::nullopt;
  spec::PodAffinityTerm t;
  if (const YAML::Node s = m.get("labelSelector"); present(s)) {
    if (auto sel = read_label_selector(d, s, m.path("labelSelector"))) t.selector = std::move(*sel);
  }
  if (auto v = m.req_str("topologyKey")) {
    if (v->empty()) d.error(m.get("topologyKey"), m.path("topologyKey"), "topologyKey may not be empty");
    t.topology_key = *v;
  }
  if (auto v = m.str_list("namespaces")) t.namespaces = *v;
  m.warn_unread();  // namespaceSelector, matchLabelKeys, mismatchLabelKeys
  return t;
}

spec::PodAffinity read_pod_affinity(Doc& d, const YAML::Node& n, const std::string& path) {
  spec::PodAffinity pa;
  MapView m(d, n, path);
  if (!m.ok()) return pa;
  if (const YAML::Node req = m.get("requiredDuringSchedulingIgnoredDuringExecution"); present(req)) {
    const std::string rp = m.path("requiredDuringSchedulingIgnoredDuringExecution");
    if (expect_list(d, req, rp)) {
      for (std::size_t i = 0; i < req.size(); ++i)
        if (auto t = read_pod_affinity_term(d, req[i], index_path(rp, i))) pa.required.push_back(std::move(*t));
    }
  }
  if (const YAML::Node pref = m.get("preferredDuringSchedulingIgnoredDuringExecution"); present(pref)) {
    const std::string pp = m.path("preferredDuringSchedulingIgnoredDuringExecution");
    if (expect_list(d, pref, pp)) {
      for (std::size_t i = 0; i < pref.size(); ++i) {
        MapView p(d, pref[i], index_path(pp, i));
        if (!p.ok()) continue;
        spec::WeightedPodAffinityTerm w;
        if (p.require("weight"); p.has("weight")) {
          if (auto v = p.integer("weight", 1, 100)) w.weight = static_cast<int>(*v);
        }
        if (const YAML::Node t = p.require("podAffinityTerm"); present(t)) {
          if (auto term = read_pod_affinity_term(d, t, p.path("podAffinityTerm"))) w.term = std::move(*term);
        }
        p.warn_unread();
        pa.preferred.push_back(std::move(w));
      }
    }
  }
  m.warn_unread();
  return pa;
}

std::vector<Toleration> read_tolerations(Doc& d, const YAML::Node& n, const std::string& path) {
  std::vector<Toleration> out;
  if (!expect_list(d, n, path)) return out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    Toleration t;
    if (auto v = m.str("key")) t.key = *v;
    std::string op = "Equal";
    if (auto v = m.enumeration("operator", {"Equal", "Exists"})) op = *v;
    t.op_exists = op == "Exists";
    if (auto v = m.str("value")) t.value = *v;
    if (const YAML::Node e = m.get("effect"); present(e)) {
      if (auto v = to_enum(d, e, m.path("effect"), {"NoSchedule", "PreferNoSchedule", "NoExecute", ""}); v && !v->empty())
        t.effect = *parse_taint_effect(*v);
    }
    // core/validation ValidateTolerations.
    if (t.op_exists && !t.value.empty())
      d.error(m.get("value"), m.path("value"), "value must be empty when operator is Exists");
    if (t.key.empty() && !t.op_exists)
      d.error(n[i], p, "operator must be Exists when key is empty");
    m.warn_unread();  // tolerationSeconds
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<spec::TopologySpreadConstraint> read_topology_spread(Doc& d, const YAML::Node& n, const std::string& path) {
  std::vector<spec::TopologySpreadConstraint> out;
  if (!expect_list(d, n, path)) return out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    spec::TopologySpreadConstraint c;
    if (m.require("maxSkew"); m.has("maxSkew")) {
      if (auto v = m.integer("maxSkew", 1, 2147483647)) c.max_skew = static_cast<int>(*v);
    }
    if (auto v = m.req_str("topologyKey")) {
      if (v->empty()) d.error(m.get("topologyKey"), m.path("topologyKey"), "topologyKey may not be empty");
      c.topology_key = *v;
    }
    if (m.require("whenUnsatisfiable"); m.has("whenUnsatisfiable")) {
      if (auto v = m.enumeration("whenUnsatisfiable", {"DoNotSchedule", "ScheduleAnyway"}))
        c.do_not_schedule = *v == "DoNotSchedule";
    }
    if (const YAML::Node s = m.get("labelSelector"); present(s)) {
      if (auto sel = read_label_selector(d, s, m.path("labelSelector"))) c.selector = std::move(*sel);
    }
    if (auto v = m.integer("minDomains", 1, 2147483647)) {
      c.min_domains = static_cast<int>(*v);
      if (!c.do_not_schedule)
        d.error(m.get("minDomains"), m.path("minDomains"), "minDomains may only be set when whenUnsatisfiable is DoNotSchedule");
    }
    if (auto v = m.enumeration("nodeAffinityPolicy", {"Honor", "Ignore"})) c.node_affinity_policy_honor = *v == "Honor";
    if (auto v = m.enumeration("nodeTaintsPolicy", {"Honor", "Ignore"})) c.node_taints_policy_honor = *v == "Honor";
    if (auto v = m.str_list("matchLabelKeys")) c.match_label_keys = *v;
    m.warn_unread();
    out.push_back(std::move(c));
  }
  return out;
}

// requests/limits of one container; limits-only resources default the request (Kubernetes
// pkg/apis/core/v1/defaults.go SetDefaults_Container... via defaultRequests).
void read_container_resources(Doc& d, const YAML::Node& n, const std::string& path, spec::Container& c) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  std::set<std::string> requested;
  if (const YAML::Node r = m.get("requests"); present(r)) {
    if (auto v = read_resource_list(d, r, m.path("requests"))) c.requests = *v;
    if (r.IsMap())
      for (auto it = r.begin(); it != r.end(); ++it)
        if (it->first.IsScalar()) requested.insert(it->first.Scalar());
  }
  if (const YAML::Node r = m.get("limits"); present(r)) {
    if (auto v = read_resource_list(d, r, m.path("limits"))) {
      c.limits = *v;
      for (const auto& [name, q] : c.limits.sorted_entries())
        if (requested.count(name) == 0) c.requests.set(name, q);
      // A request above its limit is invalid (core validation ValidateResourceRequirements).
      const YAML::Node req_node = m.get("requests");
      for (const auto& [name, q] : c.requests.sorted_entries()) {
        const Quantity lim = c.limits.get(name);
        if (requested.count(name) != 0 && lim.milli > 0 && q > lim)
          d.error(child(req_node, name), key_path(m.path("requests"), name),
                  "must be less than or equal to the " + name + " limit " + quote(child(r, name).Scalar()));
      }
    }
  }
  m.warn_unread();  // claims
}

std::vector<spec::Container> read_containers(Doc& d, const YAML::Node& n, const std::string& path, bool init) {
  std::vector<spec::Container> out;
  if (!expect_list(d, n, path)) return out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    spec::Container c;
    if (auto v = m.req_str("name")) c.name = *v;
    if (const YAML::Node r = m.get("resources"); present(r)) read_container_resources(d, r, m.path("resources"), c);
    if (const YAML::Node ports = m.get("ports"); present(ports) && expect_list(d, ports, m.path("ports"))) {
      for (std::size_t j = 0; j < ports.size(); ++j) {
        MapView pm(d, ports[j], index_path(m.path("ports"), j));
        if (!pm.ok()) continue;
        if (auto hp = pm.integer("hostPort", 0, 65535); hp && *hp > 0) c.host_ports.push_back(static_cast<int>(*hp));
        pm.warn_unread();
      }
    }
    if (init) {
      if (auto v = m.enumeration("restartPolicy", {"Always"})) c.restart_always = true;
    }
    m.warn_unread();
    out.push_back(std::move(c));
  }
  return out;
}

// EKS's VPC resource controller pod webhook (aws/amazon-vpc-resource-controller-k8s
// webhooks/core/pod_webhook.go, WhichPod and HandleWindowsPod): a pod whose nodeSelector has
// kubernetes.io/os or beta.kubernetes.io/os = windows, that is neither hostNetwork nor a Fargate
// pod (label eks.amazonaws.com/fargate-profile), gets vpc.amazonaws.com/PrivateIPv4Address: 1 as
// the request and limit of its first container, so a Windows node holds at most as many of them
// as it has secondary IPv4 addresses. Windows IPAM (enable-windows-ipam in the amazon-vpc-cni
// ConfigMap, which Windows support on EKS requires) is assumed on. Only the nodeSelector counts:
// a pod that selects Windows by node affinity is not mutated, as upstream.
void apply_vpc_resource_controller_webhook(const YAML::Node& pod_spec, spec::PodTemplate& t) {
  if (t.containers.empty()) return;
  const YAML::Node host_network = child(pod_spec, "hostNetwork");  // read here only; still reported as not modelled
  if (host_network.IsScalar() && host_network.Scalar() == "true") return;
  if (t.labels.count("eks.amazonaws.com/fargate-profile") != 0) return;
  const auto selects_windows = [&](std::string_view key) {
    const auto it = t.node_selector.find(std::string(key));
    return it != t.node_selector.end() && it->second == "windows";
  };
  if (!selects_windows("kubernetes.io/os") && !selects_windows("beta.kubernetes.io/os")) return;
  spec::Container& first = t.containers.front();
  first.requests.set(k_private_ipv4_address, Quantity::from_units(1));
  first.limits.set(k_private_ipv4_address, Quantity::from_units(1));
}

void read_pod_spec(Loader& l, Doc& d, MapView& s, spec::PodTemplate& t) {
  const YAML::Node containers = s.require("containers");
  if (present(containers)) {
    t.containers = read_containers(d, containers, s.path("containers"), false);
    if (containers.IsSequence() && containers.size() == 0)
      d.error(containers, s.path("containers"), "expected at least one container, got none");
  }
  if (const YAML::Node ic = s.get("initContainers"); present(ic))
    t.init_containers = read_containers(d, ic, s.path("initContainers"), true);
  if (auto v = s.str_map("nodeSelector")) t.node_selector = *v;
  if (const YAML::Node a = s.get("affinity"); present(a)) {
    MapView am(d, a, s.path("affinity"));
    if (am.ok()) {
      if (const YAML::Node na = am.get("nodeAffinity"); present(na))
        t.node_affinity = read_node_affinity(d, na, am.path("nodeAffinity"));
      if (const YAML::Node pa = am.get("podAffinity"); present(pa))
        t.pod_affinity = read_pod_affinity(d, pa, am.path("podAffinity"));
      if (const YAML::Node pa = am.get("podAntiAffinity"); present(pa))
        t.pod_anti_affinity = read_pod_affinity(d, pa, am.path("podAntiAffinity"));
      am.warn_unread();
    }
  }
  if (const YAML::Node tol = s.get("tolerations"); present(tol)) t.tolerations = read_tolerations(d, tol, s.path("tolerations"));
  if (const YAML::Node ts = s.get("topologySpreadConstraints"); present(ts))
    t.topology_spread = read_topology_spread(d, ts, s.path("topologySpreadConstraints"));
  if (const YAML::Node o = s.get("overhead"); present(o)) {
    if (auto v = read_resource_list(d, o, s.path("overhead"))) t.overhead = *v;
  }
  if (auto v = s.str("priorityClassName")) {
    t.priority_class_name = *v;
    // Built in to every cluster (scheduling/v1 SystemPriorityClasses).
    if (!v->empty() && *v != "system-cluster-critical" && *v != "system-node-critical")
      l.refs.push_back(PendingRef{"PriorityClass", *v, d.loc(s.get("priorityClassName")), s.path("priorityClassName")});
  }
  if (auto v = s.integer("priority", -2147483648LL, 2147483647LL)) t.priority = static_cast<int>(*v);
  if (auto v = s.integer("terminationGracePeriodSeconds", 0, 2147483647LL))
    t.termination_grace_period_seconds = static_cast<int>(*v);
  if (const YAML::Node vols = s.get("volumes"); present(vols) && expect_list(d, vols, s.path("volumes"))) {
    // Only local storage matters (the Cluster Autoscaler's drain rule): hostPath, and emptyDir
    // unless medium is Memory. Every other volume source is accepted silently.
    for (std::size_t i = 0; i < vols.size(); ++i) {
      MapView vm(d, vols[i], index_path(s.path("volumes"), i));
      if (!vm.ok()) continue;
      auto name = vm.req_str("name");
      bool local = vm.has("hostPath");
      if (const YAML::Node ed = vm.get("emptyDir"); ed.IsDefined()) {
        local = true;
        if (ed.IsMap() && ed["medium"].IsDefined() && ed["medium"].IsScalar() && ed["medium"].Scalar() == "Memory")
          local = false;
      }
      for (auto& e : vm.entries()) e.used = true;
      if (name && local) t.local_storage_volumes.push_back(*name);
    }
  }
  apply_vpc_resource_controller_webhook(s.node(), t);
  s.warn_unread();
}

void read_template_metadata(Doc& d, const YAML::Node& n, const std::string& path, spec::PodTemplate& t) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  if (auto v = m.str_map("labels")) t.labels = Labels(v->begin(), v->end());
  if (auto v = m.str_map("annotations")) t.annotations = *v;
  ignore_bookkeeping(m);
  m.ignore({"name", "namespace"});
  m.warn_unread();
}

// capsim.dev/run-duration: how long a pod runs before it succeeds.
void read_run_duration(Doc& d, const YAML::Node& annotations_node, const std::string& path, spec::PodTemplate& t) {
  const auto it = t.annotations.find(std::string(k_run_duration_annotation));
  if (it == t.annotations.end()) return;
  const YAML::Node at = child(annotations_node, k_run_duration_annotation);
  const auto dur = parse_duration(it->second);
  if (!dur || dur->ms <= 0) {
    d.error(at, key_path(path, k_run_duration_annotation),
            "expected a positive duration such as \"30s\", got " + quote(it->second));
    return;
  }
  t.run_duration = *dur;
}

}  // namespace

Meta read_metadata(Doc& d, MapView& root, bool namespaced) {
  Meta meta;
  const YAML::Node md = root.require("metadata");
  if (!present(md)) return meta;
  MapView m(d, md, "metadata");
  if (!m.ok()) return meta;
  if (auto v = m.req_str("name")) {
    if (v->empty()) {
      d.error(m.get("name"), "metadata.name", "name may not be empty");
    } else {
      meta.name = *v;
      meta.name_node = m.get("name");
      meta.ok = true;
    }
  }
  if (namespaced) {
    if (auto v = m.str("namespace"); v && !v->empty()) meta.namespace_ = *v;
  } else {
    m.ignore({"namespace"});
  }
  if (auto v = m.str_map("labels")) meta.labels = *v;
  if (auto v = m.str_map("annotations")) meta.annotations = *v;
  ignore_bookkeeping(m);
  m.warn_unread();
  return meta;
}

void read_workload(Loader& l, Doc& d, MapView& root, spec::WorkloadKind kind) {
  Meta meta = read_metadata(d, root, true);
  spec::Workload w;
  w.kind = kind;
  w.name = meta.name;
  w.namespace_ = meta.namespace_;
  w.loc = d.loc(root.node());
  const std::string kind_name(spec::workload_kind_name(kind));
  if (meta.ok) l.register_name(d, kind_name, meta.name, meta.name_node, "metadata.name");

  const YAML::Node spec_node = root.require("spec");
  root.warn_unread();
  if (!present(spec_node)) return;
  MapView s(d, spec_node, "spec");
  if (!s.ok()) return;

  if (kind == spec::WorkloadKind::pod) {
    const std::size_t notes_begin = l.diags.not_modelled.size();
    w.replicas = 1;
    w.tmpl.labels = Labels(meta.labels.begin(), meta.labels.end());
    w.tmpl.annotations = meta.annotations;
    read_pod_spec(l, d, s, w.tmpl);
    read_run_duration(d, child(child(root.node(), "metadata"), "annotations"), "metadata.annotations", w.tmpl);
    // A pod its controller created (kubectl dumps carry them beside the controller): settled once
    // every document is read (settle_owned_pods).
    const YAML::Node refs = child(child(root.node(), "metadata"), "ownerReferences");
    if (refs.IsSequence())
      for (const auto& r : refs) {
        const YAML::Node c = child(r, "controller");
        if (!c.IsScalar() || c.Scalar() != "true" || !child(r, "kind").IsScalar() || !child(r, "name").IsScalar()) continue;
        l.owned_pods.push_back(OwnedPod{l.sc.workloads.size(), child(r, "kind").Scalar(), child(r, "name").Scalar(),
                                        w.loc, notes_begin, l.diags.not_modelled.size()});
        break;
      }
    l.sc.workloads.push_back(std::move(w));
    return;
  }

  switch (kind) {
    case spec::WorkloadKind::deployment:
    case spec::WorkloadKind::stateful_set:
    case spec::WorkloadKind::replica_set:
      if (auto v = read_replicas(s, "replicas")) w.replicas = *v;
      break;
    case spec::WorkloadKind::job: {
      // batch/v1 defaults: parallelism 1; capsim runs `completions` pods in total, and an unset
      // completions means "as many as parallelism" (the work-queue pattern).
      if (auto v = read_replicas(s, "parallelism")) w.replicas = *v;
      w.completions = w.replicas;
      if (auto v = read_replicas(s, "completions")) w.completions = *v;
      break;
    }
    default: break;
  }
  const YAML::Node tmpl = s.require("template");
  if (present(tmpl)) {
    MapView t(d, tmpl, s.path("template"));
    if (t.ok()) {
      if (const YAML::Node md = t.get("metadata"); present(md)) read_template_metadata(d, md, t.path("metadata"), w.tmpl);
      const YAML::Node ps = t.require("spec");
      if (present(ps)) {
        MapView psm(d, ps, t.path("spec"));
        if (psm.ok()) read_pod_spec(l, d, psm, w.tmpl);
      }
      t.warn_unread();
      read_run_duration(d, child(child(tmpl, "metadata"), "annotations"), t.path("metadata") + ".annotations", w.tmpl);
    }
  }
  s.warn_unread();
  l.sc.workloads.push_back(std::move(w));
}

namespace {

// An IntOrString count or percentage (policy/v1 PodDisruptionBudgetSpec).
std::optional<std::string> read_int_or_percent(Doc& d, MapView& m, std::string_view key) {
  const YAML::Node v = m.get(key);
  if (!present(v)) return std::nullopt;
  if (!v.IsScalar()) {
    d.error(v, m.path(key), "expected an integer or a percentage such as \"50%\", got " + describe(v));
    return std::nullopt;
  }
  const std::string& s = v.Scalar();
  const bool percent = !s.empty() && s.back() == '%';
  const std::string digits = percent ? s.substr(0, s.size() - 1) : s;
  const bool ok = !digits.empty() && digits.size() <= 9 &&
                  std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                  (!percent || std::stoi(digits) <= 100);
  if (!ok) {
    d.error(v, m.path(key), "expected a non-negative integer or a percentage such as \"50%\", got " + quote(s));
    return std::nullopt;
  }
  return s;
}

}  // namespace

void read_pod_disruption_budget(Loader& l, Doc& d, MapView& root) {
  Meta meta = read_metadata(d, root, true);
  spec::PodDisruptionBudget pdb;
  pdb.name = meta.name;
  pdb.namespace_ = meta.namespace_;
  pdb.loc = d.loc(root.node());
  if (meta.ok) l.register_name(d, "PodDisruptionBudget", meta.name, meta.name_node, "metadata.name");
  const YAML::Node spec_node = root.require("spec");
  root.warn_unread();
  if (!present(spec_node)) return;
  MapView s(d, spec_node, "spec");
  if (!s.ok()) return;
  if (const YAML::Node sel = s.get("selector"); present(sel)) {
    if (auto v = read_label_selector(d, sel, s.path("selector"))) pdb.selector = std::move(*v);
  }
  pdb.min_available = read_int_or_percent(d, s, "minAvailable");
  pdb.max_unavailable = read_int_or_percent(d, s, "maxUnavailable");
  // policy/validation ValidatePodDisruptionBudgetSpec.
  if (s.has("minAvailable") && s.has("maxUnavailable"))
    d.error(s.node(), "spec", "minAvailable and maxUnavailable cannot be both set");
  s.warn_unread();
  l.sc.pdbs.push_back(std::move(pdb));
}

void read_priority_class(Loader& l, Doc& d, MapView& root) {
  Meta meta = read_metadata(d, root, false);
  spec::PriorityClass pc;
  pc.name = meta.name;
  if (meta.ok) l.register_name(d, "PriorityClass", meta.name, meta.name_node, "metadata.name");
  // pkg/apis/scheduling/validation ValidatePriorityClass: a name with the "system-" prefix must be
  // one of the built-in system classes with its value (scheduling.IsKnownSystemPriorityClass:
  // system-cluster-critical 2000000000, system-node-critical 2000001000, not the global default);
  // any other class is at most 1000000000 (HighestUserDefinablePriority).
  const bool system_prefix = meta.ok && meta.name.rfind("system-", 0) == 0;
  if (root.require("value"); root.has("value")) {
    if (auto v = root.integer("value", -2147483648LL, system_prefix ? 2147483647LL : 1000000000LL)) {
      pc.value = static_cast<int>(*v);
      if (system_prefix) {
        const std::int64_t known = meta.name == "system-cluster-critical" ? 2000000000LL
                                   : meta.name == "system-node-critical"  ? 2000001000LL
                                                                          : -1;
        if (known < 0)
          d.error(meta.name_node, "metadata.name",
                  "priority class names with the \"system-\" prefix are reserved for system use only "
                  "(system-cluster-critical, system-node-critical)");
        else if (*v != known)
          d.error(root.get("value"), "value",
                  "the system priority class " + quote(meta.name) + " has value " + std::to_string(known) + ", got " +
                      std::to_string(*v));
      }
    }
  }
  if (auto v = root.boolean("globalDefault")) {
    pc.global_default = *v;
    if (*v) {
      for (const auto& other : l.sc.priority_classes)
        if (other.global_default)
          d.error(root.get("globalDefault"), "globalDefault",
                  "PriorityClass " + quote(other.name) + " is already marked as default; only one default can exist");
    }
  }
  if (auto v = root.enumeration("preemptionPolicy", {"PreemptLowerPriority", "Never"})) pc.preempt_never = *v == "Never";
  root.ignore({"description"});
  root.warn_unread();
  l.sc.priority_classes.push_back(std::move(pc));
}

}  // namespace capsim::io::detail

namespace capsim::io::detail {

void settle_owned_pods(Loader& l) {
  auto& ws = l.sc.workloads;
  auto find = [&](spec::WorkloadKind kind, const std::string& ns, const std::string& name) {
    return std::find_if(ws.begin(), ws.end(), [&](const spec::Workload& w) {
      return w.kind == kind && w.namespace_ == ns && w.name == name;
    });
  };
  auto note = [](std::vector<Diagnostic>& to, const spec::SourceLoc& at, std::string path, std::string message) {
    to.push_back(Diagnostic{at.file, at.line, at.col, Severity::warning, std::move(path), std::move(message)});
  };
  std::vector<bool> drop(ws.size(), false);
  std::vector<bool> moved(l.diags.not_modelled.size(), false);  // notes about a dropped pod: now inert
  for (const auto& p : l.owned_pods) {
    const spec::Workload& pod = ws[p.workload];
    std::string owner;  // the controller in the manifests that creates this pod, described
    if (p.owner_kind == "ReplicaSet") {
      if (find(spec::WorkloadKind::replica_set, pod.namespace_, p.owner_name) != ws.end()) {
        owner = "ReplicaSet " + quote(p.owner_name);
      } else {
        // A Deployment's ReplicaSet is named <deployment>-<pod-template-hash>.
        const auto dash = p.owner_name.rfind('-');
        if (dash != std::string::npos &&
            find(spec::WorkloadKind::deployment, pod.namespace_, p.owner_name.substr(0, dash)) != ws.end())
          owner = "Deployment " + quote(p.owner_name.substr(0, dash)) + " (its ReplicaSet " + quote(p.owner_name) + ")";
      }
    } else {
      for (auto k : {spec::WorkloadKind::stateful_set, spec::WorkloadKind::daemon_set, spec::WorkloadKind::job})
        if (p.owner_kind == spec::workload_kind_name(k) && find(k, pod.namespace_, p.owner_name) != ws.end())
          owner = p.owner_kind + " " + quote(p.owner_name);
    }
    if (!owner.empty()) {
      drop[p.workload] = true;
      for (std::size_t k = p.notes_begin; k < p.notes_end; ++k) moved[k] = true;
      note(l.diags.ignored, p.loc, "",
           "pod " + quote(pod.name) + " is created by " + owner + ", which is in the manifests; not run as a bare Pod");
    } else {
      note(l.diags.not_modelled, p.loc, "",
           "pod " + quote(pod.name) + " is owned by " + p.owner_kind + " " + quote(p.owner_name) +
               ", which is not in the manifests: it runs as a bare Pod, and nothing replaces it");
    }
  }
  std::size_t i = 0;
  ws.erase(std::remove_if(ws.begin(), ws.end(), [&](const spec::Workload&) { return drop[i++]; }), ws.end());
  std::vector<Diagnostic> kept;
  for (std::size_t k = 0; k < moved.size(); ++k) {
    if (moved[k]) l.diags.not_modelled[k].message += " (a Pod its controller creates: the controller's replicas run instead)";
    (moved[k] ? l.diags.ignored : kept).push_back(std::move(l.diags.not_modelled[k]));
  }
  kept.insert(kept.end(), std::make_move_iterator(l.diags.not_modelled.begin() + static_cast<std::ptrdiff_t>(moved.size())),
              std::make_move_iterator(l.diags.not_modelled.end()));
  l.diags.not_modelled = std::move(kept);
}

}  // namespace capsim::io::detail
