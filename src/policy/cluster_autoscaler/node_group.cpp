#include "capsim/policy/cluster_autoscaler/node_group.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <set>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/policy/node_class.hpp"

namespace capsim::policy::cluster_autoscaler {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// CA's ToBeDeleted taint and soft deletion-candidate taint, and the node lifecycle taints a
// template must not carry (simulator/node_info_utils.go sanitizeNodeInfo / taints.SanitizeTaints).
bool sanitised_taint(const Taint& t) {
  return t.key == "ToBeDeletedByClusterAutoscaler" || t.key == "DeletionCandidateOfClusterAutoscaler" ||
         t.key == "node.kubernetes.io/not-ready" || t.key == "node.kubernetes.io/unreachable" ||
         t.key == "node.cloudprovider.kubernetes.io/uninitialized" ||
         starts_with(t.key, "startup-taint.cluster-autoscaler.kubernetes.io/") ||
         starts_with(t.key, "ignore-taint.cluster-autoscaler.kubernetes.io/");
}

// processors/nodegroupset/aws_nodegroups.go + compare_nodegroups.go BasicIgnoredLabels.
const std::set<std::string, std::less<>> k_ignored_labels = {
    "kubernetes.io/hostname",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "beta.kubernetes.io/fluentd-ds-ready",
    "kops.k8s.io/instancegroup",
    "alpha.eksctl.io/instance-id",
    "alpha.eksctl.io/nodegroup-name",
    "eks.amazonaws.com/nodegroup",
    "k8s.amazonaws.com/eniConfig",
    "lifecycle",
    "topology.ebs.csi.aws.com/zone",
    "topology.k8s.aws/zone-id",
};

// resourceListWithinTolerance: larger - smaller <= larger x ratio.
bool within(std::int64_t a, std::int64_t b, double ratio) {
  const double larger = static_cast<double>(std::max(a, b));
  const double smaller = static_cast<double>(std::min(a, b));
  return larger - smaller <= larger * ratio;
}

std::map<std::string, std::int64_t> entries(const ResourceList& r) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [n, q] : r.sorted_entries()) out[n] = q.milli;
  return out;
}

}  // namespace

void TemplateNode::add_pod(std::shared_ptr<const cluster::PodSchedulingSpec> spec, Labels labels, std::string ns,
                           bool daemon, bool mirror) {
  m_owned.push_back(Owned{std::move(spec), std::move(labels), std::move(ns)});
  const Owned& o = m_owned.back();
  scheduling::SnapshotPod p;
  p.spec = o.spec.get();
  p.labels = &o.labels;
  p.namespace_ = o.ns;
  p.daemon = daemon;
  p.mirror = mirror;
  node.pods.push_back(p);
  node.requested += o.spec->requests;
}

