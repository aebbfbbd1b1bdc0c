// The Cluster Autoscaler through the whole simulator, with concrete EC2 types, prices and times:
// scale-up from a real node and from zero (the least-waste worked example, reference
// cluster-autoscaler.md 2.8), scale-down of empty and underutilized nodes with its timers and
// cooldown, drain blockers, ICE on a spot ASG with backoff and fallback, balancing, mixed
// instances, spot replacement by the ASG, and the hypothetical price expander.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "capsim/catalog/catalog.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::run_text;

namespace {

// A Scenario document running only the Cluster Autoscaler; `extra` goes under spec (indent 2).
std::string ca_doc(const std::string& duration, const std::string& zones, const std::string& extra) {
  return "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
         "  zones: " + zones + "\n  duration: " + duration + "\n  autoscalers: [cluster-autoscaler]\n" + extra + "---\n";
}

std::vector<const sim::Decision*> decisions(const sim::AutoscalerResult& r, const std::string& kind) {
  std::vector<const sim::Decision*> out;
  for (const auto& d : r.decisions)
    if (d.kind == kind) out.push_back(&d);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

SimTime at(int m, int s = 0) { return SimTime{0} + Duration::minutes(m) + Duration::seconds(s); }

}  // namespace

// 8 pods of 500m on one m5.large (AL2 allocatable 1930m: 3 pods); the other 5 need 2 more nodes.
// The pods are 0 s old at the first loop (too new), so the scale-up is at 10 s; the ASG launches
// into the emptier zone first. At 10 m the Deployment shrinks to 1; the two new nodes are empty
// from then and are deleted when unneeded for more than 10 min, at 20:10 (taint), 20:15 (delete),
// 20:20 (terminated).
TEST_CASE("sim ca: scale-up from a real node, then scale-down of the empty nodes", "[sim][ca]") {
  auto r = run_text(ca_doc("40m", "[us-east-1a, us-east-1b]",
                           "  nodeGroups:\n    - {name: ng-m5, instanceType: m5.large, minSize: 1, maxSize: 10}\n"
                           "  timeline:\n    - {at: 10m, scale: {kind: Deployment, name: web, replicas: 1}}\n") +
                        deployment("web", 8, "500m", "512Mi"),
                    "cluster-autoscaler");
  REQUIRE(r.launches.size() == 2);
  for (const auto& l : r.launches) {
    CHECK(l.at == at(0, 10));
    CHECK(l.launched_at == at(0, 12));
    CHECK(l.instance_type == "m5.large");
    CHECK(l.node_pool == "ng-m5");
    CHECK(l.price_per_hour == Money::from_usd(0.096));
  }
  CHECK(r.launches[0].zone == "us-east-1b");  // the initial node is in us-east-1a
  CHECK(r.launches[1].zone == "us-east-1a");
  auto up = decisions(r, "scale-up");
  REQUIRE(up.size() == 1);
  CHECK(up[0]->pods.size() == 5);
  CHECK(contains(up[0]->message, "setting node group ng-m5 size to 3 (from 1, +2)"));
  CHECK(r.summary.pod_pending_max_s == Approx(52.0));  // 10 s loop + 2 s launch + 30 s + 10 s boot
  auto down = decisions(r, "scale-down");
  REQUIRE(down.size() == 2);
  CHECK(down[0]->at == at(20, 10));
  CHECK(down[0]->reason == "empty");
  REQUIRE(r.terminations.size() == 2);
  CHECK(r.terminations[0].at == at(20, 15));
  CHECK(r.terminations[0].terminated_at == at(20, 20));
  CHECK(r.summary.final_nodes == 1);
}

// Reference 2.8: 20 pods of 500m / 1 GiB and three empty ASGs planned from the cloud templates
// (capacity = allocatable, minus 100m kube-proxy): m5.large 7 nodes (waste 0.9286), m5.xlarge 3
// (0.75), c5.xlarge 3 (0.3333) -> least-waste picks c5.xlarge. The real c5.xlarge allocatable is
// smaller than the optimistic template, so 2 pods are left and a second scale-up follows (the
// scale-from-zero over-pack CA is known for).
TEST_CASE("sim ca: least-waste from zero picks c5.xlarge (worked example)", "[sim][ca]") {
  const std::string groups =
      "  nodeGroups:\n"
      "    - {name: m5-large, instanceType: m5.large, minSize: 0, maxSize: 20}\n"
      "    - {name: m5-xlarge, instanceType: m5.xlarge, minSize: 0, maxSize: 20}\n"
      "    - {name: c5-xlarge, instanceType: c5.xlarge, minSize: 0, maxSize: 20}\n";
  const std::string pods = deployment("web", 20, "500m", "1Gi");
  auto r = run_text(ca_doc("10m", "[us-east-1a]", groups) + pods, "cluster-autoscaler");
  auto up = decisions(r, "scale-up");
  REQUIRE(up.size() >= 2);
  CHECK(up[0]->at == at(0, 10));
  CHECK(up[0]->node_pool == "c5-xlarge");
  CHECK(up[0]->reason == "least-waste");
  CHECK(contains(up[0]->message, "m5-large +7 (20 pods, waste 0.9286), m5-xlarge +3 (20 pods, waste 0.7500), "
                                 "c5-xlarge +3 (20 pods, waste 0.3333)"));
  CHECK(contains(up[0]->message, "template cloud (c5.xlarge)"));
  REQUIRE(r.launches.size() >= 3);
  CHECK(r.launches[0].price_per_hour == Money::from_usd(0.17));
  CHECK(up[1]->pods.size() == 2);
  CHECK(r.summary.pods_pending_at_end == 0);

  // least-nodes ties m5.xlarge and c5.xlarge; random decides between them only.
  std::set<std::string> picked;
  for (int seed = 1; seed <= 40 && picked.size() < 2; ++seed) {
    auto rr = run_text(ca_doc("1m", "[us-east-1a]",
                              "  seed: " + std::to_string(seed) + "\n  clusterAutoscaler: {expander: least-nodes}\n" +
                                  groups) +
                           pods,
                       "cluster-autoscaler");
    auto u = decisions(rr, "scale-up");
    REQUIRE(!u.empty());
    picked.insert(u[0]->node_pool);
  }
  CHECK(picked == std::set<std::string>{"m5-xlarge", "c5-xlarge"});
  // Before 1.33 the default expander is random.
  auto old = run_text(ca_doc("1m", "[us-east-1a]", "  clusterAutoscaler: {version: \"1.32\"}\n" + groups) + pods,
                      "cluster-autoscaler");
  CHECK(decisions(old, "scale-up").at(0)->reason == "random");
}

// A spot ASG preferred by the priority expander has no capacity: the launch fails at 12 s, CA
// sees the failed scaling activity at its next AWS refresh (60 s), backs the group off for 5 min
// and, in the same loop, scales the on-demand group instead.
TEST_CASE("sim ca: ICE on a spot ASG backs it off and falls back to on-demand", "[sim][ca]") {
  auto r = run_text(ca_doc("15m", "[us-east-1a]",
                           "  clusterAutoscaler:\n    expander: priority\n    priorityExpanderConfig: |\n"
                           "      10: [\".*-on-demand\"]\n      50: [\".*-spot\"]\n"
                           "  nodeGroups:\n"
                           "    - {name: m5-spot, instanceType: m5.large, capacityType: spot, minSize: 0, maxSize: 10}\n"
                           "    - {name: m5-on-demand, instanceType: m5.large, minSize: 0, maxSize: 10}\n"
                           "  failures:\n    insufficientCapacity:\n"
                           "      - {capacityType: spot, instanceTypes: [m5.large]}\n") +
                        deployment("web", 3, "500m", "1Gi"),
                    "cluster-autoscaler");
  auto up = decisions(r, "scale-up");
  REQUIRE(up.size() == 2);
  CHECK(up[0]->node_pool == "m5-spot");
  CHECK(up[0]->reason == "priority");
  auto failed = decisions(r, "launch-failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0]->at == at(0, 12));
  auto backoff = decisions(r, "backoff");
  REQUIRE(backoff.size() == 1);
  CHECK(backoff[0]->at == at(1));
  CHECK(backoff[0]->reason == "OutOfResources");
  CHECK(contains(backoff[0]->message, "backed off until t=00:06:00.000"));
  CHECK(up[1]->at == at(1));
  CHECK(up[1]->node_pool == "m5-on-demand");
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].capacity_type == "on-demand");
  CHECK(r.launches[0].price_per_hour == Money::from_usd(0.096));
  CHECK(r.summary.pods_pending_at_end == 0);
  CHECK(r.summary.pod_pending_max_s == Approx(102.0));  // 60 s + 2 s + 30 s + 10 s
}

