// Karpenter end to end through the simulator, with concrete instance types, prices and times.
// Defaults (CloudSettings): CreateFleet 2 s, registration 30 s, initialization 10 s, termination 5 s.
#include <catch2/catch.hpp>

#include <algorithm>

#include "capsim/core/money.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {

const std::string k_m5_pool_od =
    node_pool_v1("default",
                 "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large, m5.xlarge]}, "
                 "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                 "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");

std::vector<const sim::Decision*> decisions_of(const sim::AutoscalerResult& r, const std::string& kind) {
  std::vector<const sim::Decision*> out;
  for (const auto& d : r.decisions)
    if (d.kind == kind) out.push_back(&d);
  return out;
}

std::vector<const sim::Decision*> claims_of(const sim::AutoscalerResult& r) {
  std::vector<const sim::Decision*> out;
  for (const auto& d : r.decisions)
    if (d.kind == "provision" && !d.node_pool.empty()) out.push_back(&d);
  return out;
}

}  // namespace

// provisioning/batcher.go: the batch closes 1 s after the last new pod (idle).
TEST_CASE("karpenter: a burst of pods is provisioned after the 1 s idle window", "[sim][karpenter]") {
  auto r = run_text(scenario_doc("v1.14", "2m") + k_m5_pool_od + deployment("web", 3, "500m", "512Mi"));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].at.ms == 1000);           // NodeClaim created when the batch closes
  CHECK(r.launches[0].launched_at.ms == 3000);  // + CreateFleet 2 s
  // 3 x 500m fits m5.large (1930m allocatable), the cheaper of the two ($0.096 vs $0.192).
  CHECK(r.launches[0].instance_type == "m5.large");
  CHECK(r.launches[0].capacity_type == "on-demand");
  CHECK(r.launches[0].price_per_hour == Money::from_usd(0.096));
  // Bound when the node is initialized: 1 + 2 + 30 + 10 = 43 s.
  CHECK(r.summary.pod_pending_max_s == Approx(43.0));
  CHECK(r.summary.pods_pending_at_end == 0);
}

