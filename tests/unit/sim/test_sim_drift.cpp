// Karpenter drift (nodeclaim/disruption/drift.go, disruption/drift.go): a timeline `update` with a
// new NodePool template drifts the nodes launched before it; the Drift method replaces them one
// at a time (replacement first, no price check, no validation), within the Drifted budget.
#include <catch2/catch.hpp>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {
const std::string k_pool = node_pool_v1("default",
                                        "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
                                        "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                                        "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
const std::string k_update =
    "  timeline:\n    - {at: 5m, update: {file: " CAPSIM_SOURCE_DIR "/tests/data/scenarios/drift/nodepool-team-b.yaml}}\n";
}  // namespace

TEST_CASE("karpenter v1: a NodePool template change drifts its nodes and replaces them", "[sim][drift]") {
  auto r = run_text(scenario_doc("v1.14", "15m", k_update) + k_pool + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[1].at.ms == 300'000);  // detected at the update, disrupted at the 300 s poll
  CHECK(r.launches[1].reason == "replacement for drifted command");
  REQUIRE(r.terminations.size() == 1);
  // Replacement launched 302, registered 332, initialized 342: the drifted node goes then.
  CHECK(r.terminations[0].at.ms == 342'000);
  CHECK(r.terminations[0].reason == "drifted");
  CHECK(r.summary.pods_pending_at_end == 0);
  CHECK(r.summary.final_nodes == 1);
}

// Budgets are per reason: "nodes: 0" for Drifted blocks the replacement.
TEST_CASE("karpenter v1: a zero Drifted budget keeps drifted nodes", "[sim][drift]") {
  const std::string pool = node_pool_v1(
      "default",
      "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
      "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
      "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s, budgets: [{nodes: \"0\", reasons: [Drifted]}]}");
  const std::string update = "  timeline:\n    - {at: 5m, update: {file: " CAPSIM_SOURCE_DIR
                             "/tests/data/scenarios/drift/nodepool-team-b-no-drift-budget.yaml}}\n";
  auto r = run_text(scenario_doc("v1.14", "15m", update) + pool + deployment("web", 1, "500m", "512Mi"));
  CHECK(r.launches.size() == 1);
  CHECK(r.terminations.empty());
}

TEST_CASE("scenario: an update file must name objects that exist", "[sim][drift][io]") {
  const std::string other = node_pool_v1("other", "[]", "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
  try {
    test::load_text(scenario_doc("v1.14", "15m", k_update) + other + deployment("web", 1, "500m", "512Mi"));
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    REQUIRE(!e.diagnostics().empty());
    CHECK(e.diagnostics().front().render() ==
          std::string(CAPSIM_SOURCE_DIR) +
              "/tests/data/scenarios/drift/nodepool-team-b.yaml:3:1: error: metadata.name: no NodePool named \"default\" "
              "in the scenario to update");
  }
}
