// Conformance of capsim's Karpenter disruption with the upstream disruption suites (reference
// karpenter.md 5, 6.2, 6.3 and the cases D1-D21 of 8.3), end to end through the simulator on the
// fake provider's catalogues (spec.instanceCatalog, 8.1). Each TEST_CASE cites the upstream file
// and test it mirrors (kubernetes-sigs/karpenter, pkg/controllers/disruption/*_test.go and
// pkg/controllers/nodeclaim/expiration/suite_test.go) and asserts the upstream outcome: delete or
// replace, which node, the replacement's instance types and capacity type, counts.
//
// Upstream builds nodes directly (labels name the type, zone and capacity type; allocatable given
// explicitly) and runs one disruption reconcile. Here nodes come from provisioning, so each test
// sets the state up with workloads and timeline events: a pod selecting a capacity type pins a
// node to it, a big pod that is deleted later forces an expensive type, and the 5-minute mark is
// when the state of the upstream test is reached. Node allocatable is the fake type's own
// (capacity - 100m CPU - 10Mi), not the 32 CPU / 100 pods of the upstream fixtures, so the pods are
// sized for the fake types. Unless stated the setup is the consolidation suite's
// (consolidation_test.go BeforeEach): catalogue InstanceTypesAssorted, NodePool
// WhenEmptyOrUnderutilized with consolidateAfter 0s, budget 100%, no requirements, the
// SpotToSpotConsolidation gate on, and the real 15 s validation (upstream mostly uses a no-op
// validator; the outcome is the same, 15 s later).
//
// Timings (CloudSettings defaults): CreateFleet 2 s, registration 30 s, initialization 10 s,
// termination 5 s; the disruption poll runs every 10 s from t = 0.
//
// Where outcomes are ties upstream (equal-price types, Go map order) the assertions are
// tie-insensitive; capsim's own rule (cloud: lowest price, then type name, then zone) is
// documented in docs/scenario-format.md.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::fake_scenario_doc;
using capsim::test::node_pool_v1;
using capsim::test::run_text;

