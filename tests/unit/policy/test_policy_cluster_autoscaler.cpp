// The Cluster Autoscaler policy without the engine: loop timing (scan interval, the unschedulable
// trigger, the 2 s rule, two back-to-back loops after a scale-up), scale-up bookkeeping, the
// ASG's launch requests (AZ balance, On-Demand / Spot split, allocation strategies) and the
// template nodes (real node vs the optimistic cloud template).
#include <catch2/catch.hpp>

#include "capsim/catalog/instance_type.hpp"
#include "capsim/policy/cluster_autoscaler/cluster_autoscaler.hpp"
#include "capsim/policy/registry.hpp"
#include "capsim/workload/controllers.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;
using namespace capsim::policy;
using namespace capsim::policy::cluster_autoscaler;

namespace {

const SimTime k_t0{0};
SimTime sec(int s) { return SimTime{0} + Duration::seconds(s); }

// A scenario with one autoscaled group and a Deployment (only the specs are used here).
spec::Scenario scenario(const std::string& groups, const std::string& ca = "") {
  return test::load_text("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n"
                         "  region: us-east-1\n  zones: [us-east-1a, us-east-1b, us-east-1c]\n"
                         "  autoscalers: [cluster-autoscaler]\n" +
                         ca + "  nodeGroups:\n" + groups);
}

struct Fixture {
  spec::Scenario sc;
  std::shared_ptr<const catalog::Catalog> cat = catalog::Catalog::embedded();
  cluster::ClusterState state;
  std::vector<DaemonSetView> ds;
  std::unique_ptr<ClusterAutoscaler> ca;
  std::shared_ptr<cluster::PodSchedulingSpec> pod_spec;
  int nodes = 0;

  explicit Fixture(spec::Scenario s) : sc(std::move(s)) {
    ca = std::make_unique<ClusterAutoscaler>(make_config(sc, cat, sc.zones));
    pod_spec = std::make_shared<cluster::PodSchedulingSpec>();
    pod_spec->requests.set(Resource::cpu, Quantity::from_milli(900));
    pod_spec->requests.set(Resource::memory, Quantity::from_mib(512));
    pod_spec->requests.set(Resource::pods, Quantity::from_units(1));
  }
  // A Ready node of the group as the sim builds it at the start (catalog allocatable).
  cluster::NodeId ready_node(const std::string& group, const std::string& type, const std::string& zone) {
    catalog::NodeClassParams params;
    params.ami_family = catalog::AmiFamily::al2;
    auto types = catalog::build_instance_types(*cat, "us-east-1", {zone}, params);
    auto it = std::find_if(types.begin(), types.end(), [&](const auto& t) { return t.name == type; });
    cluster::Node n;
    n.name = "node-" + std::to_string(nodes++);
    n.node_group = group;
    n.state = cluster::NodeState::ready;
    n.instance_type = type;
    n.zone = zone;
    n.capacity_type = "on-demand";
    n.capacity = it->capacity;
    n.allocatable = it->allocatable;
    n.labels["kubernetes.io/hostname"] = n.name;
    n.labels["topology.kubernetes.io/zone"] = zone;
    n.labels["eks.amazonaws.com/capacityType"] = "ON_DEMAND";
    return state.add_node(std::move(n));
  }
  // Pending pods of one Deployment, marked unschedulable at `at`.
  std::vector<cluster::PodId> pending(int count, SimTime at) {
    std::vector<cluster::PodId> ids;
    for (int i = 0; i < count; ++i) {
      cluster::Pod p;
      p.name = "web-" + std::to_string(state.pods_created());
      p.owner = {"Deployment", "web"};
      p.spec = pod_spec;
      p.created = at;
      auto id = state.add_pod(std::move(p));
      state.pod(id).unschedulable = true;
      ids.push_back(id);
    }
    return ids;
  }
  // A kube-system pod of a ReplicaSet bound to `node` at the start.
  void system_pod(cluster::NodeId node, const std::string& name) {
    cluster::Pod p;
    p.name = name;
    p.namespace_ = "kube-system";
    p.owner = {"ReplicaSet", "coredns"};
    p.spec = pod_spec;
    p.created = k_t0;
    state.bind(state.add_pod(std::move(p)), node, k_t0);
  }
  Actions reconcile(SimTime now) {
    View v{now, state, ds};
    return ca->reconcile(v);
  }
  // What the sim does with launch requests: a node per request, launching.
  void apply_launches(const Actions& a, SimTime now) {
    for (const auto& l : a.launches) {
      cluster::Node n;
      n.name = "node-" + std::to_string(nodes++);
      n.node_group = l.node_group;
      n.labels = l.labels;
      n.launch_tag = l.tag;
      n.created_at = now;
      state.add_node(std::move(n));
    }
  }
};

}  // namespace