// batcher.go: new pods keep resetting the idle timer; the batch still closes 10 s after it opened.
TEST_CASE("karpenter: steady arrivals are cut by the 10 s maximum batch window", "[sim][karpenter]") {
  std::string timeline = "  timeline:\n";
  for (int i = 1; i <= 24; ++i)
    timeline += "    - {at: " + std::to_string(500 * i) + "ms, scale: {kind: Deployment, name: web, replicas: " +
                std::to_string(i + 1) + "}}\n";
  auto r = run_text(scenario_doc("v1.14", "2m", timeline) + k_m5_pool_od + deployment("web", 1, "100m", "128Mi"));
  auto claims = claims_of(r);
  REQUIRE(!claims.empty());
  CHECK(claims[0]->at.ms == 10'000);
  // Pods created at 0, 0.5, ..., 10 s: the solve lists every provisionable pod, and the one created
  // at the closing instant was marked unschedulable by kube-scheduler before the batch closed.
  CHECK(claims[0]->pods.size() == 21);
}

// state/cluster.go Synced: no provisioning while a NodeClaim has no provider id; the batch is
// dropped and the pods' 10 s requeue (provisioning/controller.go) triggers the next one.
TEST_CASE("karpenter: no provisioning while a NodeClaim is still launching (synced gate)", "[sim][karpenter]") {
  std::string cloud = "  cloud: {launchLatency: 5s}\n  timeline:\n    - {at: 1500ms, scale: {kind: Deployment, name: web, replicas: 2}}\n";
  auto r = run_text(scenario_doc("v1.14", "2m", cloud) + k_m5_pool_od + deployment("web", 1, "1500m", "512Mi"));
  auto claims = claims_of(r);
  REQUIRE(claims.size() == 2);
  CHECK(claims[0]->at.ms == 1000);
  // The second pod's batch closes at 2.5 s while the first NodeClaim launches until 6 s: dropped.
  auto waits = decisions_of(r, "wait");
  REQUIRE(waits.size() == 1);
  CHECK(waits[0]->at.ms == 2500);
  // Requeue at 10 s, batch closes at 11 s: the first pod goes to the in-flight node, the second
  // needs a new NodeClaim.
  CHECK(claims[1]->at.ms == 11'000);
  CHECK(claims[1]->pods.size() == 1);
  CHECK(r.launches.size() == 2);
}

// scheduling/scheduler.go buildDaemonOverheadGroups: DaemonSet requests count against each type.
TEST_CASE("karpenter: daemonset overhead pushes a pod to the larger type", "[sim][karpenter]") {
  const std::string ds =
      "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n"
      "      tolerations: [{operator: Exists}]\n      containers:\n        - name: a\n"
      "          resources: {requests: {cpu: 200m}}\n---\n";
  // 1750m fits m5.large's 1930m, but not 1930m - 200m.
  auto without = run_text(scenario_doc("v1.14", "2m") + k_m5_pool_od + deployment("web", 1, "1750m", "512Mi"));
  auto with = run_text(scenario_doc("v1.14", "2m") + k_m5_pool_od + ds + deployment("web", 1, "1750m", "512Mi"));
  REQUIRE(without.launches.size() == 1);
  REQUIRE(with.launches.size() == 1);
  CHECK(without.launches[0].instance_type == "m5.large");
  CHECK(with.launches[0].instance_type == "m5.xlarge");
  CHECK(with.summary.pods_pending_at_end == 0);
}

// scheduler.go filterByRemainingResources + subtractMax: limits use capacity, pessimistically.
TEST_CASE("karpenter: nodepool cpu limit stops further nodeclaims", "[sim][karpenter]") {
  const std::string pool = node_pool_v1(
      "default",
      "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large, m5.xlarge]}, "
      "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
      "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}", "  limits: {cpu: 4}\n");
  auto r = run_text(scenario_doc("v1.14", "2m") + pool + deployment("web", 6, "1", "256Mi"));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].instance_type == "m5.xlarge");  // 3 x 1 CPU need 3920m
  CHECK(r.summary.pods_pending_at_end == 3);
  auto unsched = decisions_of(r, "unschedulable");
  REQUIRE(!unsched.empty());
  CHECK(unsched[0]->pods.size() == 3);
  CHECK_THAT(unsched[0]->message, Catch::Contains("all available instance types exceed limits for nodepool"));
}

// pkg/utils/nodepool/nodepool.go OrderByWeight: the heavier NodePool wins even when pricier.
TEST_CASE("karpenter: the heavier nodepool is used first", "[sim][karpenter]") {
  const std::string heavy = node_pool_v1("heavy",
                                         "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.xlarge]}, "
                                         "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                                         "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}", "  weight: 10\n");
  const std::string light = node_pool_v1("light",
                                         "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
                                         "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                                         "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
  auto r = run_text(scenario_doc("v1.14", "2m") + light + heavy + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].node_pool == "heavy");
  CHECK(r.launches[0].instance_type == "m5.xlarge");
}

// v1 has no capacity-type default: a NodePool that does not restrict it launches spot
// (aws instance.go getCapacityType), in the zone with the cheapest spot price.
TEST_CASE("karpenter v1: a nodepool without a capacity-type requirement launches spot", "[sim][karpenter]") {
  const std::string pool = node_pool_v1("default",
                                        "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}]",
                                        "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
  auto r = run_text(scenario_doc("v1.14", "2m") + pool + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].capacity_type == "spot");
  auto cat = catalog::Catalog::embedded();
  auto a = *cat->spot_price("us-east-1", "us-east-1a", "m5.large");
  auto b = *cat->spot_price("us-east-1", "us-east-1b", "m5.large");
  CHECK(r.launches[0].zone == (a <= b ? "us-east-1a" : "us-east-1b"));
  CHECK(r.launches[0].price_per_hour == std::min(a, b));
}