namespace {

constexpr double k_price_1cpu_1gib = 0.2073741824;    // 0.1 x 1 + 0.1 x 1.073741824
constexpr double k_price_64cpu_128gib = 20.1438953472;  // 0.1 x 64 + 0.1 x 137.438953472

const std::string k_od = "{karpenter.sh/capacity-type: on-demand}";
const std::string k_spot = "{karpenter.sh/capacity-type: spot}";
const std::string k_suite_disruption =
    "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 0s, budgets: [{nodes: \"100%\"}]}";

// The Scenario document: karpenter-fake-assorted, Karpenter v1.14, SpotToSpotConsolidation on.
std::string scenario(const std::string& duration, const std::string& extra = "", bool spot_to_spot = true) {
  return fake_scenario_doc("karpenter-fake-assorted",
                           std::string("{version: v1.14, featureGates: {spotToSpotConsolidation: ") +
                               (spot_to_spot ? "true" : "false") + "}}",
                           duration, extra);
}

// The consolidation suite's NodePool "default".
std::string suite_pool(const std::string& requirements = "[]", const std::string& disruption = k_suite_disruption) {
  return node_pool_v1("default", requirements, disruption);
}

// A Deployment (upstream: ReplicaSet-owned pods) of `replicas` pods.
std::string deploy(const std::string& name, int replicas, const std::string& cpu, const std::string& memory,
                   const std::string& node_selector = "", const std::string& annotations = "") {
  std::string s = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\nspec:\n  replicas: " +
                  std::to_string(replicas) + "\n  template:\n    metadata:\n      labels: {app: " + name + "}\n";
  if (!annotations.empty()) s += "      annotations: " + annotations + "\n";
  s += "    spec:\n      terminationGracePeriodSeconds: 0\n";  // ExpectDeleted deletes with grace 0
  if (!node_selector.empty()) s += "      nodeSelector: " + node_selector + "\n";
  s += "      containers:\n        - name: c\n          resources: {requests: {cpu: " + cpu + ", memory: " + memory +
       "}}\n---\n";
  return s;
}

std::string timeline(const std::vector<std::string>& events) {
  std::string s = "  timeline:\n";
  for (const auto& e : events) s += "    - {" + e + "}\n";
  return s;
}

std::vector<const sim::Decision*> decisions(const sim::AutoscalerResult& r, const std::string& kind,
                                            const std::string& reason) {
  std::vector<const sim::Decision*> out;
  for (const auto& d : r.decisions)
    if (d.kind == kind && d.reason == reason) out.push_back(&d);
  return out;
}

bool has_note(const sim::AutoscalerResult& r, const std::string& reason, const std::string& text) {
  for (const auto& d : r.decisions)
    if (d.reason == reason && d.message.find(text) != std::string::npos) return true;
  return false;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::vector<std::string> terminated(const sim::AutoscalerResult& r) {
  std::vector<std::string> out;
  for (const auto& t : r.terminations) out.push_back(t.node);
  return out;
}

// Two nodes of the cheapest on-demand type (1 CPU / 1 GiB, $0.2074; allocatable 900m / 1014Mi):
// node0 (launches[0]) ends with two `a` pods and node1 (launches[1]) with one `b` pod, as in
// consolidation_test.go "can delete nodes". `a` (3 x 300m/300Mi) fills node0 at t = 0; `b` arrives
// at 2m and gets node1; `a` is scaled to 2 at 5m. The pods use CPU and memory alike so that
// merging both nodes always needs 2 CPU / 2 GiB, which costs exactly as much as the two nodes (no
// consolidation before 5m).
std::string two_cheap_nodes(const std::string& pool_yaml, const std::string& capacity = k_od,
                            const std::string& b_annotations = "", const std::string& more = "",
                            const std::string& duration = "10m", const std::vector<std::string>& more_events = {}) {
  std::vector<std::string> events = {"at: 2m, apply: {kind: Deployment, name: b}",
                                     "at: 5m, scale: {kind: Deployment, name: a, replicas: 2}"};
  events.insert(events.end(), more_events.begin(), more_events.end());
  return scenario(duration, timeline(events)) + pool_yaml + deploy("a", 3, "300m", "300Mi", capacity) +
         deploy("b", 1, "300m", "300Mi", capacity, b_annotations) + more;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Replace

// D1. consolidation_test.go › Replace › "can replace node" (Entry "if the candidate is on-demand
// node"): the most expensive on-demand type (64 CPU / 128 GiB, $20.144) with one small pod is
// replaced by one NodeClaim whose instance types exclude it (the price filter is strict), and
// whose capacity type is tightened to spot (the NodePool allows both; the price filter assumed
// spot). The old node is deleted once the replacement is initialized.
TEST_CASE("D1 consolidation replaces an expensive on-demand node with a cheaper spot node", "[conformance][karpenter]") {
  auto r = run_text(scenario("10m", timeline({"at: 5m, delete: {kind: Deployment, name: big}"})) + suite_pool() +
                    deploy("big", 1, "40", "100Gi", k_od) + deploy("small", 1, "100m", "100Mi"));
  REQUIRE(r.launches.size() == 2);
  CHECK(starts_with(r.launches[0].instance_type, "64-cpu-128-mem-"));
  CHECK(r.launches[0].capacity_type == "on-demand");
  CHECK(r.launches[0].price_per_hour.usd() == Approx(k_price_64cpu_128gib));
  // 300: `big` deleted, the node is Consolidatable at once (consolidateAfter 0s); validated at 315.
  const auto& repl = r.launches[1];
  CHECK(repl.at.ms == 315'000);
  CHECK(repl.reason == "replacement for underutilized command");
  CHECK(repl.capacity_type == "spot");
  CHECK(starts_with(repl.instance_type, "1-cpu-1-mem-"));  // the cheapest type; which of the 12 is a tie
  CHECK(repl.price_per_hour.usd() == Approx(k_price_1cpu_1gib));
  auto claims = decisions(r, "provision", "replacement");
  REQUIRE(claims.size() == 1);
  const auto& options = claims[0]->instance_types;
  CHECK(!options.empty());
  CHECK(std::find(options.begin(), options.end(), r.launches[0].instance_type) == options.end());
  CHECK(std::none_of(options.begin(), options.end(), [](const std::string& t) { return starts_with(t, "64-cpu-128-mem-"); }));
  CHECK_THAT(claims[0]->message, Catch::Contains("capacity-types spot,"));
  // Replacement launched 317, registered 347, initialized 357: the candidate goes then.
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[0].node);
  CHECK(r.terminations[0].at.ms == 357'000);
  CHECK(r.terminations[0].reason == "underutilized");
  CHECK(r.summary.final_nodes == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// D1, spot entry, with consolidation_test.go › Replace › "spot to spot consolidation should order
// the instance types by price before enforcing minimum flexibility": with the gate on, a spot
// 64/128 node is replaced by a spot NodeClaim limited to the 15 cheapest cheaper spot types (the
// 12 1-CPU/1-GiB spot types and 3 of the 12 equally priced 2-CPU/1-GiB ones).
TEST_CASE("D1 spot-to-spot consolidation replaces a spot node within the 15 cheapest spot types", "[conformance][karpenter]") {
  auto r = run_text(scenario("10m", timeline({"at: 5m, delete: {kind: Deployment, name: big}"})) + suite_pool() +
                    deploy("big", 1, "40", "100Gi", k_spot) + deploy("small", 1, "100m", "100Mi"));
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[0].capacity_type == "spot");
  CHECK(starts_with(r.launches[0].instance_type, "64-cpu-128-mem-"));
  CHECK(r.launches[1].reason == "replacement for underutilized command");
  CHECK(r.launches[1].capacity_type == "spot");
  CHECK(starts_with(r.launches[1].instance_type, "1-cpu-1-mem-"));
  auto claims = decisions(r, "provision", "replacement");
  REQUIRE(claims.size() == 1);
  const auto& options = claims[0]->instance_types;
  REQUIRE(options.size() == 15);
  int small = 0, next = 0;
  for (const auto& t : options) {
    CHECK(t.size() > 5);
    CHECK(t.substr(t.size() - 5) == "-spot");
    if (starts_with(t, "1-cpu-1-mem-")) ++small;
    if (starts_with(t, "2-cpu-1-mem-")) ++next;
  }
  CHECK(small == 12);
  CHECK(next == 3);
  CHECK_THAT(claims[0]->message, Catch::Contains("capacity-types spot,"));
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[0].node);
}

// D2. consolidation_test.go › Replace › "cannot replace spot with spot if less than minimum
// InstanceTypes flexibility". Upstream shrinks the catalogue to 5 types with one priced $0.001;
// here the NodePool narrows the assorted catalogue to amd64 / linux / test-zone-1 / spot, one type
// per size: the node is 2 CPU / 1 GiB ($0.3074) and its remaining pod fits only one cheaper spot
// type (1 CPU / 1 GiB, $0.2074), fewer than 15.
// The event cadence is the live recorder's (pkg/events/recorder.go, Unconsolidatable in
// disruption/events/events.go: one event per node per 15 minutes, whatever the message): the
// first, at 1m10s, says "got 0" (both pods on the node); `b` goes at 5m and the next evaluations
// (5m, then the forced re-checks of state/cluster.go ConsolidationState at 10m and 15m) publish
// nothing; the re-check at 20m, past 1m10s + 15m, publishes "got 1".
TEST_CASE("D2 spot-to-spot consolidation needs 15 cheaper instance types", "[conformance][karpenter]") {
  const std::string reqs =
      "[{key: kubernetes.io/arch, operator: In, values: [amd64]}, {key: kubernetes.io/os, operator: In, values: [linux]}, "
      "{key: topology.kubernetes.io/zone, operator: In, values: [test-zone-1]}, "
      "{key: karpenter.sh/capacity-type, operator: In, values: [spot]}]";
  auto r = run_text(scenario("30m", timeline({"at: 5m, delete: {kind: Deployment, name: b}"})) + suite_pool(reqs) +
                    deploy("a", 1, "100m", "100Mi") + deploy("b", 1, "1", "100Mi"));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].instance_type == "2-cpu-1-mem-amd64-linux-test-zone-1-spot");
  CHECK(r.terminations.empty());
  CHECK(has_note(r, "unconsolidatable",
                 "SpotToSpotConsolidation requires 15 cheaper instance type options than the current candidate to "
                 "consolidate, got 1"));
  auto notes = decisions(r, "disrupt", "unconsolidatable");
  REQUIRE(notes.size() == 2);
  CHECK(notes[0]->at.ms == 70'000);
  CHECK(notes[0]->message.find("got 0") != std::string::npos);
  CHECK(notes[1]->at.ms == 1'200'000);
  CHECK(notes[1]->message.find("got 1") != std::string::npos);
}

// D3. consolidation_test.go › Replace › "cannot replace spot with spot if the
// spotToSpotConsolidation is disabled": with the gate off a spot node can only be deleted.
TEST_CASE("D3 spot nodes are not replaced while SpotToSpotConsolidation is off", "[conformance][karpenter]") {
  auto r = run_text(scenario("10m", timeline({"at: 5m, delete: {kind: Deployment, name: big}"}), false) + suite_pool() +
                    deploy("big", 1, "40", "100Gi", k_spot) + deploy("small", 1, "100m", "100Mi"));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].capacity_type == "spot");
  CHECK(r.terminations.empty());
  CHECK(has_note(r, "unconsolidatable", "SpotToSpotConsolidation is disabled, can't replace a spot node with a spot node"));
}

// D5. consolidation_test.go › Replace › "won't replace on-demand node if on-demand replacement is
// more expensive". Upstream prices the replacement's on-demand offerings above the node (its spot
// offerings are cheaper but the NodePool is on-demand only). The assorted catalogue has one price
// per size, so here the remaining pod (1100Mi) needs the node's own size (1 CPU / 2 GiB, $0.3147):
// every on-demand option costs at least as much and the strict price filter leaves nothing.
TEST_CASE("D5 an on-demand node is not replaced when no on-demand option is cheaper", "[conformance][karpenter]") {
  auto r = run_text(scenario("10m", timeline({"at: 5m, delete: {kind: Deployment, name: b}"})) +
                    suite_pool("[{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]") +
                    deploy("a", 1, "100m", "1100Mi") + deploy("b", 1, "100m", "100Mi"));
  REQUIRE(r.launches.size() == 1);
  CHECK(starts_with(r.launches[0].instance_type, "1-cpu-2-mem-"));
  CHECK(r.launches[0].capacity_type == "on-demand");
  CHECK(r.terminations.empty());
  CHECK(has_note(r, "unconsolidatable", "can't replace with a cheaper node"));
}

// ---------------------------------------------------------------------------------------------
// Delete

// D6. consolidation_test.go › Delete › "can delete nodes": node1's pod fits on node0. Multi-node
// consolidation fails first: moving all three pods needs one new 1 CPU / 1 GiB node, and
// filterOutSameInstanceType caps it strictly below the candidates' own type.
TEST_CASE("D6 consolidation deletes the node whose pods fit elsewhere", "[conformance][karpenter]") {
  auto r = run_text(two_cheap_nodes(suite_pool()));
  REQUIRE(r.launches.size() == 2);
  for (const auto& l : r.launches) {
    CHECK(starts_with(l.instance_type, "1-cpu-1-mem-"));
    CHECK(l.capacity_type == "on-demand");
  }
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[1].node);
  CHECK(r.terminations[0].at.ms == 315'000);  // 300 scale-down + 15 s validation; a DELETE needs no replacement
  CHECK(r.terminations[0].reason == "underutilized");
  CHECK(decisions(r, "provision", "replacement").empty());
  CHECK(r.summary.final_nodes == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// D7. consolidation_test.go › Delete › "can delete nodes, considers PDB": node1's pod is covered by
// a PDB that allows no disruption, so node1 is no candidate and node0 is deleted instead (its two
// pods move to node1).
TEST_CASE("D7 a PDB with no disruptions allowed makes the other node go", "[conformance][karpenter]") {
  const std::string pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b}\nspec:\n"
                          "  maxUnavailable: 0\n  selector: {matchLabels: {app: b}}\n---\n";
  auto r = run_text(two_cheap_nodes(suite_pool(), k_od, "", pdb));
  REQUIRE(r.launches.size() == 2);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[0].node);
  CHECK(r.terminations[0].at.ms == 315'000);
  CHECK(r.summary.final_nodes == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// consolidation_test.go › Delete › "can delete nodes, considers karpenter.sh/do-not-disrupt set to
// true on pods": a do-not-disrupt pod keeps its node out of the candidates.
TEST_CASE("a do-not-disrupt pod keeps its node; the other node is consolidated", "[conformance][karpenter]") {
  auto r = run_text(two_cheap_nodes(suite_pool(), k_od, "{karpenter.sh/do-not-disrupt: \"true\"}"));
  REQUIRE(r.launches.size() == 2);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[0].node);
  CHECK(r.summary.final_nodes == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// consolidation_test.go › Delete › "does not consolidate nodes with pods that have a
// duration-based do-not-disrupt annotation that is still active", "can consolidate nodes after
// duration-based do-not-disrupt annotation expires" and "can delete nodes, considers invalid
// do-not-disrupt annotation format as not blocking" (pkg/utils/pod IsDoNotDisruptActive): `b`
// starts at 163 s; at 300 s a 10m protection still holds (node0 goes, as for "true"), a 2m one
// has run out and an invalid value never counted (node1 goes, as in D6).
TEST_CASE("a duration do-not-disrupt annotation protects its node until it runs out", "[conformance][karpenter]") {
  for (const auto& [value, deleted] : std::vector<std::pair<std::string, std::size_t>>{{"10m", 0}, {"2m", 1}, {"soon", 1}}) {
    DYNAMIC_SECTION("karpenter.sh/do-not-disrupt: " << value) {
      auto r = run_text(two_cheap_nodes(suite_pool(), k_od, "{karpenter.sh/do-not-disrupt: \"" + value + "\"}"));
      REQUIRE(r.launches.size() == 2);
      REQUIRE(r.terminations.size() == 1);
      CHECK(r.terminations[0].node == r.launches[deleted].node);
      CHECK(r.terminations[0].at.ms == 315'000);
    }
  }
}

// D8. consolidation_test.go › Delete › "won't delete node if it would require pods to schedule on
// an uninitialized node". Initialization takes 5 minutes here: node1 (pod `a`, amd64) is
// initialized at 333 s; node0 (pod `b`, which requires arm64) is launched at 363 s and initialized
// at 693 s. In between, the only place for `a` is node0, which is not initialized: no command.
// Once node0 is initialized (and `b` bound to it) node1 is deleted. The Unconsolidatable event
// for node1 is published at 6m ("can't replace with a cheaper node", before node0 exists); the
// "would schedule against uninitialized nodeclaim" evaluations that follow fall within its
// 15-minute dedupe (pkg/events/recorder.go), so the run (20m) publishes no second one.
TEST_CASE("D8 pods are not consolidated onto an uninitialized node", "[conformance][karpenter]") {
  std::string doc = scenario("20m", "  cloud: {initializationLatency: 5m}\n" +
                                        timeline({"at: 6m, apply: {kind: Deployment, name: b}"})) +
                    suite_pool() + deploy("a", 1, "300m", "300Mi", k_od) +
                    deploy("b", 1, "300m", "300Mi", "{karpenter.sh/capacity-type: on-demand, kubernetes.io/arch: arm64}");
  auto r = run_text(doc);
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[1].launched_at.ms == 363'000);
  std::vector<const sim::Decision*> notes;  // node1's
  for (const auto* d : decisions(r, "disrupt", "unconsolidatable"))
    if (d->nodes == std::vector<std::string>{r.launches[0].node}) notes.push_back(d);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]->at.ms == 360'000);
  CHECK(notes[0]->message.find("can't replace with a cheaper node") != std::string::npos);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[0].node);
  CHECK(r.terminations[0].at.ms > 693'000);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// D8 again with `b` applied at 1m: node0 (arm64, for `b`) is launched before node1 (`a`) is
// initialized at 333 s, so node1's first evaluation already finds `a` only placeable on node0,
// uninitialized until 393 s: the first Unconsolidatable event carries that reason
// (helpers.go SimulateScheduling, UninitializedNodeError), and node1 goes once node0 is up.
TEST_CASE("D8 the uninitialized-node reason is published when it is the first", "[conformance][karpenter]") {
  std::string doc = scenario("20m", "  cloud: {initializationLatency: 5m}\n" +
                                        timeline({"at: 1m, apply: {kind: Deployment, name: b}"})) +
                    suite_pool() + deploy("a", 1, "300m", "300Mi", k_od) +
                    deploy("b", 1, "300m", "300Mi", "{karpenter.sh/capacity-type: on-demand, kubernetes.io/arch: arm64}");
  auto r = run_text(doc);
  REQUIRE(r.launches.size() == 2);
  auto notes = decisions(r, "disrupt", "unconsolidatable");
  REQUIRE(!notes.empty());
  CHECK(notes[0]->message.find("would schedule against uninitialized nodeclaim") != std::string::npos);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[0].node);
  CHECK(r.terminations[0].at.ms > 393'000);
}

// D10. consolidation_test.go › Delete › "can delete nodes with a permanently pending pod": a pod
// that can never schedule (nodeSelector on a label no NodePool defines) does not block.
TEST_CASE("D10 a permanently pending pod does not block consolidation", "[conformance][karpenter]") {
  auto r = run_text(two_cheap_nodes(suite_pool(), k_od, "", deploy("pending", 1, "100m", "100Mi", "{non-existent: node-label}")));
  REQUIRE(r.launches.size() == 2);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[1].node);
  CHECK(r.terminations[0].at.ms == 315'000);
  CHECK(r.summary.pods_pending_at_end == 1);
}

// ---------------------------------------------------------------------------------------------
// Multi-node consolidation

// Three 64/128 nodes (capacity type per entry), one 1 CPU pod each after `big` goes at 5m.
// The `small` pods are created first so that kube-scheduler's scores (LeastAllocated +
// BalancedAllocation, ties by node name) spread them one per node, as the upstream test binds
// them; after the big pods, 1 CPU / 1 GiB pods would tie on a node with one of them already and
// pile up on the lowest name.
std::string three_big_nodes(const std::string& capacity) {
  return scenario("10m", timeline({"at: 5m, delete: {kind: Deployment, name: big}"})) + suite_pool() +
         deploy("small", 3, "1", "1Gi") + deploy("big", 3, "40", "100Gi", capacity);
}

// D12. consolidation_test.go › Multi-NodeClaim › "can merge 3 nodes into 1" (both entries): the
// binary search keeps the largest valid prefix, all three candidates, replaced by one node of the
// cheapest type that holds the three pods (4 CPU / 4 GiB; filterOutSameInstanceType keeps the
// cheaper options; the on-demand entry is tightened to spot).
TEST_CASE("D12 multi-node consolidation merges three nodes into one", "[conformance][karpenter]") {
  for (const std::string capacity : {"on-demand", "spot"}) {
    DYNAMIC_SECTION("candidates are " << capacity) {
      auto r = run_text(three_big_nodes("{karpenter.sh/capacity-type: " + capacity + "}"));
      REQUIRE(r.launches.size() == 4);
      for (int i = 0; i < 3; ++i) {
        CHECK(starts_with(r.launches[static_cast<std::size_t>(i)].instance_type, "64-cpu-128-mem-"));
        CHECK(r.launches[static_cast<std::size_t>(i)].capacity_type == capacity);
      }
      auto cmds = decisions(r, "disrupt", "underutilized");
      REQUIRE(cmds.size() == 1);
      CHECK(cmds[0]->nodes.size() == 3);
      CHECK_THAT(cmds[0]->message, Catch::Contains("multi-node consolidation"));
      CHECK(r.launches[3].at.ms == 315'000);
      CHECK(r.launches[3].reason == "replacement for underutilized command");
      CHECK(r.launches[3].capacity_type == "spot");
      CHECK(starts_with(r.launches[3].instance_type, "4-cpu-4-mem-"));
      REQUIRE(r.terminations.size() == 3);
      for (const auto& t : r.terminations) CHECK(t.at.ms == 357'000);
      CHECK(r.summary.final_nodes == 1);
      CHECK(r.summary.pods_pending_at_end == 0);
    }
  }
}

// D13. consolidation_test.go › Multi-NodeClaim › "won't merge 2 nodes into 1 of the same type"
// (both entries): [cheap, cheap] is not merged into one cheap node; the node with fewer pods is
// deleted instead and no replacement is launched.
TEST_CASE("D13 two nodes of the cheapest type are not merged into one of the same type", "[conformance][karpenter]") {
  for (const std::string capacity : {"on-demand", "spot"}) {
    DYNAMIC_SECTION("candidates are " << capacity) {
      auto r = run_text(two_cheap_nodes(suite_pool(), "{karpenter.sh/capacity-type: " + capacity + "}"));
      REQUIRE(r.launches.size() == 2);
      for (const auto& l : r.launches) CHECK(l.capacity_type == capacity);
      auto cmds = decisions(r, "disrupt", "underutilized");
      REQUIRE(cmds.size() == 1);
      CHECK(cmds[0]->nodes == std::vector<std::string>{r.launches[1].node});
      CHECK_THAT(cmds[0]->message, Catch::Contains("single-node consolidation"));
      CHECK(terminated(r) == std::vector<std::string>{r.launches[1].node});
    }
  }
}

// consolidation_test.go › Budgets › "should only allow 3 nodes to be deleted in multi node
// consolidation delete": ten nodes with one 1 CPU pod each would fit on far fewer, but a 30% budget
// lets multi-node consolidation take only the first three candidates (one DELETE command).
TEST_CASE("multi-node consolidation spends the budget candidate by candidate", "[conformance][karpenter]") {
  auto r = run_text(scenario("10m", timeline({"at: 5m, delete: {kind: Deployment, name: big}"})) +
                    suite_pool("[]", "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 0s, budgets: [{nodes: \"30%\"}]}") +
                    deploy("small", 10, "1", "1Gi") + deploy("big", 10, "40", "100Gi", k_od));
  REQUIRE(r.launches.size() >= 10);
  auto cmds = decisions(r, "disrupt", "underutilized");
  REQUIRE(!cmds.empty());
  CHECK(cmds[0]->at.ms == 315'000);
  CHECK(cmds[0]->nodes.size() == 3);
  CHECK_THAT(cmds[0]->message, Catch::Contains("via delete"));
  CHECK_THAT(cmds[0]->message, Catch::Contains("multi-node consolidation"));
}

// ---------------------------------------------------------------------------------------------
// Emptiness

// emptiness_test.go › Budgets › "should only allow 3 empty nodes to be disrupted" (also
// consolidation_test.go › Budgets): ten empty nodes, budget 30% -> one Emptiness command deleting
// three; the others follow as the budget frees up (deleting nodes count as disrupting).
TEST_CASE("emptiness deletes empty nodes within the budget", "[conformance][karpenter]") {
  auto r = run_text(scenario("15m", timeline({"at: 5m, delete: {kind: Deployment, name: big}"})) +
                    suite_pool("[]", "{consolidationPolicy: WhenEmpty, consolidateAfter: 0s, budgets: [{nodes: \"30%\"}]}") +
                    deploy("big", 10, "40", "100Gi", k_od));
  REQUIRE(r.launches.size() == 10);
  auto cmds = decisions(r, "disrupt", "empty");
  REQUIRE(cmds.size() >= 2);
  CHECK(cmds[0]->at.ms == 315'000);
  CHECK(cmds[0]->nodes.size() == 3);
  std::size_t total = 0;
  for (const auto* c : cmds) {
    CHECK(c->nodes.size() <= 3);
    total += c->nodes.size();
  }
  CHECK(total == 10);
  CHECK(r.summary.final_nodes == 0);
}

// D18. emptiness_test.go › "will consider a node with a DaemonSet pod as empty": only DaemonSet
// pods are left, so Emptiness deletes the node. (The terminating-pod variants of D18 are not
// expressible: capsim removes a deleted pod at once.)
TEST_CASE("D18 a node with only DaemonSet pods is empty", "[conformance][karpenter]") {
  const std::string ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n"
                         "      tolerations: [{operator: Exists}]\n      containers:\n        - name: a\n"
                         "          resources: {requests: {cpu: 50m, memory: 50Mi}}\n---\n";
  auto r = run_text(scenario("10m", timeline({"at: 5m, delete: {kind: Deployment, name: web}"})) +
                    suite_pool("[]", "{consolidationPolicy: WhenEmpty, consolidateAfter: 0s, budgets: [{nodes: \"100%\"}]}") +
                    ds + deploy("web", 1, "300m", "300Mi", k_od));
  REQUIRE(r.launches.size() == 1);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].at.ms == 315'000);
  CHECK(r.terminations[0].reason == "empty");
}

// ---------------------------------------------------------------------------------------------
// Provisioning: host ports of DaemonSets and of the NodeClaim's own pods

namespace {

// A DaemonSet (2 CPU / 2 GiB) and a Deployment `web` (1 CPU / 1 GiB), each container exposing
// `ds_port` / `web_port` as a hostPort.
std::string host_port_workloads(int ds_port, int web_port, int web_replicas) {
  return "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  template:\n    spec:\n"
         "      containers:\n        - name: a\n          ports: [{containerPort: " +
         std::to_string(ds_port) + ", hostPort: " + std::to_string(ds_port) +
         "}]\n          resources: {requests: {cpu: \"2\", memory: 2Gi}}\n---\n"
         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: " +
         std::to_string(web_replicas) +
         "\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: c\n"
         "          ports: [{containerPort: " +
         std::to_string(web_port) + ", hostPort: " + std::to_string(web_port) +
         "}]\n          resources: {requests: {cpu: \"1\", memory: 1Gi}}\n---\n";
}

}  // namespace

// provisioning/suite_test.go › "should account for daemonset hostports" (#2102, v1.4): the
// DaemonSet that would run on every node of the NodePool holds hostPort 8080
// (scheduler.go getDaemonHostPortUsage), so a pod asking for 8080 is unschedulable there and no
// NodeClaim is made (before, a NodeClaim per batch whose pod the binder then refused).
TEST_CASE("a pod whose hostPort a DaemonSet holds gets no NodeClaim", "[conformance][karpenter]") {
  auto r = run_text(scenario("10m") + suite_pool() + host_port_workloads(8080, 8080, 1));
  CHECK(r.launches.empty());
  CHECK(r.summary.pods_pending_at_end == 1);
  CHECK(has_note(r, "could not schedule pod", "incompatible with nodepool \"default\", checking host port usage, pod hostport conflicts "
                        "with existing hostport configuration (IP=0.0.0.0 Port=8080 Proto=TCP)"));
  // Another port is free: one node, the pod runs on it next to the DaemonSet.
  auto ok = run_text(scenario("10m") + suite_pool() + host_port_workloads(9090, 8080, 1));
  CHECK(ok.launches.size() == 1);
  CHECK(ok.summary.pods_pending_at_end == 0);
}

// scheduling/nodeclaim.go CanAdd: a NodeClaim tracks the host ports of the pods it takes
// (HostPortUsage), so two pods with the same hostPort get two NodeClaims in one batch.
TEST_CASE("pods with the same hostPort go to separate NodeClaims of one batch", "[conformance][karpenter]") {
  auto r = run_text(scenario("10m") + suite_pool() + host_port_workloads(9090, 8080, 2));
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[0].at == r.launches[1].at);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// ---------------------------------------------------------------------------------------------
// Single-node consolidation: NodePool interleave

// singlenodeconsolidation_test.go › Candidate Shuffling (SortCandidates): candidates sorted by
// savings ratio, then NodePools interleaved round-robin. Pool `a` has two 2 CPU / 2 GiB nodes
// (A1: pod a1 in test-zone-1, no cheaper home; A2: pod a2small in test-zone-2, which a 1 CPU node
// could replace), pool `b` one 1 CPU / 1 GiB node B1 whose pod fits on A1. By savings ratio the
// order is A1, A2, B1; interleaved it is A1, B1, A2, so B1 is deleted first (without interleaving
// A2 would be replaced first).
TEST_CASE("single-node consolidation interleaves NodePools", "[conformance][karpenter]") {
  const std::string od_req = "[{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]";
  std::string doc =
      scenario("10m", timeline({"at: 30s, apply: {kind: Deployment, name: a1}",
                                "at: 30s, apply: {kind: Deployment, name: a2big}",
                                "at: 2m, apply: {kind: Deployment, name: a2small}",
                                "at: 5m, delete: {kind: Deployment, name: a2big}",
                                "at: 5m, delete: {kind: Deployment, name: b1}"})) +
      node_pool_v1("a", od_req, k_suite_disruption) + node_pool_v1("b", od_req, k_suite_disruption) +
      deploy("b1", 1, "800m", "100Mi", "{karpenter.sh/nodepool: b, topology.kubernetes.io/zone: test-zone-3}") +
      // bsmall may go to test-zone-1 or test-zone-3 (any NodePool); at t = 0 it joins b1's NodeClaim.
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bsmall}\nspec:\n  replicas: 1\n  template:\n"
      "    metadata: {labels: {app: bsmall}}\n    spec:\n      affinity:\n        nodeAffinity:\n"
      "          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n"
      "              - matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [test-zone-1, test-zone-3]}]\n"
      "      containers:\n        - name: c\n          resources: {requests: {cpu: 100m, memory: 100Mi}}\n---\n" +
      deploy("a1", 1, "1500m", "1500Mi", "{karpenter.sh/nodepool: a, topology.kubernetes.io/zone: test-zone-1}") +
      deploy("a2big", 1, "1500m", "1500Mi", "{karpenter.sh/nodepool: a, topology.kubernetes.io/zone: test-zone-2}") +
      deploy("a2small", 1, "100m", "100Mi", "{karpenter.sh/nodepool: a, topology.kubernetes.io/zone: test-zone-2}");
  auto r = run_text(doc);
  REQUIRE(r.launches.size() >= 3);
  const std::string b1 = r.launches[0].node;  // launched at 1 s
  CHECK(r.launches[0].node_pool == "b");
  CHECK(starts_with(r.launches[0].instance_type, "1-cpu-1-mem-"));
  CHECK(r.launches[1].node_pool == "a");
  CHECK(r.launches[2].node_pool == "a");
  auto cmds = decisions(r, "disrupt", "underutilized");
  REQUIRE(!cmds.empty());
  CHECK(cmds[0]->at.ms == 315'000);
  CHECK(cmds[0]->nodes == std::vector<std::string>{b1});
  CHECK_THAT(cmds[0]->message, Catch::Contains("via delete"));
  CHECK_THAT(cmds[0]->message, Catch::Contains("single-node consolidation"));
}

// ---------------------------------------------------------------------------------------------
// consolidateAfter

// consolidation_test.go › TTL › "should wait for the node TTL for non-empty nodes before
// consolidating" with consolidateAfter (pkg/controllers/nodeclaim/disruption/consolidation.go): the
// node is Consolidatable only consolidateAfter (2m) after its last pod event (the deletion of
// `big` at 300 s), so the replacement comes at the 420 s poll + 15 s, not at 315 s.
TEST_CASE("consolidateAfter delays consolidation after the last pod event", "[conformance][karpenter]") {
  auto r = run_text(scenario("15m", timeline({"at: 5m, delete: {kind: Deployment, name: big}"})) +
                    suite_pool("[]", "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 2m, budgets: [{nodes: \"100%\"}]}") +
                    deploy("big", 1, "40", "100Gi", k_od) + deploy("small", 1, "100m", "100Mi"));
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[1].at.ms == 435'000);
  CHECK(r.launches[1].reason == "replacement for underutilized command");
}

// consolidation_test.go › Delete › "should not consolidate pods onto a destination node that is
// under its consolidateAfter window" (scheduler.go: non-pending pods skip existing nodes under
// consolidateAfter in consolidation simulations): with consolidateAfter 1m, node1 (last pod event
// at 163 s) is a candidate at 300 s, but its pod may not move onto node0 until node0's window
// (from the scale-down at 300 s) has passed; node1 is deleted at the 360 s poll + 15 s.
TEST_CASE("pods are not consolidated onto a node inside its consolidateAfter window", "[conformance][karpenter]") {
  auto r = run_text(two_cheap_nodes(
      suite_pool("[]", "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 1m, budgets: [{nodes: \"100%\"}]}")));
  REQUIRE(r.launches.size() == 2);
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[1].node);
  CHECK(r.terminations[0].at.ms == 375'000);
}

// ---------------------------------------------------------------------------------------------
// Drift

// drift_test.go › Drift › "should replace drifted nodes": a NodePool template change (timeline
// update) drifts the node; Drift replaces it (replacement first, no price check, no validation
// wait) and deletes it once the replacement is initialized.
TEST_CASE("drift replaces a drifted node", "[conformance][karpenter]") {
  auto r = run_text(scenario("10m", timeline({"at: 5m, update: {file: " CAPSIM_SOURCE_DIR
                                              "/tests/data/scenarios/conformance/drift-template-label.yaml}"})) +
                    suite_pool() + deploy("web", 1, "300m", "300Mi", k_od));
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[1].at.ms == 300'000);
  CHECK(r.launches[1].reason == "replacement for drifted command");
  CHECK(r.launches[1].instance_type == r.launches[0].instance_type);  // the cheapest type again
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[0].node);
  CHECK(r.terminations[0].at.ms == 342'000);
  CHECK(r.terminations[0].reason == "drifted");
  CHECK(r.summary.pods_pending_at_end == 0);
  // The command's log line names the capacity type its replacement is pinned to (types.go
  // Command.String): the pod selects on-demand.
  CHECK(has_note(r, "drifted", "/on-demand and replacing with on-demand node from types "));
}

// The same drift for a pod that allows either capacity type: the replacement's capacity-type
// requirement allows both, so the log line says "node" (types.go Command.String: a capacity type
// only when ct.Len() == 1), and the cloud launches it as spot (the cheaper offering).
TEST_CASE("a drift replacement free to be spot is not announced as on-demand", "[conformance][karpenter]") {
  auto r = run_text(scenario("10m", timeline({"at: 5m, update: {file: " CAPSIM_SOURCE_DIR
                                              "/tests/data/scenarios/conformance/drift-template-label.yaml}"})) +
                    suite_pool() + deploy("web", 1, "300m", "300Mi"));
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[1].reason == "replacement for drifted command");
  CHECK(r.launches[1].capacity_type == "spot");
  CHECK(has_note(r, "drifted", " and replacing with node from types "));
  CHECK_FALSE(has_note(r, "drifted", "replacing with on-demand"));
}

// drift_test.go › Drift › "can replace drifted nodes with multiple nodes": the NodePool now allows
// only 4 CPU / 4 GiB nodes (RequirementsDrifted for the 8 CPU node); its three 2 CPU pods need
// three of them, all launched by the one drift command before the old node goes.
TEST_CASE("drift replaces a drifted node with as many nodes as its pods need", "[conformance][karpenter]") {
  const std::string reqs =
      "[{key: node.kubernetes.io/instance-type, operator: In, values: [8-cpu-8-mem-amd64-linux-test-zone-1-on-demand, "
      "4-cpu-4-mem-amd64-linux-test-zone-1-on-demand]}]";
  auto r = run_text(scenario("10m", timeline({"at: 5m, update: {file: " CAPSIM_SOURCE_DIR
                                              "/tests/data/scenarios/conformance/drift-smaller-type.yaml}"})) +
                    suite_pool(reqs) + deploy("web", 3, "2", "100Mi"));
  REQUIRE(r.launches.size() == 4);
  CHECK(r.launches[0].instance_type == "8-cpu-8-mem-amd64-linux-test-zone-1-on-demand");
  for (std::size_t i = 1; i < 4; ++i) {
    CHECK(r.launches[i].at.ms == 300'000);
    CHECK(r.launches[i].reason == "replacement for drifted command");
    CHECK(r.launches[i].instance_type == "4-cpu-4-mem-amd64-linux-test-zone-1-on-demand");
  }
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[0].node);
  CHECK(r.terminations[0].at.ms == 342'000);
  CHECK(r.summary.final_nodes == 3);
  CHECK(r.summary.pods_pending_at_end == 0);
  // Several replacements are counted by the capacity types each allows (types.go Command.String).
  CHECK(has_note(r, "drifted",
                 " and replacing with 3 spot and 3 on-demand, from types 4-cpu-4-mem-amd64-linux-test-zone-1-on-demand"));
}

// ---------------------------------------------------------------------------------------------
// Expiration

// D21. nodeclaim/expiration/suite_test.go › "should delete NodeClaims if the nodeClaim is expired
// but the node isn't" / "should return the requeue interval for the time between now and when the
// nodeClaim expires": the NodeClaim (created at 1 s) is deleted at exactly creation + expireAfter,
// forcefully (a zero budget does not stop it), and its pod is provisioned again on a new node.
// "should not remove the NodeClaims when expiration is disabled": expireAfter Never keeps it.
TEST_CASE("D21 expireAfter deletes the NodeClaim at its expiry, without budget", "[conformance][karpenter]") {
  auto pool = [](const std::string& expire) {
    return "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\nspec:\n  template:\n    spec:\n"
           "      requirements: []\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n"
           "      expireAfter: " +
           expire +
           "\n  disruption: {consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 0s, budgets: [{nodes: \"0\"}]}\n"
           "---\napiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec:\n"
           "  amiSelectorTerms: [{alias: al2023@latest}]\n"
           "  role: KarpenterNodeRole\n  subnetSelectorTerms: [{tags: {a: b}}]\n  securityGroupSelectorTerms: [{tags: {a: b}}]\n---\n";
  };
  SECTION("expireAfter 10m") {
    auto r = run_text(scenario("15m") + pool("10m") + deploy("web", 1, "300m", "300Mi", k_od));
    REQUIRE(r.launches.size() == 2);
    REQUIRE(r.terminations.size() == 1);
    CHECK(r.terminations[0].node == r.launches[0].node);
    CHECK(r.terminations[0].at.ms == 601'000);
    CHECK(r.terminations[0].reason == "expired");
    CHECK(r.launches[1].reason == "provisionable pods");  // no pre-spun replacement
    CHECK(r.launches[1].at.ms > 601'000);
    CHECK(r.summary.pods_pending_at_end == 0);
  }
  SECTION("expireAfter Never") {
    auto r = run_text(scenario("30m") + pool("Never") + deploy("web", 1, "300m", "300Mi", k_od));
    CHECK(r.launches.size() == 1);
    CHECK(r.terminations.empty());
  }
}

// capsim's consolidation memo (Karpenter::NoOpMemo) must never hide a consolidation upstream
// would make: a no-op result is carried across polls only while nothing it read changed. Here
// node1 (launches[1], pod b, from 2m) is unconsolidatable (b fits nowhere else; merging it with
// node0 costs as much as the two). At 2m30s `c` (1 CPU) gets a 2-CPU node2, which is in flight (b
// landing there is the uninitialized-node no-op) until it is initialized; then b fits on it, and
// node1 is deleted at the first poll after that, 15 s later. (The run ends before a's 5m scale-down.)
TEST_CASE("a memoized no-op is dropped when a new node can take the candidate's pods", "[conformance][karpenter]") {
  auto r = run_text(two_cheap_nodes(suite_pool(), k_od, "", deploy("c", 1, "1", "1Gi", k_od), "4m30s",
                                    {"at: 150s, apply: {kind: Deployment, name: c}"}));
  REQUIRE(r.launches.size() == 3);
  const auto& node2 = r.launches[2];
  CHECK(starts_with(node2.instance_type, "2-cpu-"));
  CHECK(has_note(r, "unconsolidatable", "node " + r.launches[1].node + " is unconsolidatable"));
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == r.launches[1].node);
  CHECK(r.terminations[0].reason == "underutilized");
  // The first poll at or after node2's initialization (running + 30 s registration + 10 s
  // initialization), plus the 15 s validation.
  const std::int64_t ready = node2.launched_at.ms + 40'000;
  const std::int64_t poll = (ready + 9'999) / 10'000 * 10'000;
  CHECK(r.terminations[0].at.ms == poll + 15'000);
  CHECK(r.summary.pods_pending_at_end == 0);
}

// The memo again, for a reason published from it: node1 (pod a) is first found unconsolidatable
// because a could only move to node0, still in flight (initialization takes 5m here) after the
// pod it was launched for (q, arm64) was deleted. node0 is then initialized empty and removed by
// Emptiness, so the next Unconsolidatable event for node1, 15 minutes after the first
// (pkg/events/recorder.go dedupe), carries the reason of the cluster as it is then.
TEST_CASE("a memoized reason is dropped when a node its simulation used goes away", "[conformance][karpenter]") {
  std::string doc = scenario("25m", "  cloud: {initializationLatency: 5m}\n" +
                                        timeline({"at: 1m, apply: {kind: Deployment, name: q}",
                                                  "at: 2m, delete: {kind: Deployment, name: q}"})) +
                    suite_pool() + deploy("a", 1, "300m", "300Mi", k_od) +
                    deploy("q", 1, "300m", "300Mi", "{karpenter.sh/capacity-type: on-demand, kubernetes.io/arch: arm64}");
  auto r = run_text(doc);
  REQUIRE(r.launches.size() == 2);
  const std::string node1 = r.launches[0].node, node0 = r.launches[1].node;
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].node == node0);
  CHECK(r.terminations[0].reason == "empty");
  std::vector<const sim::Decision*> notes;  // node1's
  for (const auto* d : decisions(r, "disrupt", "unconsolidatable"))
    if (d->nodes == std::vector<std::string>{node1}) notes.push_back(d);
  REQUIRE(notes.size() == 2);
  CHECK(notes[0]->message.find("would schedule against uninitialized nodeclaim") != std::string::npos);
  CHECK(notes[1]->at.ms > notes[0]->at.ms + 15 * 60'000);
  CHECK(notes[1]->message.find("can't replace with a cheaper node") != std::string::npos);
}
