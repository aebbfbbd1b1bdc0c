// Draining a node that is being deleted (Karpenter's termination controller through the eviction
// API): PDBs hold evictions back, retried every 5 s; terminationGracePeriod forces the rest.
#include <catch2/catch.hpp>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {
std::string expiring_pool(const std::string& extra_template = "") {
  std::string p = node_pool_v1("default",
                               "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
                               "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                               "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
  p.replace(p.find("      nodeClassRef"), 0, "      expireAfter: 10m\n" + extra_template);
  return p;
}
const std::string k_pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n"
                          "  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n---\n";
}  // namespace

TEST_CASE("drain: a PDB lets one pod go at a time; the node waits for the replacement", "[sim][drain]") {
  auto r = run_text(scenario_doc("v1.14", "20m") + expiring_pool() + k_pdb + deployment("web", 2, "500m", "512Mi"));
  REQUIRE(r.terminations.size() >= 1);
  const auto& t = r.terminations[0];
  CHECK(t.at.ms == 601'000);  // expired: NodeClaim created at 1 s + 10m
  // The first pod is evicted at 601 s; its replacement runs on a new node (batch 602, CreateFleet
  // 604, registered 634, initialized 644). The second eviction is retried every 5 s from 601 s and
  // allowed at 646 s; the instance is terminated 5 s later.
  CHECK(t.terminated_at.ms == 651'000);
  CHECK(r.summary.pods_pending_at_end == 0);
}

TEST_CASE("drain: without a PDB every pod is evicted at once", "[sim][drain]") {
  auto r = run_text(scenario_doc("v1.14", "20m") + expiring_pool() + deployment("web", 2, "500m", "512Mi"));
  REQUIRE(r.terminations.size() >= 1);
  CHECK(r.terminations[0].terminated_at.ms == 606'000);
}

TEST_CASE("drain: terminationGracePeriod deletes pods a PDB still protects", "[sim][drain]") {
  const std::string pdb_all = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n"
                              "  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n---\n";
  auto r = run_text(scenario_doc("v1.14", "20m") + expiring_pool("      terminationGracePeriod: 2m\n") + pdb_all +
                    deployment("web", 2, "500m", "512Mi"));
  REQUIRE(r.terminations.size() >= 1);
  // minAvailable 2 of 2 never allows an eviction; at 601 + 120 s the pods are deleted (the retry
  // at 721 s is the first at or after the deadline), then 5 s to terminate.
  CHECK(r.terminations[0].terminated_at.ms == 726'000);
}

// ---------------------------------------------------------------------------------------------
// Graceful termination: a deleted or evicted pod keeps running, holding its requests, for its
// terminationGracePeriodSeconds (the kubelet's SIGTERM .. SIGKILL window; capsim takes all of it).

namespace {
// deployment() writes terminationGracePeriodSeconds: 0; these tests give their own.
std::string with_grace(std::string manifest, int seconds) {
  const std::string zero = "terminationGracePeriodSeconds: 0";
  manifest.replace(manifest.find(zero), zero.size(), "terminationGracePeriodSeconds: " + std::to_string(seconds));
  return manifest;
}
}  // namespace

TEST_CASE("drain: evicted pods terminate for their grace period before the instance goes", "[sim][drain]") {
  auto r = run_text(scenario_doc("v1.14", "20m") + expiring_pool() + with_grace(deployment("web", 2, "500m", "512Mi"), 20));
  REQUIRE(r.terminations.size() >= 1);
  // Both pods are evicted at 601 s and terminate until 621 s; the drain, polled every 5 s, sees
  // the node empty at 621 s, and the instance is gone 5 s later (against 606 s with grace 0).
  CHECK(r.terminations[0].terminated_at.ms == 626'000);
  // The ReplicaSet replaced them at once: the replacement NodeClaim is made at 602 s, while the
  // evicted pods still run.
  REQUIRE(r.launches.size() >= 2);
  CHECK(r.launches[1].at.ms == 602'000);
  CHECK(r.summary.pods_pending_at_end == 0);
}

TEST_CASE("drain: a StatefulSet recreates its pod only once the old one is gone", "[sim][drain]") {
  const std::string sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  replicas: 1\n"
                          "  template:\n    metadata: {labels: {app: db}}\n    spec:\n"
                          "      terminationGracePeriodSeconds: 20\n      containers:\n        - name: c\n"
                          "          resources: {requests: {cpu: 500m, memory: 512Mi}}\n---\n";
  auto r = run_text(scenario_doc("v1.14", "20m") + expiring_pool() + sts);
  REQUIRE(r.launches.size() >= 2);
  // Evicted at 601 s, gone at 621 s; the new pod is created then and its NodeClaim follows at 622 s
  // (karpenter's IsReschedulable keeps a terminating StatefulSet pod to be placed meanwhile).
  CHECK(r.launches[1].at.ms == 622'000);
  CHECK(r.summary.pods_pending_at_end == 0);
}

TEST_CASE("a deleted pod holds its requests on the node for its grace period", "[sim][drain]") {
  // One m5.large (1930m allocatable): `old` fills it with 3 x 600m; at 1m it is scaled to 0 and
  // `new` to 3. The new pods bind only when the old ones are gone: 45 s later.
  const std::string doc = "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n"
                          "  region: us-east-1\n  zones: [us-east-1a]\n  duration: 5m\n  autoscalers: [static]\n"
                          "  nodeGroups: [{name: base, instanceType: m5.large, count: 1}]\n"
                          "  timeline:\n    - {at: 1m, scale: {kind: Deployment, name: old, replicas: 0}}\n"
                          "    - {at: 1m, scale: {kind: Deployment, name: new, replicas: 3}}\n---\n";
  auto r = run_text(doc + with_grace(deployment("old", 3, "600m", "256Mi"), 45) + deployment("new", 0, "600m", "256Mi"),
                    "static");
  CHECK(r.summary.pod_pending_max_s == 45.0);
  CHECK(r.summary.pods_pending_at_end == 0);
  auto instant = run_text(doc + deployment("old", 3, "600m", "256Mi") + deployment("new", 0, "600m", "256Mi"), "static");
  CHECK(instant.summary.pod_pending_max_s == 0.0);
}