// v0.29 webhook defaults (aws v0.29 pkg/apis/v1alpha5/provisioner_defaults.go): a Provisioner
// without requirements gets on-demand, linux, amd64, categories c/m/r, generation > 2.
TEST_CASE("karpenter v0.29: provisioner webhook defaults restrict the launch", "[sim][karpenter]") {
  const std::string prov =
      "apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata: {name: default}\nspec:\n"
      "  providerRef: {name: default}\n  ttlSecondsAfterEmpty: 30\n---\n"
      "apiVersion: karpenter.k8s.aws/v1alpha1\nkind: AWSNodeTemplate\nmetadata: {name: default}\nspec: {}\n---\n";
  auto r = run_text(scenario_doc("v0.29", "2m") + prov + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.launches.size() == 1);
  const auto& l = r.launches[0];
  CHECK(l.capacity_type == "on-demand");
  const auto* info = catalog::Catalog::embedded()->find(l.instance_type);
  REQUIRE(info != nullptr);
  CHECK((info->category == "c" || info->category == "m" || info->category == "r"));
  CHECK(info->generation > 2);
  CHECK(info->arch == "amd64");
  // The cheapest such type in us-east-1 that fits 500m / 512Mi after AL2 overhead.
  CHECK(l.instance_type == "c7a.medium");
}

