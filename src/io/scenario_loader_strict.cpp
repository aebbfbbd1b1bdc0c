// Strict manifest fields (kubectl's strict field validation over the generated field trees) and
// the classification of fields and kinds capsim does not read: inert, or not modelled.
#include <algorithm>
#include <array>

#include "io/k8s_fields.hpp"
#include "io/scenario_loader_detail.hpp"

namespace capsim::io::detail {

const FieldKind* find_field_kind(std::string_view api_version, std::string_view kind) {
  for (const auto& k : field_kinds())
    if (k.api_version == api_version && k.kind == kind) return &k;
  return nullptr;
}

namespace {

const FieldProp* find_prop(const FieldNode& n, std::string_view key) {
  const auto props = field_props().subspan(static_cast<std::size_t>(n.first), static_cast<std::size_t>(n.count));
  auto it = std::lower_bound(props.begin(), props.end(), key,
                             [](const FieldProp& p, std::string_view k) { return p.name < k; });
  return it != props.end() && it->name == key ? &*it : nullptr;
}

void walk(Doc& d, const YAML::Node& n, std::int32_t node, const std::string& path, std::vector<Diagnostic>& out) {
  if (node < 0 || !present(n)) return;
  const FieldNode& f = field_nodes()[static_cast<std::size_t>(node)];
  if (f.type == FieldType::array) {
    if (!n.IsSequence()) return;  // a wrong type is the reader's to report, where it reads the field
    for (std::size_t i = 0; i < n.size(); ++i) walk(d, n[i], f.items, index_path(path, i), out);
    return;
  }
  if (f.type != FieldType::object || !n.IsMap()) return;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (!it->first.IsScalar()) continue;  // the map view reports non-scalar keys
    const std::string& key = it->first.Scalar();
    const std::string child = key_path(path, key);
    if (const FieldProp* p = find_prop(f, key)) {
      walk(d, it->second, p->node, child, out);
      continue;
    }
    if (f.additional >= 0) {
      walk(d, it->second, f.additional, child, out);
      continue;
    }
    std::vector<std::string_view> valid;
    for (std::int32_t i = 0; i < f.count; ++i) valid.push_back(field_props()[static_cast<std::size_t>(f.first + i)].name);
    std::string msg = "unknown field " + quote(key);
    if (auto near = closest(key, valid))
      msg += ", did you mean " + quote(*near) + "?";
    else if (!valid.empty() && valid.size() <= 8)
      msg += ", expected one of " + quote_list(valid);
    const spec::SourceLoc at = d.loc(it->first);
    out.push_back(Diagnostic{at.file, at.line, at.col, Severity::error, path, std::move(msg)});
    d.mark_unknown(child);
  }
}

// A key path with every list index replaced by "[]": spec.containers[0].image -> spec.containers[].image.
std::string without_indexes(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] != '[' || i + 1 >= path.size() || path[i + 1] == '"') continue;
    while (i + 1 < path.size() && path[i + 1] != ']') ++i;
  }
  return out;
}

// `path` is `pattern` or lies under it.
bool under(std::string_view path, std::string_view pattern) {
  if (path.substr(0, pattern.size()) != pattern) return false;
  return path.size() == pattern.size() || path[pattern.size()] == '.' || path[pattern.size()] == '[';
}

// Container fields that cannot change where a pod fits or how long it runs.
constexpr std::array k_inert_container = {
    "name", "image", "imagePullPolicy", "command", "args", "workingDir", "env", "envFrom", "livenessProbe",
    "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath", "terminationMessagePolicy",
    "securityContext", "stdin", "stdinOnce", "tty", "volumeMounts", "volumeDevices", "resizePolicy",
    "ports[].containerPort", "ports[].protocol", "ports[].name", "stopSignal"};

// Pod spec fields (relative to the pod spec) that cannot change the simulation: identity,
// networking inside the node, security, images. hostNetwork, nodeName, os, runtimeClassName,
// activeDeadlineSeconds, resourceClaims, schedulingGates ... are not here: they can.
constexpr std::array k_inert_pod_spec = {
    "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "dnsPolicy", "dnsConfig",
    "restartPolicy", "imagePullSecrets", "enableServiceLinks", "hostname", "subdomain", "setHostnameAsFQDN",
    "shareProcessNamespace", "hostAliases", "hostPID", "hostIPC", "hostUsers", "readinessGates", "securityContext",
    "ephemeralContainers", "hostnameOverride"};

