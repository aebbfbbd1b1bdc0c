// Karpenter manifests -> spec::NodePool / spec::NodeClass:
//   karpenter.sh/v1alpha5 Provisioner + karpenter.k8s.aws/v1alpha1 AWSNodeTemplate (v0.29),
//   karpenter.sh/v1beta1|v1 NodePool + karpenter.k8s.aws/v1beta1|v1 EC2NodeClass.
// Defaults and validation follow the webhooks / CRD schemas of each API version
// (reference karpenter.md section 5.16); the requirement rules are in scenario_loader_validation.cpp.
#include <algorithm>
#include <charconv>

#include "capsim/core/labels.hpp"
#include "capsim/core/cron.hpp"
#include "io/scenario_loader_detail.hpp"

namespace capsim::io::detail {

namespace {

constexpr std::string_view k_kubelet_reserved_keys[] = {"cpu", "memory", "ephemeral-storage", "pid"};
const std::vector<std::string_view> k_eviction_signals = {
    "memory.available", "nodefs.available", "nodefs.inodesFree", "imagefs.available", "imagefs.inodesFree",
    "pid.available"};

// ---------------------------------------------------------------------------------------------
// Shared pieces

std::optional<std::map<std::string, Quantity>> read_reserved(Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return std::nullopt;
  m.reject_unknown({"cpu", "memory", "ephemeral-storage", "pid"});
  std::map<std::string, Quantity> out;
  for (auto key : k_kubelet_reserved_keys)
    if (auto q = m.quantity(key)) out[std::string(key)] = *q;
  return out;
}

std::optional<std::map<std::string, std::string>> read_eviction(Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return std::nullopt;
  m.reject_unknown(k_eviction_signals);
  std::map<std::string, std::string> out;
  for (auto key : k_eviction_signals) {
    const YAML::Node v = m.get(key);
    if (!present(v)) continue;
    auto s = to_string(d, v, m.path(key));
    if (!s) continue;
    // Upstream (core v0.29 provisioner_validation.go validateEvictionThresholds): a percentage
    // from 0 to 100, or a resource quantity.
    if (!s->empty() && s->back() == '%') {
      const std::string num = s->substr(0, s->size() - 1);
      double p = -1;
      const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), p, std::chars_format::fixed);
      if (num.empty() || ec != std::errc() || end != num.data() + num.size() || p < 0 || p > 100) {
        d.error(v, m.path(key), "expected a percentage from 0% to 100% or a quantity such as \"100Mi\", got " + quote(*s));
        continue;
      }
    } else if (!parse_quantity(*s) || parse_quantity(*s)->milli < 0) {
      d.error(v, m.path(key), "expected a percentage from 0% to 100% or a quantity such as \"100Mi\", got " + quote(*s));
      continue;
    }
    out[std::string(key)] = *s;
  }
  return out;
}

// The device that holds the kubelet's ephemeral storage (aws pkg/providers/amifamily/*.go
// EphemeralBlockDevice).
std::string_view ephemeral_block_device(std::string_view family) {
  if (family == "Bottlerocket") return "/dev/xvdb";
  if (family == "Ubuntu" || family.rfind("Windows", 0) == 0) return "/dev/sda1";
  return "/dev/xvda";  // AL2, AL2023
}

struct BlockDevice {
  std::string device_name;
  std::optional<Quantity> volume_size;
  bool root_volume{false};
  bool ebs{false};
  // EC2's EbsBlockDevice default volume type is gp2 (Karpenter's CRD sets none; its default
  // mappings name gp3 explicitly).
  std::string volume_type{"gp2"};
  std::int64_t iops{0};
  std::int64_t throughput{0};
};

