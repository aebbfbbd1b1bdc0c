// The Cluster Autoscaler parts of the Scenario document: spec.clusterAutoscaler (CA's command-line
// flags under their flag names, plus `version` and the priority expander ConfigMap) and the AWS
// Auto Scaling group fields of spec.nodeGroups[] (minSize, maxSize, desiredCapacity,
// mixedInstancesPolicy, tags). Unknown keys are errors, as everywhere in the Scenario document.
#include <algorithm>
#include <cstdlib>
#include <regex>

#include "io/scenario_loader_detail.hpp"

namespace capsim::io::detail {

namespace {

constexpr std::string_view k_tag_label = "k8s.io/cluster-autoscaler/node-template/label/";
constexpr std::string_view k_tag_taint = "k8s.io/cluster-autoscaler/node-template/taint/";
constexpr std::string_view k_tag_resources = "k8s.io/cluster-autoscaler/node-template/resources/";
constexpr std::string_view k_tag_options = "k8s.io/cluster-autoscaler/node-template/autoscaling-options/";

// Expanders CA knows (expander/expander.go); grpc needs an external service.
const std::vector<std::string_view> k_expanders = {"random", "most-pods", "least-nodes", "least-waste",
                                                   "price",  "priority",  "grpc"};

// Versions whose defaults capsim models (cluster-autoscaler-1.24 .. 1.36 release tags).
constexpr int k_min_minor = 24;
constexpr int k_max_minor = 36;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "1.33" or "1.33.2" -> 33.
std::optional<int> parse_version(const std::string& v) {
  static const std::regex re(R"(^1\.([0-9]{1,3})(\.[0-9]{1,4})?$)");
  std::smatch m;
  if (!std::regex_match(v, m, re)) return std::nullopt;
  return std::stoi(m[1].str());
}

// --cores-total / --memory-total: "<min>:<max>" (config/flags/flags.go parseMinMaxFlag).
std::optional<std::pair<std::int64_t, std::int64_t>> read_min_max(Doc& d, MapView& m, std::string_view key,
                                                                  std::string_view example) {
  auto v = m.str(key);
  if (!v) return std::nullopt;
  const auto bad = [&] {
    d.error(m.get(key), m.path(key),
            "expected \"<min>:<max>\" such as " + quote(example) + ", got " + quote(*v));
    return std::nullopt;
  };
  static const std::regex re(R"(^([0-9]{1,15}):([0-9]{1,15})$)");
  std::smatch sm;
  if (!std::regex_match(*v, sm, re)) return bad();
  const std::int64_t lo = std::stoll(sm[1].str());
  const std::int64_t hi = std::stoll(sm[2].str());
  if (lo > hi) {
    d.error(m.get(key), m.path(key), "min " + std::to_string(lo) + " is greater than max " + std::to_string(hi));
    return std::nullopt;
  }
  return std::make_pair(lo, hi);
}

std::optional<std::regex> compile_regex(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return std::nullopt;
  }
}

// The priority expander's `priorities`: a map from integer priority to a list of regular
// expressions (expander/priority/priority.go parsePrioritiesYAMLString). `at` is where errors go
// when `n` came from a string (no positions inside it).
void read_priority_map(Doc& d, const YAML::Node& n, const std::string& path, const YAML::Node* at,
                       std::map<int, std::vector<std::string>>& out) {
  const auto where = [&](const YAML::Node& inner) -> const YAML::Node& { return at ? *at : inner; };
  if (!present(n)) return;  // empty ConfigMap data: every option passes
  if (!n.IsMap()) {
    d.error(where(n), path, "expected a map from priority to a list of regular expressions, got " + describe(n));
    return;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node val = it->second;
    const std::string k = key.IsScalar() ? key.Scalar() : std::string();
    std::int64_t prio = 0;
    static const std::regex int_re(R"(^-?[0-9]{1,9}$)");
    if (!key.IsScalar() || !std::regex_match(k, int_re)) {
      d.error(where(key), path, "expected an integer priority, got " + describe(key));
      continue;
    }
    prio = std::stoll(k);
    const std::string p = path + "[" + k + "]";
    if (!val.IsSequence()) {
      d.error(where(val), p, "expected a list of regular expressions, got " + describe(val));
      continue;
    }
    auto& list = out[static_cast<int>(prio)];
    for (std::size_t i = 0; i < val.size(); ++i) {
      const std::string ip = index_path(p, i);
      if (!val[i].IsScalar()) {
        d.error(where(val[i]), ip, "expected a regular expression, got " + describe(val[i]));
        continue;
      }
      const std::string re = val[i].Scalar();
      if (!compile_regex(re)) {
        d.error(where(val[i]), ip, "invalid regular expression " + quote(re));
        continue;
      }
      list.push_back(re);
    }
  }
}

void read_priority_config(Doc& d, const YAML::Node& n, const std::string& path, spec::ClusterAutoscalerSettings& ca) {
  ca.priority_config_given = true;
  if (n.IsScalar()) {
    // The ConfigMap's `priorities` value as written (a YAML document in a string).
    YAML::Node inner;
    try {
      inner = YAML::Load(n.Scalar());
    } catch (const YAML::Exception& e) {
      d.error(n, path, "the priorities do not parse as YAML: " + e.msg);
      return;
    }
    read_priority_map(d, inner, path, &n, ca.priorities);
    return;
  }
  read_priority_map(d, n, path, nullptr, ca.priorities);
}

void read_expander(Doc& d, MapView& m, spec::ClusterAutoscalerSettings& ca) {
  auto v = m.str("expander");
  if (!v) return;
  const YAML::Node at = m.get("expander");
  const std::string path = m.path("expander");
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= v->size()) {
    std::size_t comma = v->find(',', start);
    if (comma == std::string::npos) comma = v->size();
    std::string name = v->substr(start, comma - start);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    names.push_back(name);
    start = comma + 1;
  }
  bool ok = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (std::find(k_expanders.begin(), k_expanders.end(), name) == k_expanders.end()) {
      d.error(at, path,
              "unknown expander " + quote(name) + ", expected one of " + quote_list(k_expanders) +
                  " (comma-separated for a chain)");
      ok = false;
    } else if (name == "grpc") {
      d.error(at, path, "expander \"grpc\" calls an external service and cannot be simulated");
      ok = false;
    } else if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
               names.begin() + static_cast<std::ptrdiff_t>(i)) {
      d.error(at, path, "expander " + quote(name) + " is listed twice");
      ok = false;
    } else if (name == "random" && i + 1 != names.size()) {
      // expander/factory/expander_factory.go: an expander that returns a single option ends the chain.
      d.error(at, path, "expander \"random\" picks a single option and may only be the last of the chain");
      ok = false;
    }
  }
  if (ok) ca.expander = names;
}

}  // namespace