// Unneeded timers run during the scale-up cooldown; deletions wait for it. An empty node of an
// autoscaled group is unneeded from 0 s (scale-down-unneeded-time 1m), but a scale-up of another
// group at 10 s puts scale-down in cooldown until 10:10.
TEST_CASE("sim ca: scale-down waits for scale-down-delay-after-add", "[sim][ca]") {
  const std::string groups =
      "  nodeGroups:\n"
      "    - {name: idle, instanceType: m5.large, minSize: 0, maxSize: 3, desiredCapacity: 1,\n"
      "       taints: [{key: dedicated, value: idle, effect: NoSchedule}],\n"
      "       tags: {k8s.io/cluster-autoscaler/node-template/taint/dedicated: \"idle:NoSchedule\"}}\n"
      "    - {name: work, instanceType: m5.large, minSize: 0, maxSize: 3}\n";
  auto quiet = run_text(ca_doc("15m", "[us-east-1a]", "  clusterAutoscaler: {scale-down-unneeded-time: 1m}\n" + groups),
                        "cluster-autoscaler");
  REQUIRE(decisions(quiet, "scale-down").size() == 1);
  CHECK(decisions(quiet, "scale-down")[0]->at == at(1, 10));  // unneeded for more than 1 min
  auto busy = run_text(ca_doc("15m", "[us-east-1a]", "  clusterAutoscaler: {scale-down-unneeded-time: 1m}\n" + groups) +
                           deployment("web", 1, "500m", "512Mi"),
                       "cluster-autoscaler");
  auto down = decisions(busy, "scale-down");
  REQUIRE(down.size() == 1);
  CHECK(down[0]->at == at(10, 10));
  CHECK(contains(down[0]->message, "unneeded since t=00:00:00.000"));
}