std::vector<NodeGroupModel> build_node_groups(const spec::Scenario& sc, const catalog::Catalog& cat,
                                              const std::vector<std::string>& scenario_zones,
                                              const std::vector<catalog::InstanceType>* fake_types) {
  std::vector<NodeGroupModel> out;
  for (const auto& g : sc.node_groups) {
    if (!g.autoscaled()) continue;
    NodeGroupModel m;
    m.spec = g;
    m.min_size = g.min_size.value_or(0);
    m.max_size = *g.max_size;
    m.target_size = g.count;
    m.zones = g.zones.empty() ? scenario_zones : g.zones;
    std::vector<std::string> names =
        g.mixed_instances ? g.mixed_instances->overrides : std::vector<std::string>{g.instance_type};
    auto all = fake_types ? catalog::fake_types_in_zones(*fake_types, m.zones)
                          : catalog::build_instance_types(cat, sc.region, m.zones, node_group_params(g));
    for (const auto& n : names) {
      auto it = std::find_if(all.begin(), all.end(), [&](const catalog::InstanceType& t) { return t.name == n; });
      if (it != all.end()) m.instance_types.push_back(*it);
    }
    for (const auto& [k, v] : g.tags) {
      if (!starts_with(k, k_tag_options)) continue;
      const std::string opt = k.substr(k_tag_options.size());
      if (opt == "scaledownutilizationthreshold") m.scale_down_utilization_threshold = std::strtod(v.c_str(), nullptr);
      else if (opt == "scaledownunneededtime") m.scale_down_unneeded_time = parse_duration(v);
      else if (opt == "scaledownunreadytime") m.scale_down_unready_time = parse_duration(v);
      else if (opt == "ignoredaemonsetsutilization") m.ignore_daemonsets_utilization = v == "true";
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::shared_ptr<const TemplateNode> cloud_template(const NodeGroupModel& g, const std::string& region,
                                                   const std::vector<DaemonSetView>& daemonsets) {
  const catalog::InstanceType* it = g.template_type();
  if (!it) return nullptr;
  auto t = std::make_shared<TemplateNode>();
  scheduling::SnapshotNode& n = t->node;
  n.node_group = g.name();
  n.name = "template-node-for-" + g.name();
  // Capacity: vCPU, MemoryMb x 1 MiB, GPU count, 110 pods (aws_manager.go buildNodeFromTemplate).
  if (it->info) {
    n.capacity.set(Resource::cpu, Quantity::from_units(it->info->vcpu));
    n.capacity.set(Resource::memory, Quantity::from_mib(it->info->memory_mib));
    if (it->info->gpu_count > 0) n.capacity.set(Resource::nvidia_gpu, Quantity::from_units(it->info->gpu_count));
  } else {
    n.capacity.set(Resource::cpu, it->capacity.get(Resource::cpu));
    n.capacity.set(Resource::memory, it->capacity.get(Resource::memory));
    n.capacity.set(Resource::nvidia_gpu, it->capacity.get(Resource::nvidia_gpu));
  }
  n.capacity.set(Resource::pods, Quantity::from_units(110));
  for (const auto& [k, v] : g.spec.tags)
    if (starts_with(k, k_tag_resources))
      if (auto q = parse_quantity(v)) n.capacity.set(k.substr(k_tag_resources.size()), *q);
  n.allocatable = n.capacity;  // no kube-reserved, system-reserved or eviction threshold
  // Labels (buildGenericLabels + tags).
  const std::string zone = g.zones.empty() ? std::string() : g.zones.front();
  const std::string arch = it->info ? it->info->arch : std::string("amd64");
  n.labels["kubernetes.io/arch"] = arch;
  n.labels["beta.kubernetes.io/arch"] = arch;
  n.labels["kubernetes.io/os"] = "linux";
  n.labels["beta.kubernetes.io/os"] = "linux";
  n.labels["node.kubernetes.io/instance-type"] = it->name;
  n.labels["beta.kubernetes.io/instance-type"] = it->name;
  n.labels["topology.kubernetes.io/region"] = region;
  n.labels["failure-domain.beta.kubernetes.io/region"] = region;
  n.labels["topology.kubernetes.io/zone"] = zone;
  n.labels["failure-domain.beta.kubernetes.io/zone"] = zone;
  n.labels["topology.ebs.csi.aws.com/zone"] = zone;
  n.labels["kubernetes.io/hostname"] = n.name;
  if (g.managed_node_group()) {
    for (const auto& [k, v] : g.spec.labels) n.labels[k] = v;
    n.labels["eks.amazonaws.com/nodegroup"] = g.name();
    n.taints = g.spec.taints;
  }
  for (const auto& [k, v] : g.spec.tags) {
    if (starts_with(k, k_tag_label)) n.labels[k.substr(k_tag_label.size())] = v;
    if (starts_with(k, k_tag_taint)) {
      const auto colon = v.rfind(':');
      if (colon == std::string::npos) continue;
      auto effect = parse_taint_effect(v.substr(colon + 1));
      if (!effect) continue;
      n.taints.push_back(Taint{k.substr(k_tag_taint.size()), v.substr(0, colon), *effect});
    }
  }
  // The kube-proxy mirror pod every node runs (cloudprovider/utils.go BuildKubeProxy).
  auto proxy = std::make_shared<cluster::PodSchedulingSpec>();
  proxy->requests.set(Resource::cpu, Quantity::from_milli(100));
  proxy->requests.set(Resource::pods, Quantity::from_units(1));
  t->add_pod(proxy, Labels{{"component", "kube-proxy"}, {"tier", "node"}}, "kube-system", false, true);
  // Every DaemonSet that would run on the node (forced, simulator/node_info_utils.go).
  for (const auto& ds : daemonsets) {
    if (!ds.spec) continue;
    bool ok = ds.spec->node_affinity_matches(n.labels);
    for (const auto& taint : n.taints) {
      if (taint.effect == TaintEffect::prefer_no_schedule) continue;
      if (!std::any_of(ds.spec->tolerations.begin(), ds.spec->tolerations.end(),
                       [&](const Toleration& tol) { return tolerates(tol, taint); }))
        ok = false;
    }
    if (ok) t->add_pod(std::make_shared<cluster::PodSchedulingSpec>(*ds.spec), Labels{}, "default", true, false);
  }
  t->source = "cloud (" + it->name + ")";
  return t;
}

std::optional<Money> node_group_price(const NodeGroupModel& g) {
  const catalog::InstanceType* it = g.template_type();
  if (!it) return std::nullopt;
  const std::string ct = g.spec.capacity_type_at(g.target_size);
  std::optional<Money> best;
  for (const auto& o : it->offerings)
    if (o.capacity_type == ct && (!best || o.price < *best)) best = o.price;
  return best;
}

std::shared_ptr<const TemplateNode> node_template_from(const cluster::Node& real, const cluster::ClusterState& state) {
  auto t = std::make_shared<TemplateNode>();
  scheduling::SnapshotNode& n = t->node;
  n.node_group = real.node_group;
  n.name = "template-node-for-" + real.node_group;
  n.capacity = real.capacity;
  n.allocatable = real.allocatable;
  n.labels = real.labels;
  n.labels["kubernetes.io/hostname"] = n.name;
  for (const auto& taint : real.taints)
    if (!sanitised_taint(taint)) n.taints.push_back(taint);
  for (auto pid : real.pods) {
    const cluster::Pod& p = state.pod(pid);
    if (!p.is_daemon() && !p.is_mirror()) continue;
    t->add_pod(p.spec, p.labels, p.namespace_, p.is_daemon(), p.is_mirror());
  }
  t->from_real_node = true;
  t->source = "node " + real.name;
  return t;
}

scheduling::SnapshotNode template_copy(const TemplateNode& t, const std::string& name) {
  scheduling::SnapshotNode n = t.node;
  n.name = name;
  n.id = cluster::k_no_node;
  n.labels["kubernetes.io/hostname"] = name;
  return n;
}

bool similar_templates(const scheduling::SnapshotNode& a, const scheduling::SnapshotNode& b) {
  constexpr double k_memory_ratio = 0.015;       // --memory-difference-ratio
  constexpr double k_allocatable_ratio = 0.05;   // --max-allocatable-difference-ratio
  constexpr double k_free_ratio = 0.05;          // --max-free-difference-ratio
  // Capacity: the same resources; equal except memory within the memory ratio.
  auto ca = entries(a.capacity), cb = entries(b.capacity);
  if (ca.size() != cb.size()) return false;
  for (const auto& [name, qa] : ca) {
    auto it = cb.find(name);
    if (it == cb.end()) return false;
    if (name == "memory" ? !within(qa, it->second, k_memory_ratio) : qa != it->second) return false;
  }
  auto aa = entries(a.allocatable), ab = entries(b.allocatable);
  if (aa.size() != ab.size()) return false;
  for (const auto& [name, qa] : aa) {
    auto it = ab.find(name);
    if (it == ab.end() || !within(qa, it->second, k_allocatable_ratio)) return false;
    // Free = allocatable - requests of the template's pods.
    const std::int64_t fa = qa - a.requested.get(name).milli;
    const std::int64_t fb = it->second - b.requested.get(name).milli;
    if (!within(fa, fb, k_free_ratio)) return false;
  }
  // Labels, apart from the ignored ones.
  const auto filtered = [](const Labels& l) {
    Labels out;
    for (const auto& [k, v] : l)
      if (!k_ignored_labels.count(k)) out.emplace(k, v);
    return out;
  };
  return filtered(a.labels) == filtered(b.labels);
}

std::vector<int> balance_scale_up(const std::vector<std::pair<int, int>>& groups, int new_nodes) {
  // balancing_processor.go BalanceScaleUpBetweenGroups: groups at max are dropped, the request is
  // capped at the summed headroom, then nodes go one at a time to the smallest group (groups of
  // equal size in turn), skipping groups that reach their max. Sorting is stable here.
  std::vector<int> result;
  for (const auto& [target, max] : groups) result.push_back(target);
  std::vector<std::size_t> idx;
  int capacity = 0;
  for (std::size_t i = 0; i < groups.size(); ++i)
    if (groups[i].first < groups[i].second) {
      idx.push_back(i);
      capacity += groups[i].second - groups[i].first;
    }
  if (idx.empty()) return result;
  new_nodes = std::min(new_nodes, capacity);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return groups[a].first < groups[b].first; });
  std::size_t start = 0, cur = 0;
  while (new_nodes > 0) {
    const std::size_t g = idx[cur];
    if (result[g] < groups[g].second) {
      ++result[g];
      --new_nodes;
    } else {
      std::swap(idx[start], idx[cur]);
      ++start;
    }
    const std::size_t now_g = idx[cur];
    if (cur + 1 < idx.size() && result[now_g] > result[idx[cur + 1]]) {
      ++cur;
    } else {
      cur = start;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

std::string planned_zone(const cluster::Node& n) {
  constexpr std::string_view prefix = "asg-zone=";
  if (starts_with(n.launch_tag, prefix)) return n.launch_tag.substr(prefix.size());
  return {};
}

AsgInstances count_instances(const NodeGroupModel& g, const cluster::ClusterState& state,
                             const std::vector<cluster::NodeId>& nodes) {
  AsgInstances out;
  for (auto nid : nodes) {
    const cluster::Node& n = state.node(nid);
    if (n.node_group != g.name() || n.state == cluster::NodeState::deleting ||
        n.state == cluster::NodeState::terminated)
      continue;
    ++out.total;
    // The capacity type is known from the launch request (label) before the instance exists.
    auto ct = n.labels.find("eks.amazonaws.com/capacityType");
    if (ct != n.labels.end() ? ct->second == "ON_DEMAND" : n.capacity_type != label::k_spot) ++out.on_demand;
    ++out.per_zone[n.state == cluster::NodeState::launching ? planned_zone(n) : n.zone];
  }
  return out;
}

std::vector<LaunchNode> plan_asg_launches(const NodeGroupModel& g, int count, AsgInstances inst,
                                          const catalog::Catalog& cat, const std::string& region,
                                          const std::string& reason) {
  std::vector<LaunchNode> out;
  const auto* mixed = g.spec.mixed_instances ? &*g.spec.mixed_instances : nullptr;
  for (int k = 0; k < count; ++k) {
    // Capacity type: keep the On-Demand share of the new size.
    const bool on_demand = inst.on_demand < g.spec.on_demand_count(inst.total + 1);
    const std::string capacity_type(on_demand ? label::k_on_demand : label::k_spot);
    // Zones: fewest instances first, ties in the group's order.
    std::vector<std::size_t> zone_order(g.zones.size());
    std::iota(zone_order.begin(), zone_order.end(), std::size_t{0});
    std::stable_sort(zone_order.begin(), zone_order.end(), [&](std::size_t a, std::size_t b) {
      return inst.per_zone[g.zones[a]] < inst.per_zone[g.zones[b]];
    });
    // Types: the allocation strategy's order within a zone.
    const std::string strategy = !mixed ? std::string("prioritized")
                                 : on_demand ? mixed->on_demand_allocation_strategy
                                             : mixed->spot_allocation_strategy;
    cloud::FleetRequest fleet;
    fleet.capacity_type = capacity_type;
    fleet.strategy = cloud::AllocationStrategy::prioritized;
    for (std::size_t zi : zone_order) {
      const std::string& zone = g.zones[zi];
      struct Cand {
        const catalog::InstanceType* it;
        Money price;
        double score;
        std::size_t order;
      };
      std::vector<Cand> cands;
      for (std::size_t ti = 0; ti < g.instance_types.size(); ++ti) {
        const auto& it = g.instance_types[ti];
        auto off = std::find_if(it.offerings.begin(), it.offerings.end(), [&](const catalog::Offering& o) {
          return o.zone == zone && o.capacity_type == capacity_type && o.available;
        });
        if (off == it.offerings.end()) continue;
        double score = static_cast<double>(ti);
        if (strategy == "lowest-price") {
          score = static_cast<double>(off->price.nano_usd);
        } else if (strategy == "price-capacity-optimized" || strategy == "capacity-optimized") {
          const auto adv = cat.spot_advice(region, it.name);
          const int band = adv ? adv->interruption_band_index : 4;
          score = strategy == "capacity-optimized" ? band
                                                   : static_cast<double>(off->price.nano_usd) * (1.0 + 0.05 * band);
        }
        cands.push_back(Cand{&it, off->price, score, ti});
      }
      std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
        return a.score != b.score ? a.score < b.score : a.order < b.order;
      });
      for (const auto& c : cands) fleet.overrides.push_back(cloud::FleetOverride{c.it, zone, c.price});
    }
    LaunchNode l;
    l.node_group = g.name();
    l.labels = g.spec.labels;
    l.labels["eks.amazonaws.com/nodegroup"] = g.name();
    l.labels["eks.amazonaws.com/capacityType"] = on_demand ? "ON_DEMAND" : "SPOT";
    l.taints = g.spec.taints;
    l.annotations = g.spec.annotations;
    for (const auto& it : g.instance_types) l.instance_type_options.push_back(it.name);
    l.reason = reason;
    const std::string zone = zone_order.empty() ? std::string() : g.zones[zone_order.front()];
    l.tag = "asg-zone=" + zone;
    l.fleet = std::move(fleet);
    out.push_back(std::move(l));
    ++inst.total;
    if (on_demand) ++inst.on_demand;
    ++inst.per_zone[zone];
  }
  return out;
}

}  // namespace capsim::policy::cluster_autoscaler