std::vector<BlockDevice> read_block_device_mappings(Doc& d, const YAML::Node& n, const std::string& path,
                                                    KarpenterApi api) {
  std::vector<BlockDevice> out;
  if (!expect_list(d, n, path)) return out;
  int roots = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    BlockDevice b;
    if (auto v = m.str("deviceName")) b.device_name = *v;
    if (api != KarpenterApi::v1alpha5) {
      if (auto v = m.boolean("rootVolume")) b.root_volume = *v;
      if (b.root_volume && ++roots == 2)
        d.error(m.get("rootVolume"), m.path("rootVolume"), "must have only one blockDeviceMappings with rootVolume");
    }
    if (const YAML::Node ebs = m.get("ebs"); present(ebs)) {
      MapView e(d, ebs, m.path("ebs"));
      if (e.ok()) {
        b.ebs = true;
        if (auto q = e.quantity("volumeSize")) {
          if (q->milli <= 0)
            d.error(e.get("volumeSize"), e.path("volumeSize"), "expected a positive quantity such as \"20Gi\", got " +
                                                                    describe(e.get("volumeSize")));
          else
            b.volume_size = *q;
        }
        // The CRD's enum and ranges (aws pkg/apis/v1/ec2nodeclass.go BlockDevice).
        if (auto v = e.enumeration("volumeType", {"standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"})) b.volume_type = *v;
        if (auto v = e.integer("iops", 0, 256'000)) b.iops = *v;
        if (auto v = e.integer("throughput", 0, 2'000)) b.throughput = *v;
        e.warn_unread();
      }
    }
    m.warn_unread();
    out.push_back(std::move(b));
  }
  return out;
}

// aws pkg/providers/instancetype/types.go ephemeralStorage: the rootVolume mapping (v1beta1+),
// else for Custom the last mapping, else the mapping of the family's ephemeral block device.
std::optional<Quantity> root_volume_size(const std::vector<BlockDevice>& bdms, std::string_view family) {
  if (bdms.empty()) return std::nullopt;
  for (const auto& b : bdms)
    if (b.root_volume && b.volume_size) return b.volume_size;
  if (family == "Custom") return bdms.back().volume_size;
  for (const auto& b : bdms)
    if (b.device_name == ephemeral_block_device(family) && b.volume_size) return b.volume_size;
  return std::nullopt;
}

// Zones named by a topology.kubernetes.io/zone subnet tag (capsim's way of restricting a node
// class to some zones). Empty when any selector term may match every zone.
void collect_subnet_zone(Doc& d, const YAML::Node& value, const std::string& path,
                         std::vector<std::pair<std::string, spec::SourceLoc>>& zones) {
  auto s = to_string(d, value, path);
  if (!s) return;
  std::size_t start = 0;
  while (start <= s->size()) {
    std::size_t comma = s->find(',', start);
    if (comma == std::string::npos) comma = s->size();
    std::string z = s->substr(start, comma - start);
    z.erase(0, z.find_first_not_of(' '));
    z.erase(z.find_last_not_of(' ') + 1);
    if (!z.empty()) zones.emplace_back(z, d.loc(value));
    start = comma + 1;
  }
}

// The EBS volumes EC2 creates: the mappings given (Karpenter passes them to the launch template
// verbatim), else the family's defaults. A mapping without a size takes its device's default size
// (the AMI's snapshot), or is left unpriced when the family has no default for that device.
std::vector<spec::EbsVolume> node_class_volumes(const std::vector<BlockDevice>& bdms, std::string_view family) {
  auto defaults = spec::default_volumes(family);
  if (bdms.empty()) return defaults;
  std::vector<spec::EbsVolume> out;
  for (const auto& b : bdms) {
    if (!b.ebs) continue;
    std::int64_t gib = 0;
    if (b.volume_size) gib = (b.volume_size->milli / 1000 + (std::int64_t{1} << 30) - 1) >> 30;  // EC2 rounds up to GiB
    else
      for (const auto& v : defaults)
        if (v.device_name == b.device_name) gib = v.size_gib;
    if (gib > 0) out.push_back({b.device_name, gib, b.volume_type, b.iops, b.throughput});
  }
  return out;
}

void read_node_class_common_end(Loader& l, spec::NodeClass nc, const std::vector<BlockDevice>& bdms,
                                std::vector<std::pair<std::string, spec::SourceLoc>> zones, bool every_zone) {
  nc.root_volume_size = root_volume_size(bdms, nc.ami_family);
  nc.volumes = node_class_volumes(bdms, nc.ami_family);
  if (every_zone) zones.clear();
  for (const auto& [z, loc] : zones)
    if (std::find(nc.subnet_zones.begin(), nc.subnet_zones.end(), z) == nc.subnet_zones.end())
      nc.subnet_zones.push_back(z);
  if (!zones.empty()) l.subnet_zone_refs.emplace_back(l.sc.node_classes.size(), std::move(zones));
  l.sc.node_classes.push_back(std::move(nc));
}

// AWSNodeTemplate spec (also the inline `provider` of a v1alpha5 Provisioner).
void read_aws_node_template_spec(Loader& l, Doc& d, MapView& s, spec::NodeClass nc) {
  nc.ami_family = "AL2";  // aws v0.29 AMIFamily default
  if (const YAML::Node a = s.get("amiFamily"); present(a)) {
    if (auto v = read_ami_family(d, a, s.path("amiFamily"), KarpenterApi::v1alpha5)) nc.ami_family = *v;
  }
  std::vector<BlockDevice> bdms;
  if (const YAML::Node b = s.get("blockDeviceMappings"); present(b))
    bdms = read_block_device_mappings(d, b, s.path("blockDeviceMappings"), KarpenterApi::v1alpha5);
  std::vector<std::pair<std::string, spec::SourceLoc>> zones;
  bool every_zone = true;
  if (const YAML::Node sel = s.get("subnetSelector"); present(sel)) {
    MapView m(d, sel, s.path("subnetSelector"));
    if (m.ok()) {
      for (auto& e : m.entries()) {
        e.used = true;
        if (e.key == label::k_zone) {
          collect_subnet_zone(d, e.value, m.path(e.key), zones);
          every_zone = false;
        }
      }
    }
  }
  s.ignore({"securityGroupSelector"});  // accepted; capsim models no network
  s.warn_unread();
  read_node_class_common_end(l, std::move(nc), bdms, std::move(zones), every_zone);
}

void read_node_class_ref(Loader& l, Doc& d, MapView& spec_map, std::string_view key, KarpenterApi api,
                         spec::NodePool& np) {
  const YAML::Node ref = spec_map.require(key);
  if (!present(ref)) return;
  MapView r(d, ref, spec_map.path(key));
  if (!r.ok()) return;
  const char* want = api == KarpenterApi::v1alpha5 ? "AWSNodeTemplate" : "EC2NodeClass";
  if (api == KarpenterApi::v1) {
    if (r.require("group"); r.has("group")) r.enumeration("group", {"karpenter.k8s.aws"});
    if (r.require("kind"); r.has("kind")) r.enumeration("kind", {"EC2NodeClass"});
  } else {
    if (r.has("kind")) r.enumeration("kind", {want});
    if (r.has("apiVersion")) {
      if (api == KarpenterApi::v1alpha5)
        r.enumeration("apiVersion", {"karpenter.k8s.aws/v1alpha1"});
      else
        r.enumeration("apiVersion", {"karpenter.k8s.aws/v1beta1"});
    }
  }
  if (auto name = r.req_str("name")) {
    if (name->empty()) {
      d.error(r.get("name"), r.path("name"), "name may not be empty");
    } else {
      np.node_class_ref = *name;
      l.refs.push_back(PendingRef{want, *name, d.loc(r.get("name")), r.path("name")});
    }
  }
  r.warn_unread();
}

// Taints and startupTaints may not repeat a key/effect pair between them (core
// nodeclaim_validation.go validateTaintsField).
void check_duplicate_taints(Doc& d, MapView& m, std::initializer_list<std::string_view> keys) {
  std::vector<std::pair<std::string, TaintEffect>> seen;
  Diagnostics scratch;  // the lists were read once already: their diagnostics are not repeated
  Doc quiet(scratch, d.file());
  for (auto key : keys) {
    const YAML::Node list = m.get(key);
    if (!present(list) || !list.IsSequence()) continue;
    auto taints = read_taints(quiet, list, m.path(key));
    if (!taints) continue;
    for (std::size_t i = 0; i < taints->size(); ++i) {
      const Taint& t = (*taints)[i];
      const auto pair = std::make_pair(t.key, t.effect);
      if (std::find(seen.begin(), seen.end(), pair) != seen.end())
        d.error(list[i], index_path(m.path(key), i),
                "duplicate taint Key/Effect pair " + t.key + "=" + std::string(taint_effect_name(t.effect)));
      seen.push_back(pair);
    }
  }
}

std::optional<ResourceList> read_limits(Doc& d, const YAML::Node& n, const std::string& path) {
  return read_resource_list(d, n, path);
}

// aws v0.29.2 pkg/apis/v1alpha5/provisioner.go Provisioner.SetDefaults: the webhook appends
// os=linux, arch=amd64 and capacity-type=on-demand when the key is absent, and
// instance-category In [c m r] + instance-generation Gt 2 when none of instance-type,
// instance-family, instance-category and instance-generation is constrained. Keys are
// normalised first (scheduling.NewNodeSelectorRequirements), so beta labels count.
void apply_v1alpha5_defaults(std::vector<spec::SelectorRequirement>& reqs) {
  auto has = [&](std::string_view key) {
    return std::any_of(reqs.begin(), reqs.end(),
                       [&](const spec::SelectorRequirement& r) { return label::normalize_key(r.key) == key; });
  };
  const bool os = has(label::k_os), arch = has(label::k_arch), ct = has(label::k_capacity_type);
  const bool instance = has(label::k_instance_type) || has(label::k_instance_family) ||
                        has(label::k_instance_category) || has(label::k_instance_generation);
  if (!os) reqs.push_back({std::string(label::k_os), Operator::in, {"linux"}, std::nullopt});
  if (!arch) reqs.push_back({std::string(label::k_arch), Operator::in, {"amd64"}, std::nullopt});
  if (!ct) reqs.push_back({std::string(label::k_capacity_type), Operator::in, {"on-demand"}, std::nullopt});
  if (!instance) {
    reqs.push_back({std::string(label::k_instance_category), Operator::in, {"c", "m", "r"}, std::nullopt});
    reqs.push_back({std::string(label::k_instance_generation), Operator::gt, {"2"}, std::nullopt});
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Shared readers declared in the detail header

std::optional<std::vector<Taint>> read_taints(Doc& d, const YAML::Node& n, const std::string& path) {
  if (!expect_list(d, n, path)) return std::nullopt;
  std::vector<Taint> out;
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) {
      ok = false;
      continue;
    }
    Taint t;
    const std::size_t before = d.error_count();
    if (auto v = m.req_str("key")) t.key = *v;
    if (auto v = m.str("value")) t.value = *v;
    if (m.require("effect"); m.has("effect")) {
      if (auto e = m.enumeration("effect", {"NoSchedule", "PreferNoSchedule", "NoExecute"}))
        t.effect = *parse_taint_effect(*e);
    }
    m.ignore({"timeAdded"});
    m.warn_unread();
    if (d.error_count() != before) {
      ok = false;
      continue;
    }
    out.push_back(std::move(t));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<spec::KubeletSpec> read_kubelet(Doc& d, const YAML::Node& n, const std::string& path, bool strict) {
  MapView m(d, n, path);
  if (!m.ok()) return std::nullopt;
  if (strict) m.reject_unknown({"maxPods", "podsPerCore", "kubeReserved", "systemReserved", "evictionHard"});
  spec::KubeletSpec k;
  if (auto v = m.integer("maxPods", 0, 2147483647)) k.max_pods = static_cast<int>(*v);
  if (auto v = m.integer("podsPerCore", 0, 2147483647)) k.pods_per_core = static_cast<int>(*v);
  if (const YAML::Node r = m.get("kubeReserved"); present(r)) {
    if (auto v = read_reserved(d, r, m.path("kubeReserved"))) k.kube_reserved = *v;
  }
  if (const YAML::Node r = m.get("systemReserved"); present(r)) {
    if (auto v = read_reserved(d, r, m.path("systemReserved"))) k.system_reserved = *v;
  }
  if (const YAML::Node r = m.get("evictionHard"); present(r)) {
    if (auto v = read_eviction(d, r, m.path("evictionHard"))) k.eviction_hard = *v;
  }
  if (!strict) m.warn_unread();
  return k;
}

std::optional<std::string> read_ami_family(Doc& d, const YAML::Node& n, const std::string& path, KarpenterApi api) {
  switch (api) {
    case KarpenterApi::v1alpha5:  // aws v0.29 pkg/apis/v1alpha1/register.go SupportedAMIFamilies
      return to_enum(d, n, path, {"AL2", "Bottlerocket", "Ubuntu", "Windows2019", "Windows2022", "Custom"});
    case KarpenterApi::v1beta1:  // aws v0.37 karpenter.k8s.aws_ec2nodeclasses.yaml enum
      return to_enum(d, n, path, {"AL2", "AL2023", "Bottlerocket", "Ubuntu", "Windows2019", "Windows2022", "Custom"});
    case KarpenterApi::v1:  // aws v1.14 karpenter.k8s.aws_ec2nodeclasses.yaml enum
      return to_enum(d, n, path,
                     {"AL2", "AL2023", "Bottlerocket", "Windows2019", "Windows2022", "Windows2025", "Custom"});
  }
  return std::nullopt;
}

std::optional<ResourceList> read_resource_list(Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return std::nullopt;
  ResourceList out;
  bool ok = true;
  for (auto& e : m.entries()) {
    e.used = true;
    if (!present(e.value)) continue;
    if (auto q = to_quantity(d, e.value, m.path(e.key)))
      out.set(e.key, *q);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

// ---------------------------------------------------------------------------------------------
// v1alpha5 Provisioner / v1alpha1 AWSNodeTemplate

void read_provisioner(Loader& l, Doc& d, MapView& root) {
  Meta meta = read_metadata(d, root, false);
  spec::NodePool np;
  np.api = "karpenter.sh/v1alpha5";
  np.kind = "Provisioner";
  np.loc = d.loc(root.node());
  np.name = meta.name;
  if (meta.ok) l.register_name(d, "Provisioner", meta.name, meta.name_node, "metadata.name");
  // v1alpha5 has no budgets and no expiry or consolidation unless asked for.
  np.budgets.clear();
  np.expire_after.reset();
  np.consolidate_after.reset();
  np.consolidation_policy = spec::ConsolidationPolicy::when_empty;

  const YAML::Node spec_node = root.require("spec");
  root.warn_unread();
  if (!present(spec_node)) return;
  MapView s(d, spec_node, "spec");
  if (!s.ok()) return;

  if (auto v = read_karpenter_labels(d, s, "labels", KarpenterApi::v1alpha5)) np.labels = Labels(v->begin(), v->end());
  if (const YAML::Node t = s.get("taints"); present(t)) {
    if (auto v = read_taints(d, t, s.path("taints"))) np.taints = *v;
  }
  if (const YAML::Node t = s.get("startupTaints"); present(t)) {
    if (auto v = read_taints(d, t, s.path("startupTaints"))) np.startup_taints = *v;
  }
  if (const YAML::Node r = s.get("requirements"); present(r))
    read_karpenter_requirements(l, d, r, s.path("requirements"), KarpenterApi::v1alpha5, np.requirements);
  apply_v1alpha5_defaults(np.requirements);
  if (const YAML::Node k = s.get("kubeletConfiguration"); present(k))
    np.kubelet = read_kubelet(d, k, s.path("kubeletConfiguration"), false);

  // core v0.29.2 provisioner_validation.go validateProvider: exactly one of provider, providerRef.
  const bool has_provider = s.has("provider"), has_ref = s.has("providerRef");
  if (has_provider && has_ref) {
    d.error(s.node(), "spec", "expected exactly one, got both: provider, providerRef");
  } else if (!has_provider && !has_ref) {
    d.error(s.node(), "spec", "expected exactly one, got neither: provider, providerRef");
  } else if (has_ref) {
    read_node_class_ref(l, d, s, "providerRef", KarpenterApi::v1alpha5, np);
  } else {
    // The deprecated inline provider becomes a node class of its own, named so that it cannot
    // collide with an AWSNodeTemplate ("/" is not allowed in Kubernetes names).
    MapView p(d, s.get("provider"), s.path("provider"));
    if (p.ok()) {
      spec::NodeClass nc;
      nc.name = "provider/" + np.name;
      nc.api = "karpenter.k8s.aws/v1alpha1";
      nc.kind = "AWSNodeTemplate";
      nc.loc = d.loc(p.node());
      np.node_class_ref = nc.name;
      p.ignore({"apiVersion", "kind"});
      read_aws_node_template_spec(l, d, p, std::move(nc));
    }
  }

  // core v0.29.2 provisioner_validation.go validateTTLSecondsUntilExpired / AfterEmpty.
  for (std::string_view key : {"ttlSecondsAfterEmpty", "ttlSecondsUntilExpired"}) {
    const YAML::Node v = s.get(key);
    if (!present(v)) continue;
    auto n = to_int(d, v, s.path(key));
    if (!n) continue;
    if (*n < 0) {
      d.error(v, s.path(key), "cannot be negative, got " + quote(v.Scalar()));
      continue;
    }
    (key == "ttlSecondsAfterEmpty" ? np.ttl_seconds_after_empty : np.ttl_seconds_until_expired) = *n;
  }
  if (np.ttl_seconds_until_expired) np.expire_after = Duration::seconds(*np.ttl_seconds_until_expired);

  if (const YAML::Node lim = s.get("limits"); present(lim)) {
    MapView lm(d, lim, s.path("limits"));
    if (lm.ok()) {
      if (const YAML::Node r = lm.get("resources"); present(r)) {
        if (auto v = read_limits(d, r, lm.path("resources"))) {
          np.limits = *v;
          np.has_limits = true;
        }
      }
      lm.warn_unread();
    }
  }
  if (auto v = s.integer("weight", 1, 100)) np.weight = static_cast<int>(*v);
  if (const YAML::Node c = s.get("consolidation"); present(c)) {
    MapView cm(d, c, s.path("consolidation"));
    if (cm.ok()) {
      if (auto v = cm.boolean("enabled")) np.consolidation_enabled = *v;
      cm.warn_unread();
    }
  }
  // core v0.29.2 provisioner_validation.go validateTTLSecondsAfterEmpty: apis.ErrMultipleOneOf.
  if (np.consolidation_enabled && s.has("ttlSecondsAfterEmpty"))
    d.error(s.node(), "spec", "expected exactly one, got both: consolidation.enabled, ttlSecondsAfterEmpty");
  if (np.consolidation_enabled) {
    np.consolidation_policy = spec::ConsolidationPolicy::when_empty_or_underutilized;
    np.consolidate_after = Duration{0};
  }
  check_duplicate_taints(d, s, {"taints", "startupTaints"});
  s.warn_unread();
  l.node_pool_api_locs.push_back(d.loc(root.get("apiVersion")));
  l.sc.node_pools.push_back(std::move(np));
}

void read_aws_node_template(Loader& l, Doc& d, MapView& root) {
  Meta meta = read_metadata(d, root, false);
  if (meta.ok) l.register_name(d, "AWSNodeTemplate", meta.name, meta.name_node, "metadata.name");
  spec::NodeClass nc;
  nc.name = meta.name;
  nc.api = "karpenter.k8s.aws/v1alpha1";
  nc.kind = "AWSNodeTemplate";
  nc.loc = d.loc(root.node());
  const YAML::Node spec_node = root.require("spec");
  root.warn_unread();
  if (!present(spec_node)) return;
  MapView s(d, spec_node, "spec");
  if (!s.ok()) return;
  read_aws_node_template_spec(l, d, s, std::move(nc));
}

// ---------------------------------------------------------------------------------------------
// v1beta1 / v1 NodePool

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void read_budgets(Doc& d, const YAML::Node& n, const std::string& path, KarpenterApi api,
                  std::vector<spec::DisruptionBudget>& out) {
  if (!expect_list(d, n, path)) return;
  if (n.size() > 50) d.error(n, path, "expected at most 50 budgets, got " + std::to_string(n.size()));
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    spec::DisruptionBudget b;
    // core pkg/apis/v1/nodepool.go Budget.Nodes: ^((100|[0-9]{1,2})%|[0-9]+)$ (CRD default 10%).
    if (auto v = m.str("nodes")) {
      const std::string& s = *v;
      bool ok = !s.empty();
      if (ok && s.back() == '%') {
        const std::string num = s.substr(0, s.size() - 1);
        ok = !num.empty() && (num == "100" || (num.size() <= 2 && std::all_of(num.begin(), num.end(), is_digit)));
      } else if (ok) {
        ok = std::all_of(s.begin(), s.end(), is_digit);
      }
      if (!ok)
        d.error(m.get("nodes"), m.path("nodes"), "expected a node count such as \"5\" or a percentage such as \"10%\", got " + quote(s));
      else
        b.nodes = s;
    }
    if (auto v = m.str("schedule")) {
      // Budget.Schedule: a standard cron expression or @macro (robfig/cron ParseStandard).
      std::string why;
      if (!CronSchedule::parse(*v, &why))
        d.error(m.get("schedule"), m.path("schedule"),
                "expected a cron schedule such as \"0 9 * * mon-fri\" or \"@daily\", got " + quote(*v) + " (" + why + ")");
      else
        b.schedule = *v;
    }
    if (const YAML::Node dn = m.get("duration"); present(dn)) {
      // Budget.Duration pattern ^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$: minutes and hours only.
      if (auto s = to_string(d, dn, m.path("duration"))) {
        std::string t = *s;
        if (t.size() > 2 && t.compare(t.size() - 2, 2, "0s") == 0) t.resize(t.size() - 2);
        const bool syntax = !t.empty() && t.find_first_not_of("0123456789hm") == std::string::npos &&
                            (t.back() == 'h' || t.back() == 'm') && is_digit(t[0]) &&
                            std::count(t.begin(), t.end(), 'h') <= 1 && std::count(t.begin(), t.end(), 'm') <= 1 &&
                            (t.find('h') == std::string::npos || t.find('m') == std::string::npos ||
                             t.find('h') < t.find('m'));
        const auto dur = syntax ? parse_duration(t) : std::nullopt;
        if (!dur)
          d.error(dn, m.path("duration"), "expected a duration in hours and minutes such as \"8h\" or \"1h30m\", got " + quote(*s));
        else
          b.duration = *dur;
      }
    }
    if (m.has("schedule") != m.has("duration"))
      d.error(n[i], p, "'schedule' must be set with 'duration'");
    if (api == KarpenterApi::v1) {
      if (const YAML::Node r = m.get("reasons"); present(r)) {
        if (expect_list(d, r, m.path("reasons"))) {
          for (std::size_t j = 0; j < r.size(); ++j)
            if (auto v = to_enum(d, r[j], index_path(m.path("reasons"), j), {"Underutilized", "Empty", "Drifted"}))
              b.reasons.push_back(*v);
        }
      }
    }
    m.warn_unread();
    out.push_back(std::move(b));
  }
}

void read_disruption(Doc& d, const YAML::Node& n, const std::string& path, KarpenterApi api, spec::NodePool& np) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  if (api == KarpenterApi::v1) {
    if (auto v = m.enumeration("consolidationPolicy", {"WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"})) {
      np.consolidation_policy = *v == "WhenEmpty"   ? spec::ConsolidationPolicy::when_empty
                                : *v == "Balanced" ? spec::ConsolidationPolicy::balanced
                                                   : spec::ConsolidationPolicy::when_empty_or_underutilized;
    }
    if (const YAML::Node c = m.get("consolidateAfter"); present(c)) {
      if (auto v = to_karpenter_duration(d, c, m.path("consolidateAfter"), true)) np.consolidate_after = *v;
    }
  } else {
    // v1beta1: WhenUnderutilized consolidates at once (no consolidateAfter); WhenEmpty needs one.
    // Both map onto v1 as the v1.0 conversion webhook does (WhenUnderutilized ->
    // WhenEmptyOrUnderutilized, consolidateAfter 0s).
    std::string policy = "WhenUnderutilized";
    if (auto v = m.enumeration("consolidationPolicy", {"WhenEmpty", "WhenUnderutilized"})) policy = *v;
    std::optional<std::optional<Duration>> after;
    if (const YAML::Node c = m.get("consolidateAfter"); present(c))
      after = to_karpenter_duration(d, c, m.path("consolidateAfter"), true);
    // aws v0.37 karpenter.sh_nodepools.yaml disruption x-kubernetes-validations.
    if (policy == "WhenUnderutilized" && m.has("consolidateAfter") && after && *after)
      d.error(n, path, "consolidateAfter cannot be combined with consolidationPolicy=WhenUnderutilized");
    if (policy == "WhenEmpty" && !m.has("consolidateAfter"))
      d.error(n, path, "consolidateAfter must be specified with consolidationPolicy=WhenEmpty");
    np.consolidation_policy = policy == "WhenEmpty" ? spec::ConsolidationPolicy::when_empty
                                                    : spec::ConsolidationPolicy::when_empty_or_underutilized;
    np.consolidate_after = Duration{0};
    if (after) np.consolidate_after = *after;
    if (const YAML::Node e = m.get("expireAfter"); present(e)) {
      if (auto v = to_karpenter_duration(d, e, m.path("expireAfter"), true)) np.expire_after = *v;
    }
  }
  if (const YAML::Node b = m.get("budgets"); present(b)) {
    np.budgets.clear();
    read_budgets(d, b, m.path("budgets"), api, np.budgets);
  }
  m.warn_unread();
}

}  // namespace

void read_node_pool(Loader& l, Doc& d, MapView& root, KarpenterApi api) {
  Meta meta = read_metadata(d, root, false);
  if (meta.ok) l.register_name(d, "NodePool", meta.name, meta.name_node, "metadata.name");
  spec::NodePool np;
  np.name = meta.name;
  np.api = api == KarpenterApi::v1 ? "karpenter.sh/v1" : "karpenter.sh/v1beta1";
  np.kind = "NodePool";
  np.loc = d.loc(root.node());
  np.budgets = {spec::DisruptionBudget{}};  // CRD default [{nodes: 10%}]

  const YAML::Node spec_node = root.require("spec");
  root.warn_unread();
  if (!present(spec_node)) return;
  MapView s(d, spec_node, "spec");
  if (!s.ok()) return;

  const YAML::Node tmpl = s.require("template");
  if (present(tmpl)) {
    MapView t(d, tmpl, s.path("template"));
    if (t.ok()) {
      if (const YAML::Node md = t.get("metadata"); present(md)) {
        MapView mm(d, md, t.path("metadata"));
        if (mm.ok()) {
          if (auto v = read_karpenter_labels(d, mm, "labels", api)) np.labels = Labels(v->begin(), v->end());
          if (auto v = mm.str_map("annotations")) np.annotations = *v;
          mm.warn_unread();
        }
      }
      const YAML::Node ts = t.require("spec");
      if (present(ts)) {
        MapView tsm(d, ts, t.path("spec"));
        if (tsm.ok()) {
          if (const YAML::Node r = tsm.require("requirements"); present(r))
            read_karpenter_requirements(l, d, r, tsm.path("requirements"), api, np.requirements);
          if (const YAML::Node x = tsm.get("taints"); present(x)) {
            if (auto v = read_taints(d, x, tsm.path("taints"))) np.taints = *v;
          }
          if (const YAML::Node x = tsm.get("startupTaints"); present(x)) {
            if (auto v = read_taints(d, x, tsm.path("startupTaints"))) np.startup_taints = *v;
          }
          check_duplicate_taints(d, tsm, {"taints", "startupTaints"});
          read_node_class_ref(l, d, tsm, "nodeClassRef", api, np);
          if (api == KarpenterApi::v1) {
            if (const YAML::Node e = tsm.get("expireAfter"); present(e)) {
              if (auto v = to_karpenter_duration(d, e, tsm.path("expireAfter"), true)) np.expire_after = *v;
            }
            if (const YAML::Node g = tsm.get("terminationGracePeriod"); present(g)) {
              if (auto v = to_karpenter_duration(d, g, tsm.path("terminationGracePeriod"), false))
                np.termination_grace_period = *v;
            }
          } else {
            if (const YAML::Node k = tsm.get("kubelet"); present(k)) np.kubelet = read_kubelet(d, k, tsm.path("kubelet"), false);
          }
          tsm.warn_unread();
        }
      }
      t.warn_unread();
    }
  }
  if (const YAML::Node dn = s.get("disruption"); present(dn)) read_disruption(d, dn, s.path("disruption"), api, np);
  if (const YAML::Node lim = s.get("limits"); present(lim)) {
    if (auto v = read_limits(d, lim, s.path("limits"))) {
      np.limits = *v;
      np.has_limits = true;
    }
  }
  if (auto v = s.integer("weight", 1, 100)) np.weight = static_cast<int>(*v);
  // A static NodePool (v1.8+, StaticCapacity feature gate) keeps `replicas` nodes and is skipped by
  // provisioning and every disruption method but StaticDrift: a different controller, not modelled.
  if (const YAML::Node r = s.get("replicas"); present(r))
    d.error(r, s.path("replicas"), "static NodePools (spec.replicas, the StaticCapacity feature gate) are not modelled");
  s.warn_unread();
  l.node_pool_api_locs.push_back(d.loc(root.get("apiVersion")));
  l.sc.node_pools.push_back(std::move(np));
}

// ---------------------------------------------------------------------------------------------
// v1beta1 / v1 EC2NodeClass

void read_ec2_node_class(Loader& l, Doc& d, MapView& root, KarpenterApi api) {
  Meta meta = read_metadata(d, root, false);
  if (meta.ok) l.register_name(d, "EC2NodeClass", meta.name, meta.name_node, "metadata.name");
  spec::NodeClass nc;
  nc.name = meta.name;
  nc.api = api == KarpenterApi::v1 ? "karpenter.k8s.aws/v1" : "karpenter.k8s.aws/v1beta1";
  nc.kind = "EC2NodeClass";
  nc.loc = d.loc(root.node());
  const YAML::Node spec_node = root.require("spec");
  root.warn_unread();
  if (!present(spec_node)) return;
  MapView s(d, spec_node, "spec");
  if (!s.ok()) return;

  check_ec2_node_class_rules(d, s, api);
  std::optional<std::string> family;
  if (const YAML::Node f = s.get("amiFamily"); present(f)) family = read_ami_family(d, f, s.path("amiFamily"), api);
  // v1: without amiFamily the alias names the family (its errors are check_ec2_node_class_rules').
  std::optional<std::string> from_alias;
  if (const YAML::Node terms = s.get("amiSelectorTerms"); present(terms) && expect_list(d, terms, s.path("amiSelectorTerms"))) {
    for (std::size_t i = 0; i < terms.size(); ++i) {
      MapView t(d, terms[i], index_path(s.path("amiSelectorTerms"), i));
      if (!t.ok()) continue;
      for (auto& e : t.entries()) e.used = true;  // selectors are accepted; capsim models no AMIs
      if (api != KarpenterApi::v1 || !t.has("alias")) continue;
      if (auto a = to_string(d, t.get("alias"), t.path("alias")); a && !from_alias) from_alias = ami_alias_family(*a);
    }
  }
  // Neither (an error for the API server) falls back to AL2023 so that the other errors are found.
  nc.ami_family = family ? *family : from_alias ? *from_alias : std::string("AL2023");

  std::vector<BlockDevice> bdms;
  if (const YAML::Node b = s.get("blockDeviceMappings"); present(b))
    bdms = read_block_device_mappings(d, b, s.path("blockDeviceMappings"), api);
  if (api == KarpenterApi::v1) {
    if (const YAML::Node k = s.get("kubelet"); present(k)) nc.kubelet = read_kubelet(d, k, s.path("kubelet"), false);
  }
  // Enum [RAID0] in v1beta1 and v1 (aws karpenter.k8s.aws_ec2nodeclasses.yaml).
  if (s.enumeration("instanceStorePolicy", {"RAID0"})) nc.instance_store_raid0 = true;
  std::vector<std::pair<std::string, spec::SourceLoc>> zones;
  bool every_zone = true;
  if (const YAML::Node terms = s.get("subnetSelectorTerms"); present(terms) && expect_list(d, terms, s.path("subnetSelectorTerms"))) {
    every_zone = terms.size() == 0;
    for (std::size_t i = 0; i < terms.size(); ++i) {
      const std::string p = index_path(s.path("subnetSelectorTerms"), i);
      MapView t(d, terms[i], p);
      if (!t.ok()) continue;
      bool term_zone = false;
      if (const YAML::Node tags = t.get("tags"); present(tags)) {
        MapView tm(d, tags, t.path("tags"));
        for (auto& e : tm.entries()) {
          e.used = true;
          if (e.key == label::k_zone) {
            collect_subnet_zone(d, e.value, tm.path(e.key), zones);
            term_zone = true;
          }
        }
      }
      for (auto& e : t.entries()) e.used = true;
      if (!term_zone) every_zone = true;  // this term may select subnets in any zone
    }
  }
  s.ignore({"securityGroupSelectorTerms", "role", "instanceProfile"});  // accepted; not modelled by design
  s.warn_unread();
  read_node_class_common_end(l, std::move(nc), bdms, std::move(zones), every_zone);
}

}  // namespace capsim::io::detail