// An underutilized node (400m of 1930m) whose pod fits elsewhere is drained: one node at a time.
TEST_CASE("sim ca: underutilized nodes are drained one at a time", "[sim][ca]") {
  auto r = run_text(ca_doc("40m", "[us-east-1a]",
                           "  nodeGroups:\n    - {name: ng, instanceType: m5.large, minSize: 1, maxSize: 10, "
                           "desiredCapacity: 3}\n") +
                        deployment("web", 3, "400m", "512Mi"),
                    "cluster-autoscaler");
  auto down = decisions(r, "scale-down");
  REQUIRE(down.size() == 2);
  CHECK(down[0]->reason == "underutilized");
  CHECK(down[0]->at == at(10, 10));
  CHECK(down[0]->pods.size() == 1);
  // The second drain starts only once the first node is gone (max-drain-parallelism 1): taint at
  // 10:10, deleted at 10:15, terminated at 10:20, next drain in the loop at 10:20.
  CHECK(r.terminations[0].terminated_at == at(10, 20));
  CHECK(down[1]->at == at(10, 20));
  REQUIRE(r.terminations.size() == 2);
  CHECK(r.terminations[0].reason == "underutilized");
  CHECK(r.summary.final_nodes == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// Drain blockers: a kube-system pod without a PDB (younger than 1 h) and the node group's
// scale-down-disabled annotation keep nodes; skip-nodes-with-system-pods: false lets them go.
TEST_CASE("sim ca: kube-system pods and scale-down-disabled block scale-down", "[sim][ca]") {
  const std::string system_pod =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dns, namespace: kube-system}\nspec:\n  replicas: 2\n"
      "  template:\n    metadata: {labels: {app: dns}}\n    spec:\n      containers:\n        - name: c\n"
      "          resources: {requests: {cpu: 100m, memory: 64Mi}}\n---\n";
  const std::string groups = "  nodeGroups:\n    - {name: ng, instanceType: m5.large, minSize: 1, maxSize: 10, "
                             "desiredCapacity: 2}\n";
  auto blocked = run_text(ca_doc("30m", "[us-east-1a]", groups) + system_pod, "cluster-autoscaler");
  CHECK(decisions(blocked, "scale-down").empty());
  auto allowed = run_text(ca_doc("30m", "[us-east-1a]", "  clusterAutoscaler: {skip-nodes-with-system-pods: false}\n" +
                                                              groups) +
                              system_pod,
                          "cluster-autoscaler");
  CHECK(decisions(allowed, "scale-down").size() == 1);
  auto disabled = run_text(ca_doc("30m", "[us-east-1a]",
                                  "  clusterAutoscaler: {skip-nodes-with-system-pods: false}\n"
                                  "  nodeGroups:\n    - {name: ng, instanceType: m5.large, minSize: 1, maxSize: 10, "
                                  "desiredCapacity: 2,\n       annotations: "
                                  "{cluster-autoscaler.kubernetes.io/scale-down-disabled: \"true\"}}\n") +
                               system_pod,
                           "cluster-autoscaler");
  CHECK(decisions(disabled, "scale-down").empty());
}

// balance-similar-node-groups over one ASG per AZ: 4 nodes split 2 + 2.
TEST_CASE("sim ca: balance-similar-node-groups splits the scale-up over per-AZ groups", "[sim][ca]") {
  auto r = run_text(ca_doc("5m", "[us-east-1a, us-east-1b]",
                           "  clusterAutoscaler: {balance-similar-node-groups: true}\n"
                           "  nodeGroups:\n"
                           "    - {name: ng-a, instanceType: m5.large, zones: [us-east-1a], minSize: 0, maxSize: 10}\n"
                           "    - {name: ng-b, instanceType: m5.large, zones: [us-east-1b], minSize: 0, maxSize: 10}\n") +
                        deployment("web", 12, "500m", "512Mi"),
                    "cluster-autoscaler");
  auto up = decisions(r, "scale-up");
  REQUIRE(up.size() == 2);  // one note per group of the balanced scale-up
  CHECK(up[0]->at == at(0, 10));
  CHECK(up[1]->at == at(0, 10));
  std::map<std::string, int> per_zone;
  for (const auto& l : r.launches)
    if (l.at == at(0, 10)) ++per_zone[l.zone];
  CHECK(per_zone == std::map<std::string, int>{{"us-east-1a", 2}, {"us-east-1b", 2}});
}

// A mixed-instances ASG: base 1 On-Demand, then 50 % On-Demand (rounded up); Spot lowest-price.
TEST_CASE("sim ca: a mixed-instances ASG launches its On-Demand / Spot split", "[sim][ca]") {
  auto r = run_text(ca_doc("5m", "[us-east-1a]",
                           "  nodeGroups:\n    - name: mixed\n      maxSize: 10\n      mixedInstancesPolicy:\n"
                           "        overrides: [{instanceType: m5.large}, {instanceType: m5a.large}]\n"
                           "        onDemandBaseCapacity: 1\n        onDemandPercentageAboveBaseCapacity: 50\n") +
                        deployment("web", 9, "500m", "512Mi"),
                    "cluster-autoscaler");
  REQUIRE(r.launches.size() == 3);
  const auto cat = catalog::Catalog::embedded();
  CHECK(r.launches[0].capacity_type == "on-demand");
  CHECK(r.launches[0].instance_type == "m5.large");  // prioritized: the first override
  CHECK(r.launches[1].capacity_type == "on-demand");
  CHECK(r.launches[2].capacity_type == "spot");
  const auto a = *cat->spot_price("us-east-1", "us-east-1a", "m5.large");
  const auto b = *cat->spot_price("us-east-1", "us-east-1a", "m5a.large");
  CHECK(r.launches[2].instance_type == (b < a ? "m5a.large" : "m5.large"));
  CHECK(r.launches[2].price_per_hour == std::min(a, b));
}

// The ASG replaces a reclaimed spot instance (desired capacity unchanged); CA is not involved.
TEST_CASE("sim ca: the ASG replaces an interrupted spot instance", "[sim][ca]") {
  auto r = run_text(ca_doc("15m", "[us-east-1a]",
                           "  nodeGroups:\n    - {name: spot, instanceType: m5.large, capacityType: spot, minSize: 1, "
                           "maxSize: 3, desiredCapacity: 1}\n"
                           "  failures:\n    spotInterruptions:\n      - {at: 5m, instanceType: m5.large}\n"),
                    "cluster-autoscaler");
  REQUIRE(r.launches.size() == 1);
  // Reclaimed at 7:00 (2-minute notice); the ASG launches the replacement at once (the loop at
  // 7:00 runs after the cloud's reclaim in the same instant).
  CHECK(r.launches[0].at == at(7, 0));
  CHECK(r.launches[0].capacity_type == "spot");
  CHECK(r.summary.final_nodes == 1);
  CHECK(decisions(r, "scale-up").empty());
}

// The price expander is hypothetical on AWS: the decision log says so before anything else.
TEST_CASE("sim ca: the price expander is marked hypothetical in the decision log", "[sim][ca]") {
  auto r = run_text(ca_doc("2m", "[us-east-1a]",
                           "  clusterAutoscaler: {expander: price}\n"
                           "  nodeGroups:\n"
                           "    - {name: m5-large, instanceType: m5.large, minSize: 0, maxSize: 20}\n"
                           "    - {name: m5-4xlarge, instanceType: m5.4xlarge, minSize: 0, maxSize: 20}\n") +
                        deployment("web", 4, "500m", "1Gi"),
                    "cluster-autoscaler");
  REQUIRE(!r.decisions.empty());
  CHECK(r.decisions[0].kind == "config");
  CHECK(r.decisions[0].reason == "hypothetical-price-expander");
  CHECK(contains(r.decisions[0].message, "Cluster Autoscaler refuses it"));
  auto up = decisions(r, "scale-up");
  REQUIRE(!up.empty());
  // The preferred node for a 0-node cluster has 1 CPU: the 2-vCPU m5.large is far closer than 16.
  CHECK(up[0]->node_pool == "m5-large");
  CHECK(up[0]->reason == "price");
}

// Same inputs, same bytes: two runs give identical decisions.
TEST_CASE("sim ca: deterministic", "[sim][ca]") {
  const std::string yaml = ca_doc("20m", "[us-east-1a, us-east-1b]",
                                  "  clusterAutoscaler: {expander: random}\n"
                                  "  nodeGroups:\n"
                                  "    - {name: a, instanceType: m5.large, minSize: 0, maxSize: 20}\n"
                                  "    - {name: b, instanceType: c5.large, minSize: 0, maxSize: 20}\n"
                                  "  timeline:\n    - {at: 5m, scale: {kind: Deployment, name: web, replicas: 2}}\n") +
                           deployment("web", 12, "300m", "512Mi");
  auto r1 = run_text(yaml, "cluster-autoscaler");
  auto r2 = run_text(yaml, "cluster-autoscaler");
  REQUIRE(r1.decisions.size() == r2.decisions.size());
  for (std::size_t i = 0; i < r1.decisions.size(); ++i) CHECK(r1.decisions[i].message == r2.decisions[i].message);
  CHECK(r1.log == r2.log);
}

// With a built-in fake catalog (spec.instanceCatalog) the node groups use its types, as the sim's
// nodes do; the cloud template then takes the type's capacity.
TEST_CASE("sim ca: node groups of a fake instance catalog", "[sim][ca]") {
  auto r = run_text("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n"
                    "  instanceCatalog: karpenter-fake\n  zones: [test-zone-1]\n  duration: 3m\n"
                    "  autoscalers: [cluster-autoscaler]\n"
                    "  nodeGroups:\n    - {name: ng, instanceType: default-instance-type, minSize: 0, maxSize: 5}\n"
                    "---\n" +
                        deployment("web", 3, "1", "1Gi"),
                    "cluster-autoscaler");
  REQUIRE(!r.launches.empty());
  CHECK(r.launches[0].instance_type == "default-instance-type");
  CHECK(r.launches[0].zone == "test-zone-1");
  CHECK(r.summary.pods_pending_at_end == 0);
}
