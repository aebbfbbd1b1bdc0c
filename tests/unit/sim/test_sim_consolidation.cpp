// Karpenter consolidation end to end (disruption/consolidation.go, multinodeconsolidation.go,
// singlenodeconsolidation.go, validation.go, queue.go) on us-east-1 on-demand m5 prices:
// m5.large $0.096 (1930m), m5.xlarge $0.192 (3920m), m5.2xlarge $0.384 (7910m).
#include <catch2/catch.hpp>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {

std::string pool(const std::string& types, const std::string& disruption = "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 30s}",
                 const std::string& capacity = "[on-demand]") {
  return node_pool_v1("default",
                      "[{key: node.kubernetes.io/instance-type, operator: In, values: " + types +
                          "}, {key: karpenter.sh/capacity-type, operator: In, values: " + capacity + "}]",
                      disruption);
}

std::string at(const std::string& t, const std::string& what) { return "    - {at: " + t + ", " + what + "}\n"; }

}  // namespace

// Single-node consolidation REPLACE: one m5.2xlarge ($0.384) left with a 1-CPU pod is replaced by
// the cheapest type whose worst launch price is below $0.384 (m5.large), the replacement is
// launched first and the old node deleted once the replacement is initialized.
TEST_CASE("karpenter v1: single-node consolidation replaces an oversized node with a cheaper one", "[sim][consolidation]") {
  std::string tl = "  timeline:\n" + at("5m", "scale: {kind: Deployment, name: web, replicas: 1}");
  auto r = run_text(scenario_doc("v1.14", "15m", tl) + pool("[m5.large, m5.xlarge, m5.2xlarge]") +
                    deployment("web", 6, "1", "256Mi"));
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[0].instance_type == "m5.2xlarge");
  // Pods deleted at 300 s; Consolidatable at 330 s (a poll); validated at 345 s.
  CHECK(r.launches[1].at.ms == 345'000);
  CHECK(r.launches[1].instance_type == "m5.large");
  CHECK(r.launches[1].reason == "replacement for underutilized command");
  REQUIRE(r.terminations.size() == 1);
  // Replacement: launched 347, registered 377, initialized 387 -> the candidate is deleted.
  CHECK(r.terminations[0].at.ms == 387'000);
  CHECK(r.terminations[0].instance_type == "m5.2xlarge");
  CHECK(r.terminations[0].reason == "underutilized");
  CHECK(r.summary.pods_pending_at_end == 0);
  CHECK(r.summary.final_nodes == 1);
}

// Single-node consolidation DELETE (consolidation_test.go "can delete nodes"): the pod of the
// node with fewer pods fits on the other node. Multi-node consolidation of both is refused by
// filterOutSameInstanceType (one m5.xlarge for two m5.xlarge).
TEST_CASE("karpenter v1: single-node consolidation deletes a node whose pods fit elsewhere", "[sim][consolidation]") {
  std::string tl = "  timeline:\n" + at("5m", "scale: {kind: Deployment, name: web, replicas: 3}");
  auto r = run_text(scenario_doc("v1.14", "15m", tl) + pool("[m5.xlarge]") + deployment("web", 6, "1", "256Mi"));
  REQUIRE(r.launches.size() == 2);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].at.ms == 345'000);  // DELETE needs no replacement
  CHECK(r.terminations[0].reason == "underutilized");
  CHECK(r.summary.final_nodes == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// consolidation_test.go "can delete nodes, considers PDB": a PDB allowing no disruption keeps the
// node's pods where they are.
TEST_CASE("karpenter v1: a PDB with no disruptions allowed blocks consolidation", "[sim][consolidation]") {
  std::string tl = "  timeline:\n" + at("5m", "scale: {kind: Deployment, name: web, replicas: 3}");
  const std::string pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n"
                          "  maxUnavailable: 0\n  selector: {matchLabels: {app: web}}\n---\n";
  auto r = run_text(scenario_doc("v1.14", "15m", tl) + pool("[m5.xlarge]") + pdb + deployment("web", 6, "1", "256Mi"));
  CHECK(r.launches.size() == 2);
  CHECK(r.terminations.empty());
}

// Multi-node consolidation (consolidation_test.go "can merge 3 nodes into 1", budget 100% as in
// the upstream suite): three m5.2xlarge each left with a 500m pod are replaced by one m5.large;
// the binary search keeps the largest valid prefix (all three).
TEST_CASE("karpenter v1: multi-node consolidation merges three nodes into one", "[sim][consolidation]") {
  std::string tl = "  timeline:\n" + at("5m", "delete: {kind: Deployment, name: big}");
  auto r = run_text(scenario_doc("v1.14", "15m", tl) +
                    pool("[m5.large, m5.xlarge, m5.2xlarge]",
                         "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 30s, budgets: [{nodes: \"100%\"}]}") +
                    deployment("big", 3, "4", "256Mi") + deployment("small", 3, "500m", "256Mi"));
  REQUIRE(r.launches.size() == 4);
  for (int i = 0; i < 3; ++i) CHECK(r.launches[static_cast<std::size_t>(i)].instance_type == "m5.2xlarge");
  CHECK(r.launches[3].at.ms == 345'000);
  CHECK(r.launches[3].instance_type == "m5.large");
  REQUIRE(r.terminations.size() == 3);
  for (const auto& t : r.terminations) {
    CHECK(t.at.ms == 387'000);
    CHECK(t.reason == "underutilized");
  }
  CHECK(r.summary.final_nodes == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// consolidation_test.go "cannot replace spot with spot if the spotToSpotConsolidation is
// disabled": a spot node can only be deleted, never replaced, while the gate is off.
TEST_CASE("karpenter v1: spot nodes are not replaced while SpotToSpotConsolidation is off", "[sim][consolidation]") {
  std::string tl = "  timeline:\n" + at("5m", "scale: {kind: Deployment, name: web, replicas: 1}");
  auto r = run_text(scenario_doc("v1.14", "15m", tl) +
                    pool("[m5.large, m5.xlarge, m5.2xlarge]", "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 30s}",
                         "[spot]") +
                    deployment("web", 6, "1", "256Mi"));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].capacity_type == "spot");
  CHECK(r.terminations.empty());
}

// WhenEmpty NodePools are never consolidated while they still run pods.
TEST_CASE("karpenter v1: WhenEmpty does not consolidate underutilized nodes", "[sim][consolidation]") {
  std::string tl = "  timeline:\n" + at("5m", "scale: {kind: Deployment, name: web, replicas: 1}");
  auto r = run_text(scenario_doc("v1.14", "15m", tl) +
                    pool("[m5.large, m5.xlarge, m5.2xlarge]", "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}") +
                    deployment("web", 6, "1", "256Mi"));
  CHECK(r.launches.size() == 1);
  CHECK(r.terminations.empty());
}

// Budgets with a schedule (nodepool.go Budget.IsActive): "0 9 * * *" for 8h with nodes: 0 blocks
// every disruption from 09:00 to 17:00 UTC. The scenario starts at 08:55; the node empties at
// 09:00 and is removed at the first poll after 17:00 plus the 15 s validation.
TEST_CASE("karpenter v1: a scheduled zero budget blocks emptiness during its window", "[sim][consolidation]") {
  std::string extra = "  startTime: \"2026-01-05T08:55:00Z\"\n  timeline:\n" + at("5m", "delete: {kind: Deployment, name: web}");
  auto r = run_text(scenario_doc("v1.14", "10h", extra) +
                    pool("[m5.large]",
                         "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s, budgets: [{nodes: \"0\", schedule: \"0 9 * * *\", duration: 8h}]}") +
                    deployment("web", 1, "500m", "256Mi"));
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].at.ms == (8 * 3600 + 5 * 60 + 15) * 1000);
}

// With the default budget (10 % of 3 nodes = 1) multi-node consolidation has a single eligible
// candidate and does nothing; single-node consolidation removes one node per pass instead.
TEST_CASE("karpenter v1: the default 10% budget leaves merging to single-node consolidation", "[sim][consolidation]") {
  std::string tl = "  timeline:\n" + at("5m", "delete: {kind: Deployment, name: big}");
  auto r = run_text(scenario_doc("v1.14", "15m", tl) + pool("[m5.large, m5.xlarge, m5.2xlarge]") +
                    deployment("big", 3, "4", "256Mi") + deployment("small", 3, "500m", "256Mi"));
  // 345: delete one (its pod fits elsewhere); the next candidate waits for the budget (the first
  // node terminates at 350). At 370 the node that received the moved pod (bound 350) is still
  // inside its consolidateAfter window, so the remaining single-pod node cannot move its pod there
  // (scheduler.go destination rule, v1.14) and is replaced by an m5.large instead. kube-scheduler
  // then binds the evicted pod to the bigger node (LeastAllocated), the m5.large stays empty and
  // Emptiness removes it: four terminations, one node left.
  REQUIRE(r.terminations.size() == 4);
  CHECK(r.terminations[0].at.ms == 345'000);
  CHECK(r.terminations[0].reason == "underutilized");
  CHECK(r.summary.final_nodes == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// disruption/types.go ValidateNodeDisruptable: a node annotated karpenter.sh/do-not-disrupt
// (here from the NodePool template's annotations) is never a candidate.
TEST_CASE("karpenter v1: a do-not-disrupt node annotation blocks consolidation", "[sim][consolidation]") {
  std::string tl = "  timeline:\n" + at("5m", "scale: {kind: Deployment, name: web, replicas: 1}");
  std::string p = pool("[m5.large, m5.xlarge, m5.2xlarge]");
  p.replace(p.find("    spec:\n      requirements"), 0, "    metadata:\n      annotations: {karpenter.sh/do-not-disrupt: \"true\"}\n");
  auto r = run_text(scenario_doc("v1.14", "15m", tl) + p + deployment("web", 6, "1", "256Mi"));
  CHECK(r.launches.size() == 1);
  CHECK(r.terminations.empty());
}

// Passes that find nothing are skipped until something could change (Karpenter::quiet_until), and
// the skip must not delay a decision: time alone ends a consolidateAfter window (17 minutes after
// the pods left at 300 s) and a do-not-disrupt duration (20 minutes after the pod bound), and the
// node is consolidated at the first 10 s poll after, as when every pass ran.
TEST_CASE("karpenter v1: quiet passes do not delay consolidation when a window or do-not-disrupt ends", "[sim][consolidation]") {
  std::string tl = "  timeline:\n" + at("5m", "scale: {kind: Deployment, name: web, replicas: 1}");
  auto r = run_text(scenario_doc("v1.14", "40m", tl) +
                    pool("[m5.large, m5.xlarge, m5.2xlarge]", "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 17m}") +
                    deployment("web", 6, "1", "256Mi"));
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[1].at.ms == 1'335'000);  // Consolidatable at 1,320 s (300 + 1,020), validated 15 s later
  std::string dnd = deployment("web", 6, "1", "256Mi");
  dnd.replace(dnd.find("metadata: {labels: {app: web}}"), 30,
              "metadata: {labels: {app: web}, annotations: {karpenter.sh/do-not-disrupt: \"20m\"}}");
  r = run_text(scenario_doc("v1.14", "40m", tl) + pool("[m5.large, m5.xlarge, m5.2xlarge]") + dnd);
  REQUIRE(r.launches.size() == 2);
  // The pod bound when its node initialized (41 s): do-not-disrupt until 1,241 s, so the 1,250 s
  // poll finds the node, validated 15 s later. Both runs' JSON is byte-identical to a build
  // without the skip.
  CHECK(r.launches[1].at.ms == 1'265'000);
}