void read_cluster_autoscaler_settings(Loader& l, Doc& d, const YAML::Node& n, const std::string& path) {
  MapView m(d, n, path);
  if (!m.ok()) return;
  m.reject_unknown({"version",
                    "expander",
                    "priorityExpanderConfig",
                    "scan-interval",
                    "scale-down-utilization-threshold",
                    "scale-down-unneeded-time",
                    "scale-down-unready-time",
                    "scale-down-delay-after-add",
                    "scale-down-delay-after-delete",
                    "scale-down-delay-after-failure",
                    "scale-down-enabled",
                    "max-node-provision-time",
                    "new-pod-scale-up-delay",
                    "balance-similar-node-groups",
                    "enforce-node-group-min-size",
                    "max-nodes-total",
                    "cores-total",
                    "memory-total",
                    "max-nodes-per-scaleup",
                    "max-scale-down-parallelism",
                    "max-drain-parallelism",
                    "max-empty-bulk-delete",
                    "ignore-daemonsets-utilization",
                    "skip-nodes-with-local-storage",
                    "skip-nodes-with-system-pods",
                    "ok-total-unready-count",
                    "max-total-unready-percentage",
                    "expendable-pods-priority-cutoff",
                    "initial-node-group-backoff-duration",
                    "max-node-group-backoff-duration",
                    "node-group-backoff-reset-timeout",
                    "node-delete-delay-after-taint",
                    "scale-down-simulation-timeout",
                    "max-nodegroup-binpacking-duration",
                    "max-binpacking-time"});
  spec::ClusterAutoscalerSettings& ca = l.sc.cluster_autoscaler;
  if (auto v = m.str("version")) {
    auto minor = parse_version(*v);
    if (!minor || *minor < k_min_minor || *minor > k_max_minor)
      d.error(m.get("version"), m.path("version"),
              "expected a Cluster Autoscaler version from \"1." + std::to_string(k_min_minor) + "\" to \"1." +
                  std::to_string(k_max_minor) + "\" such as \"1.33\", got " + quote(*v));
    else
      ca.version = *v;
  }
  read_expander(d, m, ca);
  if (const YAML::Node p = m.get("priorityExpanderConfig"); p.IsDefined())
    read_priority_config(d, p, m.path("priorityExpanderConfig"), ca);

  const auto positive_duration = [&](std::string_view key, Duration& out) {
    if (auto v = m.duration(key)) {
      if (v->ms <= 0)
        d.error(m.get(key), m.path(key), "expected a positive duration, got " + describe(m.get(key)));
      else
        out = *v;
    }
  };
  const auto duration = [&](std::string_view key, Duration& out) {
    if (auto v = m.duration(key)) out = *v;
  };
  const auto integer = [&](std::string_view key, int& out, std::int64_t lo, std::int64_t hi) {
    if (auto v = m.integer(key, lo, hi)) out = static_cast<int>(*v);
  };
  const auto boolean = [&](std::string_view key, bool& out) {
    if (auto v = m.boolean(key)) out = *v;
  };
  positive_duration("scan-interval", ca.scan_interval);
  if (auto v = m.number("scale-down-utilization-threshold")) {
    if (*v < 0 || *v > 1)
      d.error(m.get("scale-down-utilization-threshold"), m.path("scale-down-utilization-threshold"),
              "expected a fraction from 0 to 1 such as 0.5, got " + describe(m.get("scale-down-utilization-threshold")));
    else
      ca.scale_down_utilization_threshold = *v;
  }
  duration("scale-down-unneeded-time", ca.scale_down_unneeded_time);
  positive_duration("scale-down-simulation-timeout", ca.scale_down_simulation_timeout);
  positive_duration("max-nodegroup-binpacking-duration", ca.max_node_group_binpacking_duration);
  positive_duration("max-binpacking-time", ca.max_binpacking_time);
  duration("scale-down-unready-time", ca.scale_down_unready_time);
  duration("scale-down-delay-after-add", ca.scale_down_delay_after_add);
  duration("scale-down-delay-after-delete", ca.scale_down_delay_after_delete);
  duration("scale-down-delay-after-failure", ca.scale_down_delay_after_failure);
  boolean("scale-down-enabled", ca.scale_down_enabled);
  positive_duration("max-node-provision-time", ca.max_node_provision_time);
  duration("new-pod-scale-up-delay", ca.new_pod_scale_up_delay);
  boolean("balance-similar-node-groups", ca.balance_similar_node_groups);
  boolean("enforce-node-group-min-size", ca.enforce_node_group_min_size);
  integer("max-nodes-total", ca.max_nodes_total, 0, 1'000'000);
  if (auto v = read_min_max(d, m, "cores-total", "0:320000")) std::tie(ca.cores_total_min, ca.cores_total_max) = *v;
  if (auto v = read_min_max(d, m, "memory-total", "0:6400000"))
    std::tie(ca.memory_total_min_gib, ca.memory_total_max_gib) = *v;
  integer("max-nodes-per-scaleup", ca.max_nodes_per_scaleup, 1, 1'000'000);
  integer("max-scale-down-parallelism", ca.max_scale_down_parallelism, 1, 1'000'000);
  integer("max-drain-parallelism", ca.max_drain_parallelism, 1, 1'000'000);
  if (auto v = m.integer("max-empty-bulk-delete", 1, 1'000'000)) {
    if (ca.minor() >= 33)
      d.error(m.key_node("max-empty-bulk-delete"), m.path("max-empty-bulk-delete"),
              "flag removed in Cluster Autoscaler 1.33 (version " + quote(ca.version) +
                  "); use max-scale-down-parallelism, or set version below \"1.33\"");
    else
      ca.max_empty_bulk_delete = static_cast<int>(*v);
  }
  boolean("ignore-daemonsets-utilization", ca.ignore_daemonsets_utilization);
  boolean("skip-nodes-with-local-storage", ca.skip_nodes_with_local_storage);
  boolean("skip-nodes-with-system-pods", ca.skip_nodes_with_system_pods);
  integer("ok-total-unready-count", ca.ok_total_unready_count, 0, 1'000'000);
  integer("max-total-unready-percentage", ca.max_total_unready_percentage, 0, 100);
  integer("expendable-pods-priority-cutoff", ca.expendable_pods_priority_cutoff, -2147483648LL, 2147483647LL);
  positive_duration("initial-node-group-backoff-duration", ca.initial_node_group_backoff_duration);
  positive_duration("max-node-group-backoff-duration", ca.max_node_group_backoff_duration);
  positive_duration("node-group-backoff-reset-timeout", ca.node_group_backoff_reset_timeout);
  duration("node-delete-delay-after-taint", ca.node_delete_delay_after_taint);

  const auto chain = ca.effective_expander();
  if (m.has("expander")) {
    const bool priority = std::find(chain.begin(), chain.end(), "priority") != chain.end();
    if (priority && !ca.priority_config_given)
      d.warning(m.get("expander"), m.path("expander"),
                "expander \"priority\" without priorityExpanderConfig: the ConfigMap is missing, so every option "
                "passes it");
    if (std::find(chain.begin(), chain.end(), "price") != chain.end())
      d.warning(m.get("expander"), m.path("expander"),
                "expander \"price\" is hypothetical on AWS: Cluster Autoscaler refuses to start with it (the AWS "
                "provider has no pricing model); capsim runs it with catalog prices");
  }
}

