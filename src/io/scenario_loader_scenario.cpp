// The capsim.dev/v1alpha1 Scenario document: region, zones, duration, seed, autoscalers,
// Karpenter and cloud settings, pre-existing node groups, manifest files, the timeline and CI
// expectations, and failure injection. Unlike manifests, unknown keys here are errors (the schema
// is capsim's own).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <span>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/core/cron.hpp"
#include "io/scenario_loader_detail.hpp"

namespace capsim::io::detail {

std::string Loader::synthetic_region() const {
  return inline_catalog ? inline_catalog->region : std::string(catalog::k_fake_region);
}

bool Loader::known_type(std::string_view name) const {
  if (inline_catalog)
    return std::any_of(inline_catalog->types.begin(), inline_catalog->types.end(),
                       [&](const spec::InlineInstanceType& t) { return t.name == name; });
  if (!fake_types) return cat.find(name) != nullptr;
  return std::any_of(fake_types->begin(), fake_types->end(), [&](const catalog::InstanceType& t) { return t.name == name; });
}

bool Loader::offered_in(std::string_view region, std::string_view type) const {
  if (!synthetic()) return cat.on_demand_price(region, type).has_value();
  return region == synthetic_region() && known_type(type);
}

const std::vector<std::string>& Loader::zones_of(std::string_view region) const {
  if (!synthetic()) return cat.zones(region);
  static const std::vector<std::string> k_none;
  if (region != synthetic_region()) return k_none;
  return inline_catalog ? inline_zones : catalog::fake_zones();
}

std::vector<std::string> Loader::regions() const {
  if (!synthetic()) return cat.regions();
  return {synthetic_region()};
}

void select_instance_catalog(Loader& l, const std::vector<YAML::Node>& docs) {
  // A missing key gives an invalid node, on which only IsDefined() may be called.
  auto is = [](const YAML::Node& n, YAML::NodeType::value type) { return n.IsDefined() && n.Type() == type; };
  for (const auto& root : docs) {
    if (!is(root, YAML::NodeType::Map)) continue;
    const YAML::Node kind = root["kind"];
    if (!is(kind, YAML::NodeType::Scalar) || kind.Scalar() != "Scenario") continue;
    const YAML::Node spec = root["spec"];
    if (!is(spec, YAML::NodeType::Map)) return;
    const YAML::Node name = spec["instanceCatalog"];
    if (!is(name, YAML::NodeType::Scalar)) return;
    if (auto types = catalog::fake_catalog_instance_types(name.Scalar())) {
      l.fake_types = std::make_shared<const std::vector<catalog::InstanceType>>(std::move(*types));
    } else {
      for (const auto& c : l.sc.instance_catalogs)
        if (c.name == name.Scalar()) {
          l.inline_catalog = c;
          l.inline_zones = c.zones();
        }
    }
    return;  // only the first Scenario document counts (a second one is an error)
  }
}

void read_instance_catalog(Loader& l, Doc& d, MapView& root) {
  root.reject_unknown({"apiVersion", "kind", "metadata", "spec"});
  spec::InstanceCatalogSpec c;
  c.loc = d.loc(root.node());
  const Meta meta = read_metadata(d, root, false);
  c.name = meta.name;
  if (meta.ok) l.register_name(d, "InstanceCatalog", meta.name, meta.name_node, "metadata.name");
  const YAML::Node sn = root.get("spec");
  MapView s(d, sn, "spec");
  if (!s.ok()) return;
  s.reject_unknown({"region", "instanceTypes"});
  if (auto v = s.str("region")) c.region = *v;
  const YAML::Node types = s.get("instanceTypes");
  if (!present(types)) {
    d.error(sn, "spec", "missing required key \"instanceTypes\"");
  } else if (expect_list(d, types, s.path("instanceTypes"))) {
    for (std::size_t i = 0; i < types.size(); ++i) {
      const std::string p = index_path(s.path("instanceTypes"), i);
      MapView t(d, types[i], p);
      if (!t.ok()) continue;
      t.reject_unknown({"name", "capacity", "overhead", "arch", "operatingSystems", "labels", "offerings"});
      spec::InlineInstanceType it;
      it.loc = d.loc(types[i]);
      if (auto v = t.req_str("name")) {
        it.name = *v;
        for (const auto& other : c.types)
          if (other.name == *v) d.error(t.get("name"), t.path("name"), "duplicate instance type " + quote(*v));
      }
      if (const YAML::Node cap = t.get("capacity"); present(cap))
        if (auto v = read_resource_list(d, cap, t.path("capacity"))) it.capacity = *v;
      if (const YAML::Node o = t.get("overhead"); present(o))
        if (auto v = read_resource_list(d, o, t.path("overhead"))) it.overhead = *v;
      if (auto v = t.enumeration("arch", {"amd64", "arm64"})) it.arch = *v;
      if (auto v = t.str_list("operatingSystems")) it.operating_systems = *v;
      if (auto v = t.str_map("labels")) it.labels = Labels(v->begin(), v->end());
      const YAML::Node offs = t.get("offerings");
      if (!present(offs)) {
        d.error(types[i], p, "missing required key \"offerings\" (at least one zone, capacity type and price)");
      } else if (expect_list(d, offs, t.path("offerings"))) {
        if (offs.size() == 0) d.error(offs, t.path("offerings"), "expected at least one offering");
        for (std::size_t k = 0; k < offs.size(); ++k) {
          MapView o(d, offs[k], index_path(t.path("offerings"), k));
          if (!o.ok()) continue;
          o.reject_unknown({"zone", "capacityType", "price", "available"});
          spec::InlineOffering off;
          if (auto v = o.req_str("zone")) off.zone = *v;
          if (auto v = o.enumeration("capacityType", {"on-demand", "spot"})) off.capacity_type = *v;
          else if (!o.has("capacityType")) d.error(offs[k], o.path(""), "missing required key \"capacityType\"");
          if (auto v = o.number("price")) {
            if (*v < 0) d.error(o.get("price"), o.path("price"), "expected a price of at least 0 (USD per hour)");
            off.price_usd = *v;
          } else if (!o.has("price")) {
            d.error(offs[k], o.path(""), "missing required key \"price\"");
          }
          if (auto v = o.boolean("available")) off.available = *v;
          for (const auto& other : it.offerings)
            if (other.zone == off.zone && other.capacity_type == off.capacity_type)
              d.error(offs[k], o.path(""), "duplicate offering " + off.capacity_type + " in " + quote(off.zone));
          it.offerings.push_back(std::move(off));
        }
      }
      c.types.push_back(std::move(it));
    }
  }
  l.sc.instance_catalogs.push_back(std::move(c));
}

namespace {

const std::vector<std::string_view> k_autoscalers = {"karpenter", "cluster-autoscaler", "static",
                                                                   "lower-bound"};
const std::vector<std::string_view> k_karpenter_versions = {"v0.29", "v1.14"};
// Kinds a timeline event may name.
const std::vector<std::string_view> k_timeline_kinds = {
    "Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job", "Pod", "NodePool", "Provisioner"};
const std::vector<std::string_view> k_scalable_kinds = {"Deployment", "StatefulSet", "ReplicaSet",
                                                                      "Job", "NodeGroup"};

const std::vector<std::string_view> k_controller_time_names = {"instant", "fast", "typical", "slow"};

// One autoscaler's controllerTime: a preset name, or a map of a preset (default "typical") and
// coefficients in milliseconds that override it.
std::optional<spec::ControllerTime> read_controller_time(Doc& d, const YAML::Node& n, const std::string& path,
                                                         bool karpenter) {
  if (n.IsScalar()) {
    auto v = to_enum(d, n, path, k_controller_time_names);
    if (!v) return std::nullopt;
    return spec::controller_time_preset(*v);
  }
  MapView m(d, n, path);
  if (!m.ok()) return std::nullopt;
  struct Coefficient {
    std::string_view key;
    std::int64_t spec::ControllerTime::*field;
  };
  static const Coefficient k_karpenter[] = {{"simulationMs", &spec::ControllerTime::simulation_ns},
                                            {"simulationPerNodeMs", &spec::ControllerTime::simulation_per_node_ns},
                                            {"simulationPerPodMs", &spec::ControllerTime::simulation_per_pod_ns},
                                            {"listPerNodeMs", &spec::ControllerTime::list_per_node_ns}};
  static const Coefficient k_ca[] = {{"removalSimulationMs", &spec::ControllerTime::removal_ns},
                                     {"removalSimulationPerNodeMs", &spec::ControllerTime::removal_per_node_ns},
                                     {"snapshotPerNodeMs", &spec::ControllerTime::snapshot_per_node_ns},
                                     {"binpackingPerPodMs", &spec::ControllerTime::binpack_per_pod_ns}};
  const auto& coefficients = karpenter ? std::span<const Coefficient>(k_karpenter) : std::span<const Coefficient>(k_ca);
  std::vector<std::string_view> valid{"preset"};
  for (const auto& c : coefficients) valid.push_back(c.key);
  m.reject_unknown(valid);
  spec::ControllerTime t = *spec::controller_time_preset("typical");
  if (auto v = m.enumeration("preset", k_controller_time_names)) t = *spec::controller_time_preset(*v);
  for (const auto& c : coefficients) {
    auto v = m.number(c.key);
    if (!v) continue;
    if (*v < 0 || *v > 3.6e6) {
      d.error(m.get(c.key), m.path(c.key), "expected milliseconds from 0 to 3600000, got " + describe(m.get(c.key)));
      continue;
    }
    t.*c.field = static_cast<std::int64_t>(std::llround(*v * 1e6));
    t.preset = "custom";
  }
  return t;
}

// spec.controllerTime: one preset for every autoscaler, or per autoscaler
// ({karpenter: ..., clusterAutoscaler: ...}).
void read_controller_time_settings(Loader& l, Doc& d, const YAML::Node& n, const std::string& path) {
  if (n.IsScalar()) {
    if (auto t = read_controller_time(d, n, path, true)) {
      l.sc.karpenter.controller_time = *t;
      l.sc.cluster_autoscaler.controller_time = *t;
    }
    return;
  }
  MapView m(d, n, path);
  if (!m.ok()) return;
  m.reject_unknown({"karpenter", "clusterAutoscaler"});
  if (const YAML::Node k = m.get("karpenter"); present(k))
    if (auto t = read_controller_time(d, k, m.path("karpenter"), true)) l.sc.karpenter.controller_time = *t;
  if (const YAML::Node c = m.get("clusterAutoscaler"); present(c))
    if (auto t = read_controller_time(d, c, m.path("clusterAutoscaler"), false)) l.sc.cluster_autoscaler.controller_time = *t;
}

void read_karpenter_settings(Loader& l, Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  m.reject_unknown({"version", "batchIdleDuration", "batchMaxDuration", "vmMemoryOverheadPercent", "minValuesPolicy",
                    "featureGates"});
  spec::KarpenterSettings& k = l.sc.karpenter;
  if (auto v = m.enumeration("version", k_karpenter_versions)) {
    k.version = *v;
    l.karpenter_version_set = true;
  }
  if (auto v = m.duration("batchIdleDuration")) k.batch_idle = *v;
  if (auto v = m.duration("batchMaxDuration")) k.batch_max = *v;
  if (auto v = m.number("vmMemoryOverheadPercent")) {
    if (*v < 0 || *v >= 1)
      d.error(m.get("vmMemoryOverheadPercent"), m.path("vmMemoryOverheadPercent"),
              "expected a fraction from 0 to 1 such as 0.075, got " + describe(m.get("vmMemoryOverheadPercent")));
    else
      k.vm_memory_overhead_percent = *v;
  }
  if (auto v = m.enumeration("minValuesPolicy", {"Strict", "BestEffort"})) k.min_values_policy = *v;
  if (const YAML::Node fg = m.get("featureGates"); present(fg)) {
    MapView g(d, fg, m.path("featureGates"));
    if (g.ok()) {
      g.reject_unknown({"spotToSpotConsolidation"});
      if (auto v = g.boolean("spotToSpotConsolidation")) k.spot_to_spot_consolidation = *v;
    }
  }
}

void read_cloud_settings(Loader& l, Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  m.reject_unknown({"launchLatency", "registrationLatency", "initializationLatency", "terminationLatency"});
  spec::CloudSettings& c = l.sc.cloud;
  if (auto v = m.duration("launchLatency")) c.launch_latency = *v;
  if (auto v = m.duration("registrationLatency")) c.registration_latency = *v;
  if (auto v = m.duration("initializationLatency")) c.initialization_latency = *v;
  if (auto v = m.duration("terminationLatency")) c.termination_latency = *v;
}

void read_golden_settings(Loader& l, Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  m.reject_unknown({"costTolerance", "timeTolerance", "ignore"});
  spec::GoldenSettings& g = l.sc.golden;
  if (auto v = m.number("costTolerance")) {
    if (*v < 0 || *v > 1) d.error(m.get("costTolerance"), m.path("costTolerance"),
                                  "expected a fraction from 0 to 1 such as 0.02 (2 %), got " + describe(m.get("costTolerance")));
    else g.cost_tolerance = *v;
  }
  if (auto v = m.duration("timeTolerance")) g.time_tolerance = *v;
  if (const YAML::Node list = m.get("ignore"); present(list)) {
    if (!list.IsSequence()) {
      d.error(list, m.path("ignore"), "expected a list of decision categories");
      return;
    }
    const std::vector<std::string_view> choices(std::begin(spec::k_golden_categories), std::end(spec::k_golden_categories));
    for (std::size_t i = 0; i < list.size(); ++i)
      if (auto c = to_enum(d, list[i], m.path("ignore") + "[" + std::to_string(i) + "]", choices)) g.ignore.push_back(*c);
  }
}

}  // namespace

std::optional<std::string> zone_error(Loader& l, const std::string& zone, const std::string& region) {
  const auto& valid = l.zones_of(region);
  if (std::find(valid.begin(), valid.end(), zone) != valid.end()) return std::nullopt;
  std::string msg = "zone " + quote(zone) + " is not in region " + quote(region);
  if (!valid.empty() && valid.size() <= 8) msg += ", expected one of " + quote_list(valid);
  return msg;
}

namespace {

// Zones must belong to the region (when the region itself is valid).
void check_zones(Loader& l, Doc& d, const YAML::Node& list, const std::string& path,
                 const std::vector<std::string>& zones, const std::optional<std::string>& region) {
  if (!region) return;
  for (std::size_t i = 0; i < zones.size() && i < list.size(); ++i)
    if (auto msg = zone_error(l, zones[i], *region)) d.error(list[i], index_path(path, i), std::move(*msg));
}

// `pods: {workload: count}` of an initial node.
std::vector<std::pair<std::string, int>> read_bound_pods(Doc& d, MapView& m) {
  std::vector<std::pair<std::string, int>> out;
  if (const YAML::Node pods = m.get("pods"); present(pods)) {
    MapView pm(d, pods, m.path("pods"));
    if (pm.ok()) {
      std::vector<std::string> keys;
      for (const auto& e : pm.entries()) keys.push_back(e.key);
      for (const auto& key : keys)
        if (auto v = pm.integer(key, 0, 100'000)) out.emplace_back(key, static_cast<int>(*v));
    }
  }
  return out;
}

void check_zone(Loader& l, Doc& d, MapView& m, const std::optional<std::string>& region, const std::string& zone) {
  if (!region) return;
  const auto& zones = l.zones_of(*region);
  if (std::find(zones.begin(), zones.end(), zone) == zones.end())
    d.error(m.get("zone"), m.path("zone"), "zone " + quote(zone) + " is not in region " + quote(*region));
}

// spec.nodeGroups[].nodes: the group's nodes at t = 0 one by one (zone, instance type, bound pods).
void read_initial_nodes(Loader& l, Doc& d, MapView& gm, spec::NodeGroup& g, const std::optional<std::string>& region) {
  const YAML::Node n = gm.get("nodes");
  if (!present(n) || !expect_list(d, n, gm.path("nodes"))) return;
  for (std::string_view key : {"count", "desiredCapacity"})
    if (gm.has(key))
      d.error(gm.key_node(key), gm.path(key), "give " + std::string(key) + " or nodes, not both (nodes lists every node)");
  std::vector<std::string> types{g.instance_type};
  if (g.mixed_instances)
    for (const auto& o : g.mixed_instances->overrides) types.push_back(o);
  for (std::size_t i = 0; i < n.size(); ++i) {
    MapView m(d, n[i], index_path(gm.path("nodes"), i));
    if (!m.ok()) continue;
    m.reject_unknown({"zone", "instanceType", "pods"});
    spec::InitialNode node;
    node.loc = d.loc(n[i]);
    if (auto v = m.req_str("zone")) {
      node.zone = *v;
      // The group's zones, else the scenario's, else the region's.
      const auto& allowed = !g.zones.empty() ? g.zones : l.sc.zones;
      if (allowed.empty())
        check_zone(l, d, m, region, *v);
      else if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end())
        d.error(m.get("zone"), m.path("zone"),
                "zone " + quote(*v) + " is not one of the " + (g.zones.empty() ? "scenario's" : "node group's") + " zones " +
                    quote_list(allowed));
    }
    if (auto v = m.str("instanceType")) {
      node.instance_type = *v;
      if (std::find(types.begin(), types.end(), *v) == types.end())
        d.error(m.get("instanceType"), m.path("instanceType"),
                "instance type " + quote(*v) + " is not one of the node group's " + quote_list(types));
    }
    node.pods = read_bound_pods(d, m);
    g.nodes.push_back(std::move(node));
  }
  g.count = static_cast<int>(g.nodes.size());
  if (g.max_size && g.count > *g.max_size)
    d.error(n, gm.path("nodes"), std::to_string(g.count) + " nodes are above maxSize " + std::to_string(*g.max_size));
}

void read_node_claims(Loader& l, Doc& d, const YAML::Node& n, const std::string& path,
                      const std::optional<std::string>& region) {
  if (!expect_list(d, n, path)) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    m.reject_unknown({"nodePool", "instanceType", "zone", "capacityType", "age", "count", "pods"});
    spec::InitialNodeClaim c;
    c.loc = d.loc(n[i]);
    if (auto v = m.req_str("nodePool")) c.node_pool = *v;
    if (auto v = m.req_str("instanceType")) {
      c.instance_type = *v;
      if (!l.known_type(*v) || (region && !l.offered_in(*region, *v)))
        d.error(m.get("instanceType"), m.path("instanceType"), "unknown instance type " + quote(*v));
    }
    if (auto v = m.req_str("zone")) {
      c.zone = *v;
      check_zone(l, d, m, region, *v);
    }
    if (auto v = m.enumeration("capacityType", {"on-demand", "spot"})) c.capacity_type = *v;
    if (auto v = m.duration("age")) c.age = *v;
    if (auto v = m.integer("count", 1, 10'000)) c.count = static_cast<int>(*v);
    c.pods = read_bound_pods(d, m);
    l.sc.node_claims.push_back(std::move(c));
  }
}

void read_node_groups(Loader& l, Doc& d, const YAML::Node& n, const std::string& path,
                      const std::optional<std::string>& region) {
  if (!expect_list(d, n, path)) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    m.reject_unknown({"name", "instanceType", "count", "zones", "capacityType", "amiFamily", "labels", "taints", "kubelet",
                      "minSize", "maxSize", "desiredCapacity", "mixedInstancesPolicy", "tags", "annotations", "nodes",
                      "autoscalers"});
    spec::NodeGroup g;
    g.loc = d.loc(n[i]);
    if (auto v = m.req_str("name")) {
      g.name = *v;
      l.register_name(d, "node group", g.name, m.get("name"), m.path("name"));
    }
    // A mixed-instances group names its types in mixedInstancesPolicy.overrides instead.
    if (auto v = m.has("mixedInstancesPolicy") ? m.str("instanceType") : m.req_str("instanceType")) {
      g.instance_type = *v;
      if (!l.known_type(*v)) {
        d.error(m.get("instanceType"), m.path("instanceType"), "unknown instance type " + quote(*v));
      } else if (region && !l.offered_in(*region, *v)) {
        d.error(m.get("instanceType"), m.path("instanceType"),
                "instance type " + quote(*v) + " is not offered in region " + quote(*region));
      }
    }
    if (auto v = m.integer("count", 0)) g.count = static_cast<int>(std::min<std::int64_t>(*v, 1'000'000));
    if (auto v = m.str_list("zones")) {
      g.zones = *v;
      check_zones(l, d, m.get("zones"), m.path("zones"), g.zones, region);
    }
    if (auto v = m.enumeration("capacityType", {"on-demand", "spot"})) g.capacity_type = *v;
    if (const YAML::Node a = m.get("amiFamily"); present(a)) {
      if (auto v = read_ami_family(d, a, m.path("amiFamily"), KarpenterApi::v1)) g.ami_family = *v;
    }
    if (auto v = m.str_map("labels")) g.labels = Labels(v->begin(), v->end());
    if (const YAML::Node t = m.get("taints"); present(t)) {
      if (auto v = read_taints(d, t, m.path("taints"))) g.taints = *v;
    }
    if (const YAML::Node k = m.get("kubelet"); present(k)) g.kubelet = read_kubelet(d, k, m.path("kubelet"), true);
    read_node_group_autoscaling(l, d, m, g, region);
    read_initial_nodes(l, d, m, g, region);
    if (const YAML::Node a = m.get("autoscalers"); present(a) && expect_list(d, a, m.path("autoscalers"))) {
      // The runs whose cluster holds the group (spec::NodeGroup::in_run).
      for (std::size_t k = 0; k < a.size(); ++k)
        if (auto v = to_enum(d, a[k], index_path(m.path("autoscalers"), k), {"karpenter", "cluster-autoscaler", "static"}))
          g.autoscalers.push_back(*v);
      if (a.size() == 0) d.error(a, m.path("autoscalers"), "expected at least one autoscaler (omit the key for the default)");
    }
    l.sc.node_groups.push_back(std::move(g));
  }
}

void read_manifest_list(Loader& l, Doc& d, const YAML::Node& n, const std::string& path) {
  if (!expect_list(d, n, path)) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    auto s = to_string(d, n[i], p);
    if (!s) continue;
    if (s->empty()) {
      d.error(n[i], p, "expected a file name, got \"\"");
      continue;
    }
    l.manifest_files.push_back(Loader::ManifestFile{*s, l.resolve(*s), d.loc(n[i]), p});
  }
}

// {kind, name} of a scale / delete / apply event.
void read_target(Loader& l, Doc& d, MapView& m, spec::TimelineEvent& ev,
                 const std::vector<std::string_view>& kinds) {
  if (auto v = m.require("kind"); present(v)) {
    if (auto k = to_enum(d, v, m.path("kind"), kinds)) ev.target_kind = *k;
  }
  if (auto v = m.req_str("name")) {
    ev.target_name = *v;
    if (!ev.target_kind.empty())
      l.timeline_refs.emplace_back(l.sc.timeline.size(),
                                   PendingRef{ev.target_kind, *v, d.loc(m.get("name")), m.path("name")});
  }
}

// A replay's `generate:` (spec::TraceGeneratorSpec; docs/scenario-format.md).
spec::TraceGeneratorSpec read_trace_generator(Doc& d, MapView& g) {
  g.reject_unknown({"pods", "initialPods", "duration", "seed", "meanLifetime", "diurnalAmplitude", "diurnalPeak", "weekendFactor",
                    "cpuMin", "cpuMax", "memoryMin", "memoryMax", "owners", "ownerSkew", "namespace"});
  spec::TraceGeneratorSpec s;
  if (auto v = g.integer("pods", 0, 100'000'000)) s.pods = *v;
  if (auto v = g.integer("initialPods", 0, 100'000'000)) s.initial_pods = *v;
  if (auto v = g.duration("duration")) s.duration = *v;
  if (auto v = g.integer("seed", 0)) s.seed = static_cast<std::uint64_t>(*v);
  if (auto v = g.duration("meanLifetime")) s.mean_lifetime = *v;
  if (auto v = g.number("diurnalAmplitude")) s.diurnal_amplitude = *v;
  if (auto v = g.duration("diurnalPeak")) s.diurnal_peak = *v;
  if (auto v = g.number("weekendFactor")) s.weekend_factor = *v;
  if (auto v = g.quantity("cpuMin")) s.cpu_min = *v;
  if (auto v = g.quantity("cpuMax")) s.cpu_max = *v;
  if (auto v = g.quantity("memoryMin")) s.memory_min = *v;
  if (auto v = g.quantity("memoryMax")) s.memory_max = *v;
  if (auto v = g.integer("owners", 1, 1'000'000)) s.owners = static_cast<int>(*v);
  if (auto v = g.number("ownerSkew")) s.owner_skew = *v;
  if (auto v = g.str("namespace")) s.namespace_ = *v;
  // The generator's range rules, reported at the offending key (or the mapping, for a default).
  if (auto e = spec::check_trace_generator(s))
    d.error(g.has(e->key) ? g.get(e->key) : g.node(), g.has(e->key) ? g.path(e->key) : g.path(), e->message);
  return s;
}

void read_timeline(Loader& l, Doc& d, const YAML::Node& n, const std::string& path) {
  if (!expect_list(d, n, path)) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    m.reject_unknown({"at", "scale", "delete", "apply", "replay", "update", "handover"});
    spec::TimelineEvent ev;
    ev.loc = d.loc(n[i]);
    if (m.require("at"); m.has("at")) {
      if (auto v = m.duration("at")) ev.at = *v;
    }
    std::vector<std::string_view> actions;
    for (std::string_view a : {"scale", "delete", "apply", "replay", "update", "handover"})
      if (m.has(a)) actions.push_back(a);
    if (actions.empty()) {
      d.error(n[i], p, "expected one of \"scale\", \"delete\", \"apply\", \"replay\", \"update\", \"handover\", got none");
      continue;
    }
    if (actions.size() > 1) {
      d.error(m.key_node(actions[1]), p,
              "expected exactly one of \"scale\", \"delete\", \"apply\", \"replay\", \"update\", \"handover\", got both " +
                  quote(actions[0]) +
                  " and " + quote(actions[1]));
      continue;
    }
    const std::string_view action = actions.front();
    MapView a(d, m.get(action), m.path(action));
    if (!a.ok()) continue;
    if (action == "scale") {
      ev.kind = spec::TimelineKind::scale;
      a.reject_unknown({"kind", "name", "replicas"});
      read_target(l, d, a, ev, k_scalable_kinds);
      if (a.require("replicas"); a.has("replicas")) {
        if (auto v = read_replicas(a, "replicas")) ev.replicas = *v;
      }
    } else if (action == "delete" || action == "apply") {
      ev.kind = action == "delete" ? spec::TimelineKind::del : spec::TimelineKind::apply;
      a.reject_unknown({"kind", "name"});
      read_target(l, d, a, ev, k_timeline_kinds);
    } else if (action == "handover") {
      // The `from` autoscaler's controller stops at `at` and `to` takes over (a migration).
      ev.kind = spec::TimelineKind::handover;
      a.reject_unknown({"from", "to"});
      if (auto v = a.enumeration("from", k_autoscalers)) ev.handover_from = *v;
      if (a.require("to"); a.has("to"))
        if (auto v = a.enumeration("to", k_autoscalers)) ev.handover_to = *v;
      if (!ev.handover_from.empty() && ev.handover_from == ev.handover_to)
        d.error(a.get("to"), a.path("to"), "expected an autoscaler other than " + quote(ev.handover_from));
    } else if (action == "update") {
      // New versions of Karpenter objects from a file, applied at `at` (drift).
      ev.kind = spec::TimelineKind::update;
      a.reject_unknown({"file"});
      if (auto v = a.req_str("file")) {
        ev.update_file = l.resolve(*v);
        l.update_files.push_back(Loader::ManifestFile{*v, ev.update_file, d.loc(a.get("file")), a.path("file")});
        l.update_events.push_back(l.sc.timeline.size());
      }
    } else {
      ev.kind = spec::TimelineKind::replay;
      a.reject_unknown({"trace", "format", "generate", "skip"});
      if (auto v = a.duration("skip")) ev.replay.skip = *v;
      if (a.has("generate")) {
        if (a.has("trace")) {
          d.error(a.key_node("generate"), a.path("generate"), "expected \"trace\" or \"generate\", not both");
        } else if (MapView g(d, a.get("generate"), a.path("generate")); g.ok()) {
          ev.replay.generate = read_trace_generator(d, g);
        }
      } else if (auto v = a.req_str("trace")) {
        ev.replay.path = l.resolve(*v);
        std::error_code ec;
        if (!std::filesystem::exists(ev.replay.path, ec))
          d.error(a.get("trace"), a.path("trace"),
                  "trace file " + quote(*v) + " not found (looked for " + quote(ev.replay.path) + ")");
      }
      if (auto v = a.enumeration("format", {"csv", "jsonl", "alibaba-openb", "alibaba-dlrm", "k8s-audit"})) ev.replay.format = *v;
    }
    l.sc.timeline.push_back(std::move(ev));
  }
}

// Instance type names that must exist in the catalog.
void check_instance_types(Loader& l, Doc& d, const YAML::Node& list, const std::string& path,
                          const std::vector<std::string>& types) {
  for (std::size_t i = 0; i < types.size() && i < list.size(); ++i)
    if (!l.known_type(types[i])) d.error(list[i], index_path(path, i), "unknown instance type " + quote(types[i]));
}

// A list filter ("instanceTypes", "zones"): omitted means any, so an empty list is an error.
std::optional<std::vector<std::string>> read_filter_list(Doc& d, MapView& m, std::string_view key,
                                                         std::string_view what) {
  auto v = m.str_list(key);
  if (v && v->empty()) {
    d.error(m.get(key), m.path(key),
            "expected at least one " + std::string(what) + " (omit the key for any " + std::string(what) + ")");
    return std::nullopt;
  }
  return v;
}

void read_insufficient_capacity(Loader& l, Doc& d, const YAML::Node& n, const std::string& path,
                                const std::optional<std::string>& region) {
  if (!expect_list(d, n, path)) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    m.reject_unknown({"capacityType", "instanceTypes", "zones", "from", "until", "probability"});
    spec::InsufficientCapacityFailure f;
    f.loc = d.loc(n[i]);
    if (auto v = m.enumeration("capacityType", {"on-demand", "spot"})) f.capacity_type = *v;
    if (auto v = read_filter_list(d, m, "instanceTypes", "instance type")) {
      f.instance_types = *v;
      check_instance_types(l, d, m.get("instanceTypes"), m.path("instanceTypes"), f.instance_types);
    }
    if (auto v = read_filter_list(d, m, "zones", "zone")) {
      f.zones = *v;
      check_zones(l, d, m.get("zones"), m.path("zones"), f.zones, region);
    }
    const std::optional<Duration> from = m.duration("from");
    if (from) f.from = *from;
    if (auto v = m.duration("until")) {
      if (from && *v <= *from)
        d.error(m.get("until"), m.path("until"),
                "expected a duration greater than from " + describe(m.get("from")) + ", got " + describe(m.get("until")));
      else if (!m.has("from") && v->ms <= 0)
        d.error(m.get("until"), m.path("until"), "expected a positive duration, got " + describe(m.get("until")));
      else if (from || !m.has("from"))
        f.until = *v;
    }
    if (auto v = m.number("probability")) {
      if (*v < 0 || *v > 1)
        d.error(m.get("probability"), m.path("probability"),
                "expected a probability from 0 to 1 such as 0.3, got " + describe(m.get("probability")));
      else
        f.probability = *v;
    }
    l.sc.failures.insufficient_capacity.push_back(std::move(f));
  }
}