// Top-level fields per kind that cannot change the simulation (rollout and history settings,
// selectors that must match the template anyway, failure handling capsim's pods never need).
struct KindFields {
  std::string_view kind;
  std::vector<std::string_view> inert;
};
const std::vector<KindFields>& inert_kind_fields() {
  static const std::vector<KindFields> k = {
      {"Deployment",
       {"spec.selector", "spec.strategy", "spec.revisionHistoryLimit", "spec.progressDeadlineSeconds",
        "spec.minReadySeconds", "spec.paused"}},
      {"ReplicaSet", {"spec.selector", "spec.minReadySeconds"}},
      {"StatefulSet",
       {"spec.selector", "spec.serviceName", "spec.updateStrategy", "spec.revisionHistoryLimit", "spec.minReadySeconds",
        "spec.persistentVolumeClaimRetentionPolicy", "spec.ordinals"}},
      {"DaemonSet", {"spec.selector", "spec.updateStrategy", "spec.revisionHistoryLimit", "spec.minReadySeconds"}},
      {"Job",
       {"spec.selector", "spec.manualSelector", "spec.backoffLimit", "spec.backoffLimitPerIndex",
        "spec.maxFailedIndexes", "spec.podFailurePolicy", "spec.podReplacementPolicy", "spec.successPolicy",
        "spec.ttlSecondsAfterFinished", "spec.completionMode", "spec.managedBy"}},
      {"PodDisruptionBudget", {"spec.unhealthyPodEvictionPolicy"}},
      {"EC2NodeClass",
       {"spec.blockDeviceMappings[].deviceName", "spec.blockDeviceMappings[].ebs.deleteOnTermination",
        "spec.blockDeviceMappings[].ebs.encrypted", "spec.blockDeviceMappings[].ebs.kmsKeyID",
        "spec.blockDeviceMappings[].ebs.snapshotID", "spec.amiSelectorTerms", "spec.securityGroupSelectorTerms", "spec.role", "spec.instanceProfile",
        "spec.userData", "spec.tags", "spec.metadataOptions", "spec.detailedMonitoring",
        "spec.associatePublicIPAddress", "spec.context", "spec.ipPrefixCount"}},
      {"AWSNodeTemplate",
       {"spec.blockDeviceMappings[].deviceName", "spec.blockDeviceMappings[].ebs.deleteOnTermination",
        "spec.blockDeviceMappings[].ebs.encrypted", "spec.blockDeviceMappings[].ebs.kmsKeyID",
        "spec.blockDeviceMappings[].ebs.snapshotID", "spec.amiSelector", "spec.securityGroupSelector", "spec.instanceProfile", "spec.userData", "spec.tags",
        "spec.metadataOptions", "spec.detailedMonitoring", "spec.context", "spec.launchTemplate"}},
  };
  return k;
}

// Where a kind's pod spec is.
std::string_view pod_spec_prefix(std::string_view kind) {
  if (kind == "Pod") return "spec";
  if (kind == "Deployment" || kind == "ReplicaSet" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "Job")
    return "spec.template.spec";
  return {};
}

bool inert_in_pod_spec(std::string_view rel, const YAML::Node& value) {
  if (rel == "schedulerName") return value.IsScalar() && value.Scalar() == "default-scheduler";
  for (auto p : k_inert_pod_spec)
    if (under(rel, p)) return true;
  for (std::string_view list : {"containers[].", "initContainers[]."}) {
    if (rel.substr(0, list.size()) != list) continue;
    for (auto p : k_inert_container)
      if (under(rel.substr(list.size()), p)) return true;
  }
  return false;
}

}  // namespace

void check_strict_fields(Doc& d, const YAML::Node& root, const FieldKind& kind, std::vector<Diagnostic>& out) {
  walk(d, root, kind.root, "", out);
}

UnreadField classify_unread(std::string_view kind, std::string_view path, const YAML::Node& value) {
  const std::string p = without_indexes(path);
  // Object metadata beyond what the readers take (names, labels, annotations): bookkeeping.
  if (under(p, "metadata") || under(p, "spec.template.metadata")) return UnreadField::inert;
  if (const auto prefix = pod_spec_prefix(kind);
      !prefix.empty() && p.size() > prefix.size() + 1 && under(p, prefix) &&
      inert_in_pod_spec(std::string_view(p).substr(prefix.size() + 1), value))
    return UnreadField::inert;
  for (const auto& k : inert_kind_fields()) {
    if (k.kind != kind) continue;
    for (auto f : k.inert)
      if (under(p, f)) return UnreadField::inert;
  }
  return UnreadField::not_modelled;
}

UnreadField classify_skipped_kind(std::string_view kind, std::string& hint) {
  static constexpr std::array k_inert = {
      "ConfigMap", "Secret", "Service", "ServiceAccount", "Endpoints", "EndpointSlice", "Ingress", "IngressClass",
      "NetworkPolicy", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Event", "Lease", "Namespace",
      "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
      "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "APIService", "ServiceMonitor", "PodMonitor",
      "PrometheusRule", "ControllerRevision", "CertificateSigningRequest", "Certificate", "Issuer", "ClusterIssuer"};
  hint.clear();
  if (std::find(k_inert.begin(), k_inert.end(), kind) != k_inert.end()) return UnreadField::inert;
  if (kind == "Node" || kind == "NodeClaim")
    hint = "existing nodes are read from a cluster dump by `capsim import cluster`, or given in spec.nodeClaims";
  else if (kind == "HorizontalPodAutoscaler" || kind == "ScaledObject")
    hint = "the workload keeps the replicas its manifest states; script changes with timeline scale events";
  else if (kind == "CronJob" || kind == "ScaledJob")
    hint = "no Job is created from it; apply the Job itself with a timeline `apply` event";
  return UnreadField::not_modelled;
}

}  // namespace capsim::io::detail
