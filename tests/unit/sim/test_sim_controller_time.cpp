// Karpenter under the controller-time model (spec.controllerTime): each disruption pass and each
// provisioning solve costs simulated time, decided on the state at its start and applied at its
// end; the single-node (3 min) and multi-node (1 min) timeouts fire as upstream's do in large
// clusters (karpenter core pkg/controllers/disruption/singlenodeconsolidation.go,
// multinodeconsolidation.go, controller.go). The coefficients are set so that each scheduling
// simulation costs a round number of seconds and nothing else costs anything.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {

// spec.controllerTime for Karpenter: every scheduling simulation costs `seconds`.
std::string sim_seconds(int seconds) {
  return "  controllerTime:\n    karpenter: {simulationMs: " + std::to_string(seconds * 1000) +
         ", simulationPerNodeMs: 0, simulationPerPodMs: 0, listPerNodeMs: 0}\n";
}

const std::string k_disruption = "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 30s, budgets: [{nodes: \"100%\"}]}";

std::string pool(const std::string& name, const std::string& types) {
  return node_pool_v1(name,
                      "[{key: node.kubernetes.io/instance-type, operator: In, values: " + types +
                          "}, {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                      k_disruption);
}

std::string on_pool(const std::string& pool) { return "      nodeSelector: {karpenter.sh/nodepool: " + pool + "}\n"; }

std::vector<const sim::Decision*> decisions(const sim::AutoscalerResult& r, const std::string& reason) {
  std::vector<const sim::Decision*> out;
  for (const auto& d : r.decisions)
    if (d.reason == reason) out.push_back(&d);
  return out;
}

}  // namespace