// The Auto Scaling group fields of one nodeGroups[] entry (keys already accepted by the caller).
void read_node_group_autoscaling(Loader& l, Doc& d, MapView& m, spec::NodeGroup& g,
                                 const std::optional<std::string>& region) {
  const auto size = [&](std::string_view key) -> std::optional<int> {
    if (auto v = m.integer(key, 0, 1'000'000)) return static_cast<int>(*v);
    return std::nullopt;
  };
  g.min_size = size("minSize");
  g.max_size = size("maxSize");
  const std::optional<int> desired = size("desiredCapacity");
  if (!m.has("maxSize")) {
    for (std::string_view key : {"minSize", "desiredCapacity"})
      if (m.has(key))
        d.error(m.key_node(key), m.path(key),
                std::string(key) + " needs maxSize (a node group with maxSize is an Auto Scaling group the Cluster "
                                   "Autoscaler scales; without it the nodes are static)");
  } else if (g.max_size) {
    if (g.min_size && *g.min_size > *g.max_size)
      d.error(m.get("minSize"), m.path("minSize"),
              "minSize " + std::to_string(*g.min_size) + " is greater than maxSize " + std::to_string(*g.max_size));
    if (desired && m.has("count"))
      d.error(m.key_node("desiredCapacity"), m.path("desiredCapacity"),
              "give desiredCapacity or count, not both (count is the desired capacity of an autoscaled node group)");
    std::optional<int> want = desired;
    std::string key = "desiredCapacity";
    if (!want && m.has("count")) {
      want = g.count;
      key = "count";
    }
    // Below minSize is allowed: minSize is the Cluster Autoscaler's minimum (--nodes=min:max:name or
    // the auto-discovered ASG minimum), which an Auto Scaling group can be under (e.g. its minimum
    // was raised in CA only). Scale-down never goes lower; enforce-node-group-min-size raises it.
    if (want && *want > *g.max_size) {
      d.error(m.get(key), m.path(key),
              key + " " + std::to_string(*want) + " is above maxSize " + std::to_string(*g.max_size));
    }
    g.count = want.value_or(g.min_size.value_or(0));
  }

  if (const YAML::Node mp = m.get("mixedInstancesPolicy"); present(mp)) {
    MapView mm(d, mp, m.path("mixedInstancesPolicy"));
    if (mm.ok()) {
      mm.reject_unknown({"overrides", "onDemandBaseCapacity", "onDemandPercentageAboveBaseCapacity",
                         "onDemandAllocationStrategy", "spotAllocationStrategy"});
      spec::MixedInstancesPolicy pol;
      if (const YAML::Node ov = mm.require("overrides"); present(ov) && expect_list(d, ov, mm.path("overrides"))) {
        if (ov.size() == 0) d.error(ov, mm.path("overrides"), "expected at least one override, got none");
        for (std::size_t i = 0; i < ov.size(); ++i) {
          const std::string p = index_path(mm.path("overrides"), i);
          MapView om(d, ov[i], p);
          if (!om.ok()) continue;
          om.reject_unknown({"instanceType"});
          if (auto t = om.req_str("instanceType")) {
            if (l.cat.find(*t) == nullptr) {
              d.error(om.get("instanceType"), om.path("instanceType"), "unknown instance type " + quote(*t));
            } else if (region && !l.cat.on_demand_price(*region, *t)) {
              d.error(om.get("instanceType"), om.path("instanceType"),
                      "instance type " + quote(*t) + " is not offered in region " + quote(*region));
            } else if (std::find(pol.overrides.begin(), pol.overrides.end(), *t) != pol.overrides.end()) {
              d.error(om.get("instanceType"), om.path("instanceType"), "duplicate instance type " + quote(*t));
            } else {
              pol.overrides.push_back(*t);
            }
          }
        }
      }
      if (auto v = mm.integer("onDemandBaseCapacity", 0, 1'000'000)) pol.on_demand_base_capacity = static_cast<int>(*v);
      if (auto v = mm.integer("onDemandPercentageAboveBaseCapacity", 0, 100))
        pol.on_demand_percentage_above_base_capacity = static_cast<int>(*v);
      if (auto v = mm.enumeration("onDemandAllocationStrategy", {"prioritized", "lowest-price"}))
        pol.on_demand_allocation_strategy = *v;
      if (auto v = mm.enumeration("spotAllocationStrategy",
                                  {"lowest-price", "price-capacity-optimized", "capacity-optimized"}))
        pol.spot_allocation_strategy = *v;
      if (!pol.overrides.empty()) g.instance_type = pol.overrides.front();
      g.mixed_instances = std::move(pol);
    }
    if (m.has("instanceType"))
      d.error(m.key_node("mixedInstancesPolicy"), m.path(),
              "expected exactly one of \"instanceType\", \"mixedInstancesPolicy\", got both");
    if (m.has("capacityType"))
      d.error(m.key_node("capacityType"), m.path("capacityType"),
              "capacityType does not apply to a mixedInstancesPolicy (its onDemandBaseCapacity and "
              "onDemandPercentageAboveBaseCapacity decide)");
  }

  if (const YAML::Node tn = m.get("tags"); present(tn)) {
    MapView tm(d, tn, m.path("tags"));
    for (auto& e : tm.entries()) {
      e.used = true;
      const std::string& k = e.key;
      const YAML::Node& at = e.value;
      const std::string p = tm.path(k);
      std::string v;
      if (present(at)) {
        auto s = to_string(d, at, p);
        if (!s) continue;
        v = *s;
      }
      g.tags[k] = v;
      const bool label = starts_with(k, k_tag_label), taint = starts_with(k, k_tag_taint),
                 resources = starts_with(k, k_tag_resources), options = starts_with(k, k_tag_options);
      if (!label && !taint && !resources && !options) continue;  // other ASG tags are kept as they are
      const std::string_view prefix = label ? k_tag_label : taint ? k_tag_taint : resources ? k_tag_resources : k_tag_options;
      const std::string name = k.substr(prefix.size());
      if (name.empty()) {
        d.error(e.key_node, p, "tag " + quote(k) + " names no key after the prefix");
        continue;
      }
      if (taint) {
        // cloudprovider/aws/aws_manager.go extractTaintsFromAsg: "<value>:<effect>".
        const auto colon = v.rfind(':');
        const std::string effect = colon == std::string::npos ? std::string() : v.substr(colon + 1);
        if (colon == std::string::npos || !parse_taint_effect(effect))
          d.error(at, p,
                  "expected \"<value>:<effect>\" with effect NoSchedule, PreferNoSchedule or NoExecute, got " + quote(v));
      } else if (resources) {
        if (!parse_quantity(v)) d.error(at, p, "expected a quantity such as \"100Gi\", got " + quote(v));
      } else if (options) {
        // cloudprovider/aws/aws_manager.go GetOptions (per-ASG scale-down options).
        if (name == "scaledownutilizationthreshold" || name == "scaledowngpuutilizationthreshold") {
          char* end = nullptr;
          const double x = std::strtod(v.c_str(), &end);
          if (v.empty() || *end != '\0' || x < 0 || x > 1)
            d.error(at, p, "expected a fraction from 0 to 1 such as \"0.5\", got " + quote(v));
        } else if (name == "scaledownunneededtime" || name == "scaledownunreadytime") {
          if (!parse_duration(v)) d.error(at, p, "expected a duration such as \"10m\", got " + quote(v));
        } else if (name == "ignoredaemonsetsutilization") {
          if (v != "true" && v != "false") d.error(at, p, "expected \"true\" or \"false\", got " + quote(v));
        } else {
          d.error(e.key_node, p,
                  "unknown autoscaling option " + quote(name) +
                      ", expected one of \"scaledownutilizationthreshold\", \"scaledowngpuutilizationthreshold\", "
                      "\"scaledownunneededtime\", \"scaledownunreadytime\", \"ignoredaemonsetsutilization\"");
        }
      }
    }
  }
  if (auto v = m.str_map("annotations")) g.annotations = *v;
}

}  // namespace capsim::io::detail