TEST_CASE("ca policy: registered as cluster-autoscaler", "[ca]") {
  auto names = available_autoscalers();
  CHECK(std::find(names.begin(), names.end(), "cluster-autoscaler") != names.end());
}

// loop/trigger.go + static_autoscaler.go: an unschedulable pod wakes an idle CA at once, but pods
// younger than 2 s do not scale up (and that loop does no real scale-down); the next loop is a
// scan interval later.
TEST_CASE("ca policy: the unschedulable trigger, the 2 s rule and the scan interval", "[ca]") {
  Fixture f(scenario("    - {name: ng, instanceType: m5.large, minSize: 1, maxSize: 5}\n"));
  f.ready_node("ng", "m5.large", "us-east-1a");
  CHECK(*f.ca->next_wakeup() == k_t0);
  auto a0 = f.reconcile(k_t0);  // nothing pending
  CHECK(a0.launches.empty());
  CHECK(*f.ca->next_wakeup() == sec(10));
  // Pods turn unschedulable at 3 s: CA runs at 3 s, sees them too new, waits until 13 s.
  auto pods = f.pending(6, sec(3));
  f.ca->on_pods_unschedulable(pods, sec(3));
  CHECK(*f.ca->next_wakeup() == sec(3));
  auto a1 = f.reconcile(sec(3));
  CHECK(a1.launches.empty());
  CHECK(*f.ca->next_wakeup() == sec(13));
  // At 13 s the pods are 10 s old: scale-up. m5.large allocatable (AL2, 1930m) holds 2 of these
  // 900m pods per node: 2 fit the empty node (filter-out-schedulable), 4 need 2 more nodes.
  auto a2 = f.reconcile(sec(13));
  REQUIRE(a2.launches.size() == 2);
  CHECK(f.ca->target_size("ng") == 3);
  REQUIRE(!a2.notes.empty());
  CHECK(a2.notes.back().kind == "scale-up");
  // Two back-to-back loops follow a loop that scaled up; the new instances are upcoming, so
  // nothing more is asked for; then the scan interval again.
  f.apply_launches(a2, sec(13));
  CHECK(*f.ca->next_wakeup() == sec(13));
  CHECK(f.reconcile(sec(13)).launches.empty());
  CHECK(*f.ca->next_wakeup() == sec(13));
  CHECK(f.reconcile(sec(13)).launches.empty());
  CHECK(*f.ca->next_wakeup() == sec(23));
  CHECK(f.ca->loops() == 5);
}

TEST_CASE("ca policy: new-pod-scale-up-delay holds young pods back", "[ca]") {
  Fixture f(scenario("    - {name: ng, instanceType: m5.large, minSize: 1, maxSize: 5}\n",
                     "  clusterAutoscaler: {new-pod-scale-up-delay: 30s}\n"));
  f.ready_node("ng", "m5.large", "us-east-1a");
  f.pending(6, k_t0);
  CHECK(f.reconcile(sec(10)).launches.empty());
  CHECK(f.reconcile(sec(20)).launches.empty());
  CHECK(f.reconcile(sec(30)).launches.size() == 2);
}

