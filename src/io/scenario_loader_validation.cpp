// Validation rules of the scenario loader: Karpenter's requirement and label rules per API
// version, Kubernetes node-selector / label-selector requirements, and the checks that need
// every document (references between documents, timeline targets, Karpenter version).
//
// Sources (read, not copied):
//   v1alpha5: core v0.29.2 pkg/apis/v1alpha5/{labels.go,provisioner_validation.go},
//             aws v0.29.2 pkg/apis/v1alpha1/register.go (AWS well-known labels and domain)
//   v1beta1:  aws v0.37 pkg/apis/crds/karpenter.sh_nodepools.yaml x-kubernetes-validations
//   v1:       aws v1.14 pkg/apis/crds/karpenter.sh_nodepools.yaml x-kubernetes-validations,
//             core pkg/apis/v1/{labels.go,nodeclaim_validation.go} (runtime validation)
#include <algorithm>
#include <map>

#include "capsim/core/labels.hpp"
#include "capsim/core/requirements.hpp"
#include "io/scenario_loader_detail.hpp"

namespace capsim::io::detail {

namespace {

// Label keys of the karpenter.k8s.aws domain a NodePool may use, per API version.
constexpr std::string_view k_aws_labels_v1alpha5[] = {
    "karpenter.k8s.aws/instance-hypervisor",         "karpenter.k8s.aws/instance-encryption-in-transit-supported",
    "karpenter.k8s.aws/instance-category",           "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-generation",         "karpenter.k8s.aws/instance-size",
    "karpenter.k8s.aws/instance-local-nvme",         "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-memory",             "karpenter.k8s.aws/instance-network-bandwidth",
    "karpenter.k8s.aws/instance-pods",               "karpenter.k8s.aws/instance-gpu-name",
    "karpenter.k8s.aws/instance-gpu-manufacturer",   "karpenter.k8s.aws/instance-gpu-count",
    "karpenter.k8s.aws/instance-gpu-memory",         "karpenter.k8s.aws/instance-accelerator-name",
    "karpenter.k8s.aws/instance-accelerator-manufacturer", "karpenter.k8s.aws/instance-accelerator-count"};
constexpr std::string_view k_aws_labels_v1beta1[] = {
    "karpenter.k8s.aws/instance-encryption-in-transit-supported", "karpenter.k8s.aws/instance-category",
    "karpenter.k8s.aws/instance-hypervisor",         "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-generation",         "karpenter.k8s.aws/instance-local-nvme",
    "karpenter.k8s.aws/instance-size",               "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-cpu-manufacturer",   "karpenter.k8s.aws/instance-memory",
    "karpenter.k8s.aws/instance-ebs-bandwidth",      "karpenter.k8s.aws/instance-network-bandwidth",
    "karpenter.k8s.aws/instance-gpu-name",           "karpenter.k8s.aws/instance-gpu-manufacturer",
    "karpenter.k8s.aws/instance-gpu-count",          "karpenter.k8s.aws/instance-gpu-memory",
    "karpenter.k8s.aws/instance-accelerator-name",   "karpenter.k8s.aws/instance-accelerator-manufacturer",
    "karpenter.k8s.aws/instance-accelerator-count"};
constexpr std::string_view k_aws_labels_v1[] = {
    "karpenter.k8s.aws/instance-tenancy",            "karpenter.k8s.aws/capacity-reservation-type",
    "karpenter.k8s.aws/capacity-reservation-id",     "karpenter.k8s.aws/capacity-reservation-interruptible",
    "karpenter.k8s.aws/ec2nodeclass",                "karpenter.k8s.aws/instance-encryption-in-transit-supported",
    "karpenter.k8s.aws/nitro-sandbox",               "karpenter.k8s.aws/instance-category",
    "karpenter.k8s.aws/instance-hypervisor",         "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-generation",         "karpenter.k8s.aws/instance-local-nvme",
    "karpenter.k8s.aws/instance-size",               "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-cpu-manufacturer",   "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz",
    "karpenter.k8s.aws/instance-memory",             "karpenter.k8s.aws/instance-ebs-bandwidth",
    "karpenter.k8s.aws/instance-network-bandwidth",  "karpenter.k8s.aws/instance-gpu-name",
    "karpenter.k8s.aws/instance-gpu-manufacturer",   "karpenter.k8s.aws/instance-gpu-count",
    "karpenter.k8s.aws/instance-gpu-memory",         "karpenter.k8s.aws/instance-accelerator-name",
    "karpenter.k8s.aws/instance-accelerator-manufacturer", "karpenter.k8s.aws/instance-accelerator-count",
    "karpenter.k8s.aws/instance-capability-flex",    "karpenter.k8s.aws/placement-group-id",
    "karpenter.k8s.aws/placement-group-partition"};

// core v0.29.2 v1alpha5 WellKnownLabels (before the AWS additions).
constexpr std::string_view k_well_known_v1alpha5[] = {
    "karpenter.sh/provisioner-name", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
    "node.kubernetes.io/instance-type", "kubernetes.io/arch", "kubernetes.io/os", "karpenter.sh/capacity-type",
    "node.kubernetes.io/windows-build"};

// aws v0.37 CRD: keys of the kubernetes.io domain a v1beta1 NodePool may use.
constexpr std::string_view k_kubernetes_io_allowed_v1beta1[] = {
    "beta.kubernetes.io/instance-type", "failure-domain.beta.kubernetes.io/region", "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch", "failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region", "node.kubernetes.io/instance-type", "kubernetes.io/arch", "kubernetes.io/os",
    "node.kubernetes.io/windows-build"};

template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view key) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string restricted_domain(std::string_view domain) { return "label domain " + quote(domain) + " is restricted"; }

// Karpenter's CEL rules take the key up to its first "/" (the whole key if it has none).
std::string_view cel_domain(std::string_view key) {
  const auto slash = key.find('/');
  return slash == std::string_view::npos ? key : key.substr(0, slash);
}

bool is_dns_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// k8s.io/apimachinery validation.IsValidLabelValue: empty, or <= 63 characters of
// [-A-Za-z0-9_.] starting and ending with an alphanumeric.
bool valid_label_value(std::string_view v) {
  if (v.empty()) return true;
  if (v.size() > 63 || !is_alnum(v.front()) || !is_alnum(v.back())) return false;
  return std::all_of(v.begin(), v.end(), is_name_char);
}

// validation.IsQualifiedName: [prefix/]name, prefix a DNS subdomain (<= 253), name like a label value
// but non-empty.
bool valid_qualified_name(std::string_view key) {
  std::string_view name = key;
  const auto slash = key.find('/');
  if (slash != std::string_view::npos) {
    const std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 253) return false;
    std::size_t start = 0;
    while (start <= prefix.size()) {
      std::size_t dot = prefix.find('.', start);
      if (dot == std::string_view::npos) dot = prefix.size();
      const std::string_view part = prefix.substr(start, dot - start);
      if (part.empty() || part.front() == '-' || part.back() == '-') return false;
      if (!std::all_of(part.begin(), part.end(), is_dns_label_char)) return false;
      start = dot + 1;
    }
  }
  return !name.empty() && valid_label_value(name);
}

}  // namespace