// A pass is decided at its start and acts at its end: the provisioning solve (1 s batch window +
// a 2 s simulation) launches at 3 s. The node's first consolidation pass (80 s, 6 pods: a no-op)
// takes 2 s, so the polls after it fall at 92 s, 102 s, ... (10 s after each pass's end). The
// pass at 332 s (instant: 330 s) simulates the candidate (2 s), waits the 15 s validation from
// 334 s, simulates again (2 s) and starts the command at 351 s (instant: 345 s,
// test_sim_consolidation.cpp).
TEST_CASE("controller time: a pass acts at its end, the validation's 15 s counted from it", "[sim][controller-time]") {
  const std::string tl = "  timeline:\n    - {at: 5m, scale: {kind: Deployment, name: web, replicas: 1}}\n";
  const std::string pools = node_pool_v1("default",
                                         "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large, m5.xlarge, "
                                         "m5.2xlarge]}, {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                                         "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 30s}");
  auto r = run_text(scenario_doc("v1.14", "15m", tl + sim_seconds(2)) + pools + deployment("web", 6, "1", "256Mi"));
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[0].at.ms == 3'000);
  CHECK(r.launches[0].instance_type == "m5.2xlarge");
  auto unconsolidatable = decisions(r, "unconsolidatable");
  REQUIRE(!unconsolidatable.empty());
  CHECK(unconsolidatable[0]->at.ms == 82'000);
  CHECK(r.launches[1].at.ms == 351'000);
  CHECK(r.launches[1].instance_type == "m5.large");
  REQUIRE(r.controller_time);
  CHECK(r.controller_time->model == "custom");
  CHECK(r.controller_time->pass_max_s == 19.0);  // 332 s -> 351 s, the validation included
  CHECK(r.controller_time->single_node_timeouts == 0);
}

// singlenodeconsolidation.go: `if s.clock.Now().After(timeout)` before each candidate, timeout =
// the method's start + 3 minutes. Five full m5.2xlarge nodes, each a no-op, 100 s a simulation:
// multi-node's first prefix is cut at its 1-minute deadline (60 s); single-node starts at 60 s,
// evaluates candidates at 60 s and 160 s and gives up before the third (260 s > 240 s), so the
// pass that starts at 30 s ends at 290 s. It did not mark itself consolidated: the next pass (poll
// 10 s after the end) tries again from the same first candidate and times out after two again
// (multi-node is consolidated, so single-node starts at once: 0 s, 100 s, 200 s > 180 s).
TEST_CASE("controller time: single-node consolidation times out after N candidates", "[sim][controller-time]") {
  const std::string claims = "  nodeClaims:\n    - {nodePool: default, instanceType: m5.2xlarge, zone: us-east-1a, count: 5, pods: {big: 1}}\n";
  auto r = run_text(scenario_doc("v1.14", "9m", claims + sim_seconds(100)) + pool("default", "[m5.2xlarge]") +
                    deployment("big", 5, "7", "1Gi"));
  CHECK(r.terminations.empty());
  auto timeouts = decisions(r, "consolidation timeout");
  REQUIRE(timeouts.size() == 3);
  CHECK(timeouts[0]->at.ms == 290'000);
  CHECK(timeouts[0]->message == "failed to find a multi-node consolidation after timeout, last considered batch had 2");
  CHECK(timeouts[1]->at.ms == 290'000);
  CHECK(timeouts[1]->message == "abandoning single-node consolidation due to timeout after evaluating 2 candidates");
  CHECK(timeouts[2]->at.ms == 500'000);
  CHECK(timeouts[2]->message == "abandoning single-node consolidation due to timeout after evaluating 2 candidates");
  // Only the first two candidates were ever evaluated (the Unconsolidatable events, at the end of
  // the pass that published them).
  auto unconsolidatable = decisions(r, "unconsolidatable");
  REQUIRE(unconsolidatable.size() == 2);
  CHECK(unconsolidatable[0]->at.ms == 290'000);
  CHECK(unconsolidatable[1]->at.ms == 290'000);
  REQUIRE(r.controller_time);
  CHECK(r.controller_time->single_node_timeouts == 2);
  CHECK(r.controller_time->multi_node_timeouts == 1);
  CHECK(r.controller_time->pass_max_s == 260.0);
  CHECK(r.controller_time->evaluated_max == 2);
}

// shuffleCandidates puts the NodePools a timed-out pass did not reach (PreviouslyUnseenNodePools)
// first. Three pools of one full node each, in savings-ratio order r5 (pool c), m5 (a), c5 (b):
// the first pass evaluates c and a and times out before b (260 s > 240 s); the second starts with
// b, whose node is evaluated - and its Unconsolidatable event published - at that pass's end.
// Without the rule, b would be the third candidate every time and never be reached.
TEST_CASE("controller time: NodePools a timed-out pass did not reach go first", "[sim][controller-time]") {
  const std::string claims =
      "  nodeClaims:\n"
      "    - {nodePool: a, instanceType: m5.2xlarge, zone: us-east-1a, pods: {fill-a: 1}}\n"
      "    - {nodePool: b, instanceType: c5.2xlarge, zone: us-east-1a, pods: {fill-b: 1}}\n"
      "    - {nodePool: c, instanceType: r5.2xlarge, zone: us-east-1a, pods: {fill-c: 1}}\n";
  auto r = run_text(scenario_doc("v1.14", "9m", claims + sim_seconds(100)) + pool("a", "[m5.2xlarge]") +
                    pool("b", "[c5.2xlarge]") + pool("c", "[r5.2xlarge]") +
                    deployment("fill-a", 1, "7", "1Gi", on_pool("a")) + deployment("fill-b", 1, "7", "1Gi", on_pool("b")) +
                    deployment("fill-c", 1, "7", "1Gi", on_pool("c")));
  auto unconsolidatable = decisions(r, "unconsolidatable");
  REQUIRE(unconsolidatable.size() == 3);
  CHECK(unconsolidatable[0]->node_pool == "c");
  CHECK(unconsolidatable[0]->at.ms == 290'000);
  CHECK(unconsolidatable[1]->node_pool == "a");
  CHECK(unconsolidatable[1]->at.ms == 290'000);
  CHECK(unconsolidatable[2]->node_pool == "b");
  CHECK(unconsolidatable[2]->at.ms == 500'000);
  auto timeouts = decisions(r, "consolidation timeout");
  REQUIRE(timeouts.size() >= 3);
  CHECK(timeouts[1]->message == "abandoning single-node consolidation due to timeout after evaluating 2 candidates");
}

// multinodeconsolidation.go firstNConsolidationOption (v1.4+): a context deadline 1 minute from
// the search's start cuts the simulation under way and the search returns the last valid command.
// Four m5.large nodes of one 500m pod each and an m5.2xlarge kept by a do-not-disrupt pod with
// room for all of them; 40 s a simulation. The search tries the prefix of 3 (valid, 0 -> 40 s),
// then the prefix of 4 (cut at 60 s): the pass from 30 s ends at 90 s, the validation waits until
// 105 s and simulates again (40 s), and three nodes are deleted at 145 s; the fourth goes later,
// by single-node consolidation at 290 s. Instant passes delete all four at 45 s.
TEST_CASE("controller time: multi-node consolidation returns its best prefix at the deadline", "[sim][controller-time]") {
  const std::string claims =
      "  nodeClaims:\n"
      "    - {nodePool: default, instanceType: m5.2xlarge, zone: us-east-1a, pods: {keep: 1}}\n"
      "    - {nodePool: default, instanceType: m5.large, zone: us-east-1a, count: 4, pods: {small: 1}}\n";
  const std::string keep = "      annotations: {karpenter.sh/do-not-disrupt: \"true\"}\n";
  const std::string body = pool("default", "[m5.large, m5.2xlarge]") + deployment("small", 4, "500m", "256Mi") +
                           "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: keep}\nspec:\n  replicas: 1\n  template:\n"
                           "    metadata:\n      labels: {app: keep}\n" + keep +
                           "    spec:\n      containers:\n        - name: c\n          resources: {requests: {cpu: \"1\", memory: 256Mi}}\n---\n";
  auto timed = run_text(scenario_doc("v1.14", "5m", claims + sim_seconds(40)) + body);
  REQUIRE(timed.terminations.size() == 4);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(timed.terminations[i].at.ms == 145'000);
    CHECK(timed.terminations[i].instance_type == "m5.large");
  }
  CHECK(timed.terminations[3].at.ms == 290'000);
  auto timeouts = decisions(timed, "consolidation timeout");
  REQUIRE(timeouts.size() == 1);
  CHECK(timeouts[0]->at.ms == 90'000);
  CHECK(timeouts[0]->message == "stopping multi-node consolidation after timeout, returning last valid command");
  auto instant = run_text(scenario_doc("v1.14", "5m", claims) + body);
  REQUIRE(instant.terminations.size() == 4);
  CHECK(instant.terminations[0].at.ms == 45'000);
  CHECK(!instant.controller_time);
}

// disruption/controller.go Reconcile: `if !c.cluster.Synced(ctx)` -> RequeueAfter 1 s; Synced
// needs every NodeClaim launched (a provider ID). Node x of pool a is empty from t = 0 and
// Consolidatable at 20 s; at 18 s a pod for pool b goes pending, its batch closes at 19 s and its
// NodeClaim is launching until 21 s (CreateFleet 2 s). The poll at 20 s waits; the pass at 21 s
// finds x empty and deletes it after the 15 s validation, at 36 s (not 35 s). Instant passes.
TEST_CASE("karpenter: the disruption poll waits for cluster state to be synced", "[sim][controller-time]") {
  const std::string claims = "  nodeClaims:\n    - {nodePool: a, instanceType: m5.large, zone: us-east-1a}\n";
  const std::string tl = "  timeline:\n    - {at: 18s, scale: {kind: Deployment, name: other, replicas: 1}}\n";
  const std::string pools =
      node_pool_v1("a", "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}]",
                   "{consolidationPolicy: WhenEmpty, consolidateAfter: 20s}") +
      node_pool_v1("b", "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}]",
                   "{consolidationPolicy: WhenEmpty, consolidateAfter: 5m}");
  auto r = run_text(scenario_doc("v1.14", "2m", claims + tl) + pools + deployment("other", 0, "1", "256Mi", on_pool("b")));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].at.ms == 19'000);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].at.ms == 36'000);
  CHECK(r.terminations[0].reason == "empty");
}

// The Cluster Autoscaler under controller time (planner.go categorizeNodes,
// --scale-down-simulation-timeout 30 s, checked before each removal simulation: `timedOut(timer)`;
// loop/trigger.go: the next loop --scan-interval after the loop ends). Five empty m5.large nodes,
// 10 s a removal simulation: each loop simulates three (0, 10, 20 s) and skips the other two
// ("2 out of 5 nodes skipped"), lasts 30 s and is followed by the next 10 s after its end (loops at
// 0, 40, 80, ... s). The three are unneeded from 0 s; the loop at 640 s (> 10 min) deletes them,
// its effects at its end: taint at 670 s, deletion 5 s later at 675 s. The two skipped nodes were
// never unneeded: their timer starts at the loop that starts at once after the productive one, at
// 670 s on the tainted cluster (20 s loops now: 670, 690, then every 30 s from 720 s), and they go
// at the 1290 s loop (> 670 s + 10 min): taint at 1310 s, deleted at 1315 s. Instant loops find
// all five unneeded at 0 s and delete them at 615 s.
TEST_CASE("controller time: the Cluster Autoscaler skips candidates past its 30 s simulation timeout", "[sim][controller-time]") {
  const std::string doc = "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
                          "  zones: [us-east-1a]\n  duration: 25m\n  autoscalers: [cluster-autoscaler]\n"
                          "  nodeGroups:\n    - {name: ng, instanceType: m5.large, minSize: 0, maxSize: 10, count: 5}\n";
  const std::string timed_model =
      "  controllerTime:\n    clusterAutoscaler: {removalSimulationMs: 10000, removalSimulationPerNodeMs: 0, "
      "snapshotPerNodeMs: 0, binpackingPerPodMs: 0}\n";
  auto r = run_text(doc + timed_model + "---\n", "cluster-autoscaler");
  REQUIRE(r.terminations.size() == 5);
  for (std::size_t i = 0; i < 3; ++i) CHECK(r.terminations[i].at.ms == 675'000);
  for (std::size_t i = 3; i < 5; ++i) CHECK(r.terminations[i].at.ms == 1'315'000);
  auto skipped = decisions(r, "SimulationTimeout");
  REQUIRE(!skipped.empty());
  CHECK(skipped[0]->at.ms == 30'000);
  CHECK(skipped[0]->message == "2 out of 5 nodes skipped in scale down simulation due to timeout");
  REQUIRE(r.controller_time);
  CHECK(r.controller_time->controller == "loop");
  CHECK(r.controller_time->scale_down_timeouts == 17);  // the loops at 0, 40, ..., 640 s
  CHECK(r.controller_time->pass_max_s == 30.0);
  CHECK(r.controller_time->evaluated_max == 3);

  auto instant = run_text(doc + "---\n", "cluster-autoscaler");
  REQUIRE(instant.terminations.size() == 5);
  for (const auto& t : instant.terminations) CHECK(t.at.ms == 615'000);
}

namespace {

// Thirty one-CPU pods against the given node groups; binpacking costs 1 s per pod placed and
// nothing else costs anything.
sim::AutoscalerResult binpacking_run(const std::string& groups, const std::string& ca_settings, bool timed) {
  const std::string model = timed ? "  controllerTime:\n    clusterAutoscaler: {removalSimulationMs: 0, "
                                    "removalSimulationPerNodeMs: 0, snapshotPerNodeMs: 0, binpackingPerPodMs: 1000}\n"
                                  : "";
  return run_text("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
                  "  zones: [us-east-1a]\n  duration: 10m\n  autoscalers: [cluster-autoscaler]\n" +
                      ca_settings + model + "  nodeGroups:\n" + groups + "---\n" + deployment("web", 30, "1", "1Gi"),
                  "cluster-autoscaler");
}

// The launches of the first scale-up (the ones at the first launch's instant).
std::vector<const sim::LaunchRecord*> first_scale_up(const sim::AutoscalerResult& r) {
  std::vector<const sim::LaunchRecord*> out;
  for (const auto& l : r.launches)
    if (l.at == r.launches.front().at) out.push_back(&l);
  return out;
}

}  // namespace

// threshold_based_limiter.go PermissionToAddNode: an estimate adds no node once it has run
// --max-nodegroup-binpacking-duration (10 s). At 1 s per pod placed, m5.xlarge nodes take three
// one-CPU pods: nodes are added before pods 1, 4, 7 and 10 (9 placed, within 10 s); before pod 13
// 12 have been placed, past 10 s, so the first scale-up is 4 nodes instead of 10.
TEST_CASE("controller time: a Cluster Autoscaler estimate stops adding nodes after 10 s of binpacking", "[sim][controller-time]") {
  const std::string groups = "    - {name: ng, instanceType: m5.xlarge, minSize: 0, maxSize: 20, count: 0}\n";
  auto timed = binpacking_run(groups, "", true);
  CHECK(first_scale_up(timed).size() == 4);
  auto capped = decisions(timed, "BinpackingDurationCapped");
  REQUIRE(!capped.empty());
  CHECK(capped[0]->message == "Capping binpacking after exceeding max duration of 10s");
  CHECK(timed.summary.pods_pending_at_end == 0);  // later loops scale up for the rest
  auto instant = binpacking_run(groups, "", false);
  CHECK(first_scale_up(instant).size() == 10);
  CHECK(decisions(instant, "BinpackingDurationCapped").empty());
}

// processors/binpacking/time_limiter.go StopBinpacking after each node group's estimate: past
// --max-binpacking-time the scale-up goes on with the options computed so far. Group `a`
// (m5.large, one pod per node) places all 30 pods in 30 s, past a 5 s limit, so group `b`
// (m5.xlarge, which least-waste prefers) is never estimated and `a` gets 30 nodes.
TEST_CASE("controller time: the Cluster Autoscaler's scale-up uses the options computed before --max-binpacking-time",
          "[sim][controller-time]") {
  const std::string groups = "    - {name: a, instanceType: m5.large, minSize: 0, maxSize: 40, count: 0}\n"
                             "    - {name: b, instanceType: m5.xlarge, minSize: 0, maxSize: 40, count: 0}\n";
  const std::string settings = "  clusterAutoscaler: {max-binpacking-time: 5s, max-nodegroup-binpacking-duration: 1h}\n";
  auto timed = binpacking_run(groups, settings, true);
  auto up = first_scale_up(timed);
  REQUIRE(up.size() == 30);
  for (const auto* l : up) CHECK(l->node_pool == "a");
  auto cut = decisions(timed, "BinpackingTimeCut");
  REQUIRE(!cut.empty());
  CHECK(cut[0]->message == "Binpacking is cut short due to maxBinpackingDuration reached (5s); using the 1 option(s) computed so far");
  auto instant = binpacking_run(groups, settings, false);
  auto best = first_scale_up(instant);
  REQUIRE(best.size() == 10);
  for (const auto* l : best) CHECK(l->node_pool == "b");
}

// provisioning/provisioner.go Schedule: the solve has a 1-minute deadline (v1). At 10 s per pod
// the batch that closes at 1 s reaches 6 of its 10 pods (each needs its own m5.large) and launches
// their 6 NodeClaims when it ends at 61 s; the other 4 wait for the next batch. Instant solves
// launch all 10 at 1 s.
TEST_CASE("controller time: Karpenter's provisioning solve stops at its 1-minute deadline", "[sim][controller-time]") {
  const std::string model = "  controllerTime:\n    karpenter: {simulationMs: 0, simulationPerNodeMs: 0, simulationPerPodMs: 10000, "
                            "listPerNodeMs: 0}\n";
  auto doc = [&](const std::string& extra) {
    return scenario_doc("v1.14", "10m", extra) +
           node_pool_v1("default",
                        "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
                        "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                        "{consolidationPolicy: WhenEmpty, consolidateAfter: 1h}") +
           deployment("web", 10, "1", "1Gi");
  };
  auto timed = run_text(doc(model), "karpenter");
  REQUIRE(timed.launches.size() == 10);
  std::size_t first = 0;
  for (const auto& l : timed.launches) first += l.at == timed.launches.front().at ? 1 : 0;
  CHECK(first == 6);
  CHECK(timed.launches.front().at.ms == 61'000);
  auto cut = decisions(timed, "scheduling timeout");
  REQUIRE(!cut.empty());
  CHECK(cut[0]->message == "scheduling simulation timed out after 1m, reached 6 of 10 pod(s); the rest wait for the next batch");
  CHECK(timed.summary.pods_pending_at_end == 0);
  auto instant = run_text(doc(""), "karpenter");
  REQUIRE(instant.launches.size() == 10);
  for (const auto& l : instant.launches) CHECK(l.at.ms == 1'000);
}