// max-nodes-total: no scale-up at all when Ready nodes reach it; the cap counts upcoming nodes.
TEST_CASE("ca policy: max-nodes-total", "[ca]") {
  Fixture f(scenario("    - {name: ng, instanceType: m5.large, minSize: 1, maxSize: 10}\n",
                     "  clusterAutoscaler: {max-nodes-total: 2}\n"));
  f.ready_node("ng", "m5.large", "us-east-1a");
  f.pending(8, k_t0);  // 2 fit the node, the other 6 would need 3 more
  auto a = f.reconcile(sec(10));
  CHECK(a.launches.size() == 1);
  CHECK(f.ca->target_size("ng") == 2);
}

// The ASG's side: AZ balance (fewest instances first, ties in zone order) and the On-Demand /
// Spot split of a mixed-instances policy, each launch a prioritized fleet request whose overrides
// list the chosen zone first.
TEST_CASE("ca policy: ASG launches balance zones and split On-Demand / Spot", "[ca]") {
  const auto sc = scenario(
      "    - name: mixed\n      maxSize: 10\n      desiredCapacity: 0\n"
      "      mixedInstancesPolicy:\n        overrides: [{instanceType: m5.large}, {instanceType: m5a.large}]\n"
      "        onDemandBaseCapacity: 1\n        onDemandPercentageAboveBaseCapacity: 50\n"
      "        spotAllocationStrategy: lowest-price\n");
  const auto groups = build_node_groups(sc, *catalog::Catalog::embedded(), sc.zones);
  REQUIRE(groups.size() == 1);
  const auto& g = groups[0];
  REQUIRE(g.instance_types.size() == 2);
  auto launches = plan_asg_launches(g, 5, AsgInstances{}, *catalog::Catalog::embedded(), "us-east-1", "test");
  REQUIRE(launches.size() == 5);
  std::vector<std::string> types, zones;
  for (const auto& l : launches) {
    types.push_back(l.fleet.capacity_type);
    zones.push_back(l.fleet.overrides.front().zone);
    CHECK(l.fleet.strategy == cloud::AllocationStrategy::prioritized);
    CHECK(l.node_group == "mixed");
  }
  // Base 1, then half of the rest On-Demand (rounded up): OD, OD, spot, OD, spot.
  CHECK(types == std::vector<std::string>{"on-demand", "on-demand", "spot", "on-demand", "spot"});
  CHECK(zones == std::vector<std::string>{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a", "us-east-1b"});
  // On-Demand prioritized: the first override first in each zone, the zones in balance order.
  const auto& od = launches[0].fleet.overrides;
  REQUIRE(od.size() == 6);
  CHECK(od[0].instance_type->name == "m5.large");
  CHECK(od[1].instance_type->name == "m5a.large");
  CHECK(od[2].zone == "us-east-1b");
  // Spot lowest-price: the cheaper spot pool of the zone first.
  const auto& sp = launches[2].fleet.overrides;
  REQUIRE(sp.size() >= 2);
  CHECK(sp[0].zone == "us-east-1c");
  CHECK(sp[0].price <= sp[1].price);
}

// aws_manager.go buildNodeFromTemplate: scale-from-zero plans with capacity = allocatable, 110
// pods, a kube-proxy of 100m, labels and taints from the ASG tags; a real node's template has its
// real (smaller) allocatable.
TEST_CASE("ca policy: cloud template vs real-node template", "[ca]") {
  const auto sc = scenario(
      "    - name: gpu\n      instanceType: g4dn.xlarge\n      maxSize: 4\n      desiredCapacity: 0\n"
      "      zones: [us-east-1b, us-east-1a]\n"
      "      tags:\n        k8s.io/cluster-autoscaler/node-template/label/workload: ml\n"
      "        k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu: \"present:NoSchedule\"\n"
      "        k8s.io/cluster-autoscaler/node-template/resources/ephemeral-storage: 100Gi\n");
  const auto groups = build_node_groups(sc, *catalog::Catalog::embedded(), sc.zones);
  auto t = cloud_template(groups.at(0), "us-east-1", {});
  REQUIRE(t);
  const auto& n = t->node;
  CHECK(n.capacity.cpu_millis() == 4000);
  CHECK(n.capacity.memory_bytes() == 16384LL * 1024 * 1024);
  CHECK(n.capacity.pods() == 110);
  CHECK(n.capacity.get(Resource::nvidia_gpu).milli == 1000);
  CHECK(n.capacity.get(Resource::ephemeral_storage) == *parse_quantity("100Gi"));
  CHECK(n.allocatable == n.capacity);
  CHECK(n.labels.at("topology.kubernetes.io/zone") == "us-east-1b");  // the first AZ of the ASG
  CHECK(n.labels.at("workload") == "ml");
  CHECK(n.labels.at("node.kubernetes.io/instance-type") == "g4dn.xlarge");
  REQUIRE(n.taints.size() == 1);
  CHECK(describe(n.taints[0]) == "nvidia.com/gpu=present:NoSchedule");
  REQUIRE(n.pods.size() == 1);  // kube-proxy
  CHECK(n.pods[0].mirror);
  CHECK(n.requested.cpu_millis() == 100);
}

// A loop that finds nothing to do and changes nothing, on a cluster that has not changed since,
// is repeated rather than recomputed until a time threshold passes; the decisions land on the
// loops where upstream's 10 s loop makes them. Two m5.large nodes (1930m allocatable) each hold a
// 900m kube-system pod of a ReplicaSet: the pods block scale-down for the 1 h blocking timeout
// (--blocking-system-pod-distruption-timeout, 1.33+, drain.go), the nodes are rechecked every
// 5 min (--unremovable-node-recheck-timeout). The recheck at 3900 s finds both nodes eligible
// (under the 0.5 utilization threshold), node-0's pod movable to node-1, and then node-1's pod with
// nowhere to go (node-0 is no destination once removable: planner.go categorizeNodes); node-0 is
// deleted at the first loop more than 10 min (--scale-down-unneeded-time) later: 4510 s.
TEST_CASE("ca policy: quiet loops keep every decision on its loop", "[ca]") {
  Fixture f(scenario("    - {name: ng, instanceType: m5.large, minSize: 0, maxSize: 5, desiredCapacity: 2}\n"));
  f.system_pod(f.ready_node("ng", "m5.large", "us-east-1a"), "coredns-0");
  f.system_pod(f.ready_node("ng", "m5.large", "us-east-1b"), "coredns-1");
  std::vector<std::string> decisions;
  for (int i = 0; i < 1000; ++i) {
    const SimTime t = *f.ca->next_wakeup();
    const Actions out = f.reconcile(t);
    for (const auto& n : out.notes)
      decisions.push_back(std::to_string(t.ms / 1000) + " s " + n.kind + " " + n.reason + " " + n.nodes.at(0));
    if (!out.marks.empty()) break;
  }
  CHECK(decisions == std::vector<std::string>{
                         "0 s unremovable BlockedByPod node-0",
                         "0 s unremovable BlockedByPod node-1",
                         "3900 s unremovable NoPlaceToMovePods node-1",
                         "4510 s scale-down underutilized node-0",
                     });
  CHECK(f.ca->loops() == 452);  // 0, 10, ..., 4510 s
  // Computed: at 0 s; 10 s (the first loop interval is observed); 20 s; at each 5-min recheck and
  // the loop after it (300, 310, ..., 4200, 4210 s; node-0's removal hint is new at 3900 s), 4500 s
  // and 4510 s. Every other loop repeats the one before.
  CHECK(f.ca->quiet_loops() == 452 - 33);
}