std::optional<std::string> restricted_label(std::string_view key, KarpenterApi api, bool in_requirements) {
  switch (api) {
    case KarpenterApi::v1alpha5: {
      // provisioner_validation.go: the provisioner-name label is restricted in both places.
      if (key == label::k_provisioner_name) return "label " + quote(key) + " is restricted";
      // labels.go IsRestrictedLabel (requirement keys are normalised first).
      const std::string_view k = in_requirements ? label::normalize_key(key) : key;
      if (contains(k_well_known_v1alpha5, k) || contains(k_aws_labels_v1alpha5, k)) return std::nullopt;
      if (k == label::k_hostname) return "label " + quote(k) + " is restricted";
      const auto slash = k.find('/');
      const std::string_view domain = slash == std::string_view::npos ? std::string_view{} : k.substr(0, slash);
      if (domain == "kops.k8s.io" || domain == "node.kubernetes.io" || domain == "testing.karpenter.sh")
        return std::nullopt;  // LabelDomainExceptions
      for (std::string_view restricted : {"kubernetes.io", "k8s.io", "karpenter.sh", "karpenter.k8s.aws"})
        if (ends_with(domain, restricted)) return restricted_domain(restricted);
      if (k == "karpenter.sh/emptiness-timestamp") return "label " + quote(k) + " is restricted";
      return std::nullopt;
    }
    case KarpenterApi::v1beta1:
    case KarpenterApi::v1: {
      if (key == label::k_nodepool) return "label " + quote(key) + " is restricted";
      if (key == label::k_hostname) return "label " + quote(key) + " is restricted";
      const std::string_view domain = cel_domain(key);
      if (api == KarpenterApi::v1beta1) {
        if (!contains(k_kubernetes_io_allowed_v1beta1, key) && !ends_with(domain, "node.kubernetes.io") &&
            !ends_with(domain, "node-restriction.kubernetes.io") && ends_with(domain, "kubernetes.io"))
          return restricted_domain("kubernetes.io");
        if (!ends_with(domain, "kops.k8s.io") && ends_with(domain, "k8s.io")) return restricted_domain("k8s.io");
      }
      if (key != label::k_capacity_type && ends_with(domain, "karpenter.sh")) return restricted_domain("karpenter.sh");
      const bool aws_ok = api == KarpenterApi::v1 ? contains(k_aws_labels_v1, key) : contains(k_aws_labels_v1beta1, key);
      if (!aws_ok && ends_with(domain, "karpenter.k8s.aws")) return restricted_domain("karpenter.k8s.aws");
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::map<std::string, std::string>> read_karpenter_labels(Doc& d, MapView& m, std::string_view key,
                                                                        KarpenterApi api) {
  const YAML::Node n = m.get(key);
  if (!present(n)) return std::nullopt;
  auto labels = m.str_map(key);
  if (!labels) return std::nullopt;
  Diagnostics scratch;  // str_map has reported the map's own problems already
  Doc quiet(scratch, d.file());
  MapView lm(quiet, n, m.path(key));
  bool ok = true;
  for (const auto& e : lm.entries()) {
    if (!valid_qualified_name(e.key)) {
      d.error(e.key_node, lm.path(e.key), "invalid label key " + quote(e.key));
      ok = false;
      continue;
    }
    if (auto msg = restricted_label(e.key, api, false)) {
      d.error(e.key_node, lm.path(e.key), *msg);
      ok = false;
      continue;
    }
    const std::string& value = labels->at(e.key);
    if (!valid_label_value(value)) {
      d.error(e.value, lm.path(e.key),
              "invalid label value " + quote(value) +
                  ": must be 63 characters or less, alphanumerics, '-', '_' or '.', starting and ending with an "
                  "alphanumeric");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return labels;
}

void read_karpenter_requirements(Loader& l, Doc& d, const YAML::Node& n, const std::string& path, KarpenterApi api,
                                 std::vector<spec::SelectorRequirement>& out) {
  if (!expect_list(d, n, path)) return;
  if (api != KarpenterApi::v1alpha5 && n.size() > 100)
    d.error(n, path, "expected at most 100 requirements, got " + std::to_string(n.size()));
  const bool with_ge = api == KarpenterApi::v1;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    const std::size_t before = d.error_count();
    spec::SelectorRequirement r;
    if (auto k = m.req_str("key")) {
      r.key = *k;
      if (!valid_qualified_name(*k))
        d.error(m.get("key"), m.path("key"), "invalid label key " + quote(*k));
      else if (auto msg = restricted_label(*k, api, true))
        d.error(m.get("key"), m.path("key"), *msg);
    }
    std::optional<std::string> op_name;
    if (m.require("operator"); m.has("operator")) {
      op_name = with_ge ? m.enumeration("operator", {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"})
                        : m.enumeration("operator", {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"});
      if (op_name) r.op = *parse_operator(*op_name);
    }
    const YAML::Node values = m.get("values");
    if (present(values)) {
      if (auto v = to_string_list(d, values, m.path("values"))) {
        r.values = *v;
        for (std::size_t j = 0; j < v->size(); ++j)
          if (!valid_label_value((*v)[j]))
            d.error(values[j], index_path(m.path("values"), j), "invalid label value " + quote((*v)[j]));
      }
    }
    if (api != KarpenterApi::v1alpha5) {
      if (auto mv = m.integer("minValues", 1, 50)) r.min_values = static_cast<int>(*mv);
    }
    if (op_name) {
      const bool bounded = r.op == Operator::gt || r.op == Operator::lt || r.op == Operator::gte || r.op == Operator::lte;
      if (r.op == Operator::in && r.values.empty())
        d.error(n[i], p, "requirements with operator 'In' must have a value defined");
      if (bounded) {
        bool ok = r.values.size() == 1;
        if (ok) {
          const std::string& v = r.values.front();
          ok = !v.empty() && v.size() <= 18 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
        }
        if (!ok)
          d.error(n[i], p,
                  with_ge ? "requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value"
                          : "requirements operator 'Gt' or 'Lt' must have a single positive integer value");
      }
      if (r.op == Operator::in && r.min_values && static_cast<std::size_t>(*r.min_values) > r.values.size())
        d.error(n[i], p, "requirements with 'minValues' must have at least that many values specified in the 'values' field");
    }
    const std::string_view key = label::normalize_key(r.key);
    if (op_name && r.op == Operator::in && present(values) && values.IsSequence()) {
      // Instance types must exist in the catalog.
      if (key == label::k_instance_type) {
        for (std::size_t j = 0; j < r.values.size() && j < values.size(); ++j)
          if (!l.known_type(r.values[j]))
            d.error(values[j], index_path(m.path("values"), j), "unknown instance type " + quote(r.values[j]));
      }
      // core pkg/apis/v1/nodeclaim_validation.go validateWellKnownValues: a capacity-type
      // requirement needs at least one known value.
      if (key == label::k_capacity_type) {
        const std::vector<std::string> known = api == KarpenterApi::v1
                                                   ? std::vector<std::string>{"on-demand", "reserved", "spot"}
                                                   : std::vector<std::string>{"on-demand", "spot"};
        const bool any = std::any_of(r.values.begin(), r.values.end(), [&](const std::string& v) {
          return std::find(known.begin(), known.end(), v) != known.end();
        });
        if (!any && !r.values.empty())
          d.error(values, m.path("values"),
                  "no valid values found for " + r.key + ", expected one of " + quote_list(known) + ", got " +
                      quote_list(r.values));
      }
    }
    m.warn_unread();
    if (d.error_count() == before) out.push_back(std::move(r));
  }
}

std::optional<spec::SelectorRequirement> read_selector_requirement(Doc& d, const YAML::Node& n, const std::string& path,
                                                                   bool label_selector) {
  MapView m(d, n, path);
  if (!m.ok()) return std::nullopt;
  const std::size_t before = d.error_count();
  spec::SelectorRequirement r;
  if (auto k = m.req_str("key")) {
    r.key = *k;
    if (!valid_qualified_name(*k)) d.error(m.get("key"), m.path("key"), "invalid label key " + quote(*k));
  }
  std::optional<std::string> op_name;
  if (m.require("operator"); m.has("operator")) {
    op_name = label_selector ? m.enumeration("operator", {"In", "NotIn", "Exists", "DoesNotExist"})
                             : m.enumeration("operator", {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"});
    if (op_name) r.op = *parse_operator(*op_name);
  }
  if (auto v = m.str_list("values")) r.values = *v;
  // core/validation ValidateNodeSelectorRequirement / metav1 validation ValidateLabelSelectorRequirement.
  if (op_name) {
    switch (r.op) {
      case Operator::in:
      case Operator::not_in:
        if (r.values.empty()) d.error(n, path, "values must be specified when operator is In or NotIn");
        break;
      case Operator::exists:
      case Operator::does_not_exist:
        if (!r.values.empty())
          d.error(m.get("values"), m.path("values"), "values may not be specified when operator is Exists or DoesNotExist");
        break;
      case Operator::gt:
      case Operator::lt: {
        bool ok = r.values.size() == 1;
        if (ok) {
          const std::string& v = r.values.front();
          const std::size_t start = !v.empty() && v[0] == '-' ? 1 : 0;
          ok = v.size() > start && v.size() <= 18 &&
               std::all_of(v.begin() + static_cast<std::ptrdiff_t>(start), v.end(), [](char c) { return c >= '0' && c <= '9'; });
        }
        if (!ok) d.error(n, path, "values must be a single integer when operator is Gt or Lt");
        break;
      }
      default: break;
    }
  }
  m.warn_unread();
  if (d.error_count() != before) return std::nullopt;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Cross-document checks

namespace {

void error_at(Loader& l, const spec::SourceLoc& loc, const std::string& path, std::string message) {
  l.diags.error(Diagnostic{loc.file, loc.line, loc.col, Severity::error, path, std::move(message)});
}

bool exists_kind(const Loader& l, const std::string& kind, const std::string& name) {
  if (kind == "AWSNodeTemplate" || kind == "EC2NodeClass")
    return std::any_of(l.sc.node_classes.begin(), l.sc.node_classes.end(),
                       [&](const spec::NodeClass& nc) { return nc.kind == kind && nc.name == name; });
  if (kind == "PriorityClass")
    return std::any_of(l.sc.priority_classes.begin(), l.sc.priority_classes.end(),
                       [&](const spec::PriorityClass& pc) { return pc.name == name; });
  if (kind == "NodeGroup")
    return std::any_of(l.sc.node_groups.begin(), l.sc.node_groups.end(),
                       [&](const spec::NodeGroup& g) { return g.name == name; });
  if (kind == "NodePool" || kind == "Provisioner")
    return std::any_of(l.sc.node_pools.begin(), l.sc.node_pools.end(),
                       [&](const spec::NodePool& np) { return np.kind == kind && np.name == name; });
  return l.sc.find_workload(kind, name) != nullptr;
}

}  // namespace

void cross_validate(Loader& l) {
  // References between documents ("missing referenced document").
  for (const auto& r : l.refs)
    if (!exists_kind(l, r.kind, r.name))
      error_at(l, r.loc, r.path, "no " + r.kind + " named " + quote(r.name) + " in the scenario");
  for (const auto& [index, r] : l.timeline_refs)
    if (!exists_kind(l, r.kind, r.name))
      error_at(l, r.loc, r.path, "no " + r.kind + " named " + quote(r.name) + " in the scenario");

  // Initial NodeClaims: a NodePool (or Provisioner) of the scenario. Pods bound to initial nodes
  // (NodeClaims and node groups' `nodes`): of workloads of the scenario, no more than their
  // replicas over every node (a bare Pod binds its one pod).
  std::map<std::string, int> bound;
  const auto check_bound = [&](const std::vector<std::pair<std::string, int>>& pods, int count, const spec::SourceLoc& loc,
                               const std::string& path) {
    for (const auto& [w, n] : pods) {
      const spec::Workload* wl = nullptr;
      for (const auto& x : l.sc.workloads)
        if (x.name == w && x.kind != spec::WorkloadKind::daemon_set) wl = &x;
      if (!wl) {
        error_at(l, loc, path + ".pods", "no Deployment, StatefulSet, ReplicaSet, Job or Pod named " + quote(w) + " in the scenario");
        continue;
      }
      const int replicas = wl->kind == spec::WorkloadKind::pod ? 1 : wl->replicas;
      bound[w] += n * count;
      if (bound[w] > replicas)
        error_at(l, loc, path + ".pods",
                 "binds " + std::to_string(bound[w]) + " pods of " + quote(w) + ", which has " + std::to_string(replicas) +
                     (replicas == 1 ? " replica" : " replicas"));
    }
  };
  for (std::size_t i = 0; i < l.sc.node_claims.size(); ++i) {
    const auto& c = l.sc.node_claims[i];
    const std::string path = "spec.nodeClaims[" + std::to_string(i) + "]";
    if (!c.node_pool.empty() && !exists_kind(l, "NodePool", c.node_pool) && !exists_kind(l, "Provisioner", c.node_pool))
      error_at(l, c.loc, path + ".nodePool", "no NodePool named " + quote(c.node_pool) + " in the scenario");
    check_bound(c.pods, c.count, c.loc, path);
  }
  for (std::size_t g = 0; g < l.sc.node_groups.size(); ++g)
    for (std::size_t i = 0; i < l.sc.node_groups[g].nodes.size(); ++i) {
      const auto& n = l.sc.node_groups[g].nodes[i];
      check_bound(n.pods, 1, n.loc, "spec.nodeGroups[" + std::to_string(g) + "].nodes[" + std::to_string(i) + "]");
    }

  // Subnet zones must be zones of the scenario's region.
  const auto regions = l.regions();
  const bool region_ok = std::find(regions.begin(), regions.end(), l.sc.region) != regions.end();
  if (region_ok) {
    const auto& zones = l.zones_of(l.sc.region);
    for (const auto& [index, list] : l.subnet_zone_refs)
      for (const auto& [zone, loc] : list)
        if (std::find(zones.begin(), zones.end(), zone) == zones.end())
          error_at(l, loc, "", "zone " + quote(zone) + " is not in region " + quote(l.sc.region));
  }

  // The Karpenter version must serve the API of every NodePool. Unset, it follows the manifests:
  // Provisioners mean v0.29, anything else v1.14.
  const bool runs_karpenter =
      std::find(l.sc.autoscalers.begin(), l.sc.autoscalers.end(), "karpenter") != l.sc.autoscalers.end();
  bool any_v1alpha5 = false, any_new = false;
  for (const auto& np : l.sc.node_pools) (np.api == "karpenter.sh/v1alpha5" ? any_v1alpha5 : any_new) = true;
  for (const auto& nc : l.sc.node_classes) (nc.kind == "AWSNodeTemplate" ? any_v1alpha5 : any_new) = true;
  if (!l.karpenter_version_set && any_v1alpha5 && !any_new) l.sc.karpenter.version = "v0.29";
  if (runs_karpenter) {
    const bool old = l.sc.karpenter.is_v1alpha5();
    for (std::size_t i = 0; i < l.sc.node_pools.size(); ++i) {
      const auto& np = l.sc.node_pools[i];
      const bool np_old = np.api == "karpenter.sh/v1alpha5";
      if (np_old == old) continue;
      const spec::SourceLoc& at = i < l.node_pool_api_locs.size() ? l.node_pool_api_locs[i] : np.loc;
      error_at(l, at, "apiVersion",
               "Karpenter " + l.sc.karpenter.version + " does not serve " + np.api + " " + np.kind + " (" +
                   (l.karpenter_version_set ? "spec.karpenter.version is " + l.sc.karpenter.version
                                            : std::string("the scenario mixes v1alpha5 and v1beta1/v1 manifests")) +
                   ")");
    }
  }

  // BestEffort pods (no CPU or memory request nor limit in any container, Kubernetes' QoS class):
  // legal, and almost never meant: sized as zero, they pack onto any node with a free pod slot.
  for (const auto& w : l.sc.workloads) {
    bool best_effort = true;
    for (const auto* list : {&w.tmpl.containers, &w.tmpl.init_containers})
      for (const auto& c : *list)
        for (const auto* r : {&c.requests, &c.limits})
          if (r->cpu_millis() != 0 || r->memory_bytes() != 0) best_effort = false;
    if (!best_effort) continue;
    const std::string kind(spec::workload_kind_name(w.kind));
    const std::string count = w.kind == spec::WorkloadKind::daemon_set ? "one pod per node"
                              : std::to_string(w.kind == spec::WorkloadKind::job ? w.completions : w.replicas) + " pod(s)";
    l.diags.warning(Diagnostic{w.loc.file, w.loc.line, w.loc.col, Severity::warning, "",
                               kind + " " + quote(w.name) + " requests no CPU or memory (BestEffort), " + count +
                                   ": the scheduler and the autoscalers size them as zero, so they pack onto any "
                                   "node with a free pod slot"});
  }
}

}  // namespace capsim::io::detail