void read_spot_interruptions(Loader& l, Doc& d, const YAML::Node& n, const std::string& path,
                             const std::optional<std::string>& region) {
  if (!expect_list(d, n, path)) return;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    m.reject_unknown({"at", "instanceType", "zone", "count"});
    spec::SpotInterruptionFailure f;
    f.loc = d.loc(n[i]);
    if (m.require("at"); m.has("at")) {
      if (auto v = m.duration("at")) f.at = *v;
    }
    if (auto v = m.str("instanceType")) {
      f.instance_type = *v;
      if (!l.known_type(*v))
        d.error(m.get("instanceType"), m.path("instanceType"), "unknown instance type " + quote(*v));
    }
    if (auto v = m.str("zone")) {
      f.zone = *v;
      if (region) {
        if (auto msg = zone_error(l, *v, *region)) d.error(m.get("zone"), m.path("zone"), std::move(*msg));
      }
    }
    if (auto v = m.integer("count", 1)) f.count = static_cast<int>(std::min<std::int64_t>(*v, 1'000'000));
    l.sc.failures.spot_interruptions.push_back(std::move(f));
  }
}

void read_failures(Loader& l, Doc& d, const YAML::Node& n, const std::string& path,
                   const std::optional<std::string>& region) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  m.reject_unknown({"insufficientCapacity", "spotInterruptions", "sampledSpotInterruptions"});
  if (const YAML::Node v = m.get("insufficientCapacity"); present(v))
    read_insufficient_capacity(l, d, v, m.path("insufficientCapacity"), region);
  if (const YAML::Node v = m.get("spotInterruptions"); present(v))
    read_spot_interruptions(l, d, v, m.path("spotInterruptions"), region);
  if (auto v = m.boolean("sampledSpotInterruptions")) l.sc.failures.sampled_spot_interruptions = *v;
}