// v1 Emptiness (disruption/emptiness.go): Consolidatable 30 s after the last pod event
// (nodeclaim/disruption/consolidation.go), found at the next 10 s poll, deleted after the 15 s
// validation (disruption/validation.go).
TEST_CASE("karpenter v1: an empty node is removed after consolidateAfter, the poll and validation", "[sim][karpenter]") {
  std::string tl = "  timeline:\n    - {at: 5m, delete: {kind: Deployment, name: web}}\n";
  auto r = run_text(scenario_doc("v1.14", "10m", tl) + k_m5_pool_od + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].at.ms == 345'000);  // 300 + 30 = 330 (a poll instant) + 15
  CHECK(r.terminations[0].terminated_at.ms == 350'000);
  CHECK(r.terminations[0].reason == "empty");

  const std::string pool45 = node_pool_v1(
      "default",
      "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
      "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
      "{consolidationPolicy: WhenEmpty, consolidateAfter: 45s}");
  auto r45 = run_text(scenario_doc("v1.14", "10m", tl) + pool45 + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r45.terminations.size() == 1);
  CHECK(r45.terminations[0].at.ms == 365'000);  // consolidatable at 345, next poll 350, + 15
}

// A timeline delete of a bare Pod deletes that pod (kubectl delete pod: the API server marks it and
// the kubelet stops it within terminationGracePeriodSeconds, here 0), so its node empties and is
// removed exactly as after the Deployment's delete above.
TEST_CASE("a timeline delete of a bare Pod removes the pod", "[sim][karpenter]") {
  std::string tl = "  timeline:\n    - {at: 5m, delete: {kind: Pod, name: solo}}\n";
  const std::string pod =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec:\n  terminationGracePeriodSeconds: 0\n"
      "  containers: [{name: c, resources: {requests: {cpu: 500m, memory: 512Mi}}}]\n";
  auto r = run_text(scenario_doc("v1.14", "10m", tl) + k_m5_pool_od + pod);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].at.ms == 345'000);
  CHECK(r.terminations[0].reason == "empty");
}

// v1alpha5 ttlSecondsAfterEmpty (v0.29 deprovisioning/emptiness.go): no validation, no budget.
TEST_CASE("karpenter v0.29: ttlSecondsAfterEmpty removes the node at the first poll after the ttl", "[sim][karpenter]") {
  const std::string prov =
      "apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata: {name: default}\nspec:\n"
      "  requirements: [{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}]\n"
      "  providerRef: {name: default}\n  ttlSecondsAfterEmpty: 35\n---\n"
      "apiVersion: karpenter.k8s.aws/v1alpha1\nkind: AWSNodeTemplate\nmetadata: {name: default}\nspec: {}\n---\n";
  std::string tl = "  timeline:\n    - {at: 5m, delete: {kind: Deployment, name: web}}\n";
  auto r = run_text(scenario_doc("v0.29", "10m", tl) + prov + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].at.ms == 340'000);  // empty at 300, ttl 35 s -> 335, next poll 340
  CHECK(r.terminations[0].reason == "ttlSecondsAfterEmpty");
}

// Budgets (disruption/helpers.go BuildDisruptionBudgetMapping): nodes: "1" lets one empty node go
// at a time; the next waits until the previous one is gone.
TEST_CASE("karpenter v1: a budget of one node serialises emptiness", "[sim][karpenter]") {
  const std::string pool = node_pool_v1(
      "default",
      "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
      "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
      "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s, budgets: [{nodes: \"1\"}]}");
  std::string tl = "  timeline:\n    - {at: 5m, delete: {kind: Deployment, name: web}}\n";
  auto r = run_text(scenario_doc("v1.14", "15m", tl) + pool + deployment("web", 3, "1500m", "512Mi"));
  REQUIRE(r.launches.size() == 3);
  REQUIRE(r.terminations.size() == 3);
  // 330 poll -> validated 345; the node terminates at 350 and counts as disrupting until then;
  // poll 355 -> 370; terminates 375; poll 380 -> 395.
  CHECK(r.terminations[0].at.ms == 345'000);
  CHECK(r.terminations[1].at.ms == 370'000);
  CHECK(r.terminations[2].at.ms == 395'000);
}

// nodeclaim/expiration/controller.go: forceful at exactly creation + expireAfter; the evicted
// pod is recreated by its Deployment and provisioned again.
TEST_CASE("karpenter v1: expireAfter deletes the node at its exact expiry and the pod moves", "[sim][karpenter]") {
  const std::string pool = node_pool_v1(
      "default",
      "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
      "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
      "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
  std::string with_expiry = pool;
  with_expiry.replace(with_expiry.find("      nodeClassRef"), 0, "      expireAfter: 10m\n");
  auto r = run_text(scenario_doc("v1.14", "15m") + with_expiry + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.terminations.size() >= 1);
  CHECK(r.terminations[0].at.ms == 601'000);  // NodeClaim created at 1 s
  CHECK(r.terminations[0].reason == "expired");
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[1].at.ms == 602'000);  // the recreated pod's batch (1 s idle)
  CHECK(r.summary.pods_created == 2);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// Per-second billing with a 60 s minimum at the node's offering price.
TEST_CASE("sim: cost is per-second billing of every instance with a 60 s minimum", "[sim][karpenter]") {
  std::string tl = "  timeline:\n    - {at: 5m, delete: {kind: Deployment, name: web}}\n";
  auto r = run_text(scenario_doc("v1.14", "10m", tl) + k_m5_pool_od + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.launches.size() == 1);
  REQUIRE(r.terminations.size() == 1);
  // m5.large from 3 s to 350 s = 347 s at $0.096/h.
  CHECK(r.summary.cost == billed_cost(Money::from_usd(0.096), Duration::seconds(347)));
  CHECK(r.summary.cost.nano_usd == 9'253'333);
  CHECK(r.summary.node_hours == Approx(347.0 / 3600.0));
}

// aws getCapacityType (instance.go): spot when allowed and any option has a spot offering. The
// catalog has no spot price for c8i (../shared/data: no zonal spot prices for the newest
// generation), so a spot-and-on-demand NodePool over c8i launches on-demand, and says why.
TEST_CASE("a launch that could not use spot says why", "[sim][karpenter]") {
  const auto pool = [](const std::string& family) {
    return node_pool_v1("default",
                        "[{key: karpenter.k8s.aws/instance-family, operator: In, values: [" + family +
                            "]}, {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}]",
                        "{consolidationPolicy: WhenEmpty, consolidateAfter: 1m}");
  };
  auto c8i = run_text(scenario_doc("v1.14", "5m") + pool("c8i") + deployment("web", 2, "1", "1Gi"));
  REQUIRE(c8i.launches.size() == 1);
  CHECK(c8i.launches[0].capacity_type == "on-demand");
  CHECK(c8i.launches[0].capacity_note == "no spot offering: no spot price for c8i in us-east-1");
  auto m5 = run_text(scenario_doc("v1.14", "5m") + pool("m5") + deployment("web", 2, "1", "1Gi"));
  REQUIRE(m5.launches.size() == 1);
  CHECK(m5.launches[0].capacity_type == "spot");
  CHECK(m5.launches[0].capacity_note.empty());
}