// The filters each structural metric takes (spec::ExpectationFilter).
std::vector<std::string_view> expectation_filters(std::string_view metric) {
  if (metric == "launches")
    return {"instanceType", "capacityType", "zone", "nodePool", "reason", "from", "until"};
  if (metric.substr(0, 7) == "launch.")
    return {"instanceType", "capacityType", "zone", "nodePool", "reason", "from", "until", "index"};
  if (metric == "terminations" || metric == "disruptionWave.max") return {"instanceType", "nodePool", "reason", "from", "until"};
  if (metric == "decisions") return {"kind", "reason", "nodePool", "messageContains", "from", "until"};
  if (metric == "podsInZone") return {"zone", "selector"};
  if (metric == "podsPerZone.skew" || metric == "podsPerHost.skew") return {"selector"};
  return {};
}

void read_expectations(Loader& l, Doc& d, const YAML::Node& n, const std::string& path) {
  if (!expect_list(d, n, path)) return;
  constexpr std::pair<std::string_view, std::string_view> k_ops[] = {
      {"equals", "=="}, {"atMost", "<="}, {"atLeast", ">="}, {"lessThan", "<"}, {"greaterThan", ">"}};
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string p = index_path(path, i);
    MapView m(d, n[i], p);
    if (!m.ok()) continue;
    spec::Expectation e;
    e.loc = d.loc(n[i]);
    const auto metric = m.req_str("metric");
    const bool structural =
        metric && std::find(std::begin(spec::k_structural_metrics), std::end(spec::k_structural_metrics), *metric) !=
                      std::end(spec::k_structural_metrics);
    std::vector<std::string_view> keys{"metric", "autoscaler", "equals", "atMost", "atLeast", "lessThan", "greaterThan"};
    const auto filters = structural ? expectation_filters(*metric) : std::vector<std::string_view>{};
    keys.insert(keys.end(), filters.begin(), filters.end());
    m.reject_unknown(keys);
    if (metric) {
      if (!structural && std::find(std::begin(spec::k_expectation_metrics), std::end(spec::k_expectation_metrics),
                                   *metric) == std::end(spec::k_expectation_metrics)) {
        std::vector<std::string_view> all(std::begin(spec::k_expectation_metrics), std::end(spec::k_expectation_metrics));
        all.insert(all.end(), std::begin(spec::k_structural_metrics), std::end(spec::k_structural_metrics));
        std::string msg = "expected a summary metric such as \"nodesLaunched\", \"costUsd\" or "
                          "\"podPendingSeconds.max\", or a structural metric such as \"launches\", got " +
                          quote(*metric);
        if (auto near = closest(*metric, all)) msg += " (did you mean " + quote(*near) + "?)";
        d.error(m.get("metric"), m.path("metric"), std::move(msg));
      }
      e.metric = *metric;
    }
    spec::ExpectationFilter& f = e.filter;
    const auto text = [&](std::string_view key, std::optional<std::string>& out) {
      if (!m.has(key)) return;
      if (auto v = m.str(key)) {
        out = *v;
        f.given.push_back(std::string(key) + "=" + *v);
      }
    };
    text("instanceType", f.instance_type);
    text("capacityType", f.capacity_type);
    text("zone", f.zone);
    text("nodePool", f.node_pool);
    text("reason", f.reason);
    text("kind", f.kind);
    text("messageContains", f.message_contains);
    for (auto [key, out] : {std::pair{"from", &f.from}, std::pair{"until", &f.until}})
      if (m.has(key))
        if (auto v = m.duration(key)) {
          *out = SimTime{0} + *v;
          f.given.push_back(std::string(key) + "=" + format_duration(*v));
        }
    if (f.from && f.until && *f.until <= *f.from)
      d.error(m.get("until"), m.path("until"), "until must be after from");
    if (m.has("index"))
      if (auto v = m.integer("index", 0, 1'000'000)) {
        f.index = static_cast<std::size_t>(*v);
        f.given.push_back("index=" + std::to_string(*v));
      }
    if (m.has("selector"))
      if (auto v = m.str_map("selector")) {
        std::string sel;
        for (const auto& [k, val] : *v) {
          f.selector[k] = val;
          sel += (sel.empty() ? "" : ",") + k + "=" + val;
        }
        f.given.push_back("selector={" + sel + "}");
      }
    if (e.metric == "podsInZone" && !f.zone) d.error(n[i], p, "podsInZone needs \"zone\"");
    e.label = e.metric;
    if (!f.given.empty()) {
      e.label += "{";
      for (std::size_t k = 0; k < f.given.size(); ++k) e.label += (k ? "," : "") + f.given[k];
      e.label += "}";
    }
    if (auto v = m.enumeration("autoscaler", k_autoscalers)) e.autoscaler = *v;
    std::vector<std::string_view> given;
    for (const auto& [key, op] : k_ops) {
      if (!m.has(key)) continue;
      given.push_back(key);
      if (given.size() == 1) {
        e.op = std::string(op);
        if (auto v = m.number(key)) e.value = *v;
      }
    }
    if (given.empty()) {
      d.error(n[i], p,
              "expected one of \"equals\", \"atMost\", \"atLeast\", \"lessThan\", \"greaterThan\", got none");
      continue;
    }
    if (given.size() > 1) {
      d.error(m.key_node(given[1]), p,
              "expected exactly one comparison, got both " + quote(given[0]) + " and " + quote(given[1]));
      continue;
    }
    l.sc.expectations.push_back(std::move(e));
  }
}

}  // namespace

void read_scenario_document(Loader& l, Doc& d, MapView& root) {
  root.reject_unknown({"apiVersion", "kind", "metadata", "spec"});
  if (const YAML::Node md = root.get("metadata"); present(md)) {
    MapView m(d, md, "metadata");
    if (m.ok()) {
      m.reject_unknown({"name", "labels", "annotations"});
      if (auto v = m.str("name")) l.sc.name = *v;
      m.ignore({"labels", "annotations"});
    }
  }
  const YAML::Node spec_node = root.get("spec");
  if (!present(spec_node)) return;  // every default
  MapView s(d, spec_node, "spec");
  if (!s.ok()) return;
  s.reject_unknown({"description", "instanceCatalog", "region", "zones", "duration", "seed", "startTime", "autoscalers", "karpenter",
                    "clusterAutoscaler", "controllerTime", "cloud", "pricing", "nodeGroups", "nodeClaims", "manifests", "timeline", "expectations", "failures", "golden", "strict"});
  spec::Scenario& sc = l.sc;
  if (auto v = s.str("description")) sc.description = *v;
  if (auto v = s.boolean("strict")) l.strict_fields = *v;

  // The instance catalog decides which regions, zones and instance types are valid
  // (select_instance_catalog already picked it up for the other documents).
  if (auto v = s.str("instanceCatalog")) {
    if (*v == "aws" || catalog::is_fake_catalog_name(*v) || l.inline_catalog) {
      sc.instance_catalog = *v;
      if (*v != "aws") sc.region = l.synthetic_region();
    } else {
      d.error(s.get("instanceCatalog"), s.path("instanceCatalog"),
              "expected \"aws\", \"karpenter-fake\", \"karpenter-fake-assorted\", \"karpenter-fake-N\" (N from 1 to " +
                  std::to_string(catalog::k_max_fake_catalog_size) +
                  ") or the name of an InstanceCatalog document of this file, got " + quote(*v));
    }
  }

  // The region decides which zones are valid; an unknown one disables the zone checks.
  std::optional<std::string> region = sc.region;
  if (auto v = s.str("region")) {
    sc.region = *v;
    const auto regions = l.regions();
    if (std::find(regions.begin(), regions.end(), *v) == regions.end()) {
      if (l.synthetic())
        d.error(s.get("region"), s.path("region"),
                "region " + quote(*v) + " is not the region of instanceCatalog " + quote(sc.instance_catalog) +
                    ", expected " + quote(l.synthetic_region()));
      else
        d.error(s.get("region"), s.path("region"), "unknown region " + quote(*v));
      region.reset();
    } else {
      region = *v;
    }
  } else if (const YAML::Node r = s.get("region"); r.IsDefined() && !r.IsNull()) {
    region.reset();  // not a string: already reported
  }
  if (auto v = s.str_list("zones")) {
    if (v->empty()) d.error(s.get("zones"), s.path("zones"), "expected at least one zone (omit the key for every zone)");
    const YAML::Node zone_nodes = s.get("zones");
    for (std::size_t i = 0; i < v->size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if ((*v)[i] == (*v)[j]) d.error(zone_nodes[i], index_path(s.path("zones"), i), "duplicate zone " + quote((*v)[i]));
    sc.zones = *v;
    check_zones(l, d, s.get("zones"), s.path("zones"), sc.zones, region);
  }
  if (auto v = s.duration("duration")) {
    if (v->ms <= 0)
      d.error(s.get("duration"), s.path("duration"), "expected a positive duration, got " + describe(s.get("duration")));
    else
      sc.duration = *v;
  }
  if (auto v = s.integer("seed", 0)) sc.seed = static_cast<std::uint64_t>(*v);
  if (auto v = s.str("startTime")) {
    if (auto t = parse_rfc3339_utc(*v)) sc.start_time_unix_s = *t;
    else d.error(s.get("startTime"), s.path("startTime"), "expected a UTC time such as \"2026-01-05T00:00:00Z\", got " + quote(*v));
  }
  if (const YAML::Node a = s.get("autoscalers"); present(a)) {
    if (expect_list(d, a, s.path("autoscalers"))) {
      std::vector<std::string> names;
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string p = index_path(s.path("autoscalers"), i);
        auto v = to_enum(d, a[i], p, k_autoscalers);
        if (!v) continue;
        if (std::find(names.begin(), names.end(), *v) != names.end()) {
          d.error(a[i], p, "duplicate autoscaler " + quote(*v));
          continue;
        }
        names.push_back(*v);
      }
      if (a.size() == 0) d.error(a, s.path("autoscalers"), "expected at least one autoscaler, got none");
      sc.autoscalers = names;
    }
  }
  if (const YAML::Node k = s.get("karpenter"); present(k)) read_karpenter_settings(l, d, k, s.path("karpenter"));
  if (const YAML::Node c = s.get("clusterAutoscaler"); present(c))
    read_cluster_autoscaler_settings(l, d, c, s.path("clusterAutoscaler"));
  if (const YAML::Node c = s.get("controllerTime"); present(c)) read_controller_time_settings(l, d, c, s.path("controllerTime"));
  if (const YAML::Node c = s.get("cloud"); present(c)) read_cloud_settings(l, d, c, s.path("cloud"));
  if (const YAML::Node g = s.get("golden"); present(g)) read_golden_settings(l, d, g, s.path("golden"));
  if (const YAML::Node p = s.get("pricing"); present(p)) read_pricing(l, d, p, s.path("pricing"));
  if (const YAML::Node g = s.get("nodeGroups"); present(g)) read_node_groups(l, d, g, s.path("nodeGroups"), region);
  if (const YAML::Node c = s.get("nodeClaims"); present(c)) read_node_claims(l, d, c, s.path("nodeClaims"), region);
  if (const YAML::Node m = s.get("manifests"); present(m)) read_manifest_list(l, d, m, s.path("manifests"));
  if (const YAML::Node t = s.get("timeline"); present(t)) read_timeline(l, d, t, s.path("timeline"));
  if (const YAML::Node e = s.get("expectations"); present(e)) read_expectations(l, d, e, s.path("expectations"));
  if (const YAML::Node f = s.get("failures"); present(f)) read_failures(l, d, f, s.path("failures"), region);
}

}  // namespace capsim::io::detail
