// Scenarios on a built-in fake catalog (spec.instanceCatalog): Karpenter's NodePools get the fake
// types, node groups and failure rules may name them, and the simulated cloud prices and launches
// them (lowest price, then type name, then zone).
#include <catch2/catch.hpp>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::fake_scenario_doc;
using capsim::test::node_pool_v1;
using capsim::test::run_text;

namespace {
const std::string k_pool = node_pool_v1("default", "[]", "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
}  // namespace

// scheduling/suite_test.go › "should schedule a small pod on the smallest instance" (S1), end to
// end: small-instance-type ($0.4147), spot allowed (v1) so the cloud launches spot in test-zone-1
// (as the fake launch's first offering, spot/test-zone-1). The node gets a kubernetes.io/os label
// although the type allows three (the NodeClaim's value, else the smallest), so the pod selecting
// linux binds.
TEST_CASE("fake catalog: Karpenter launches the cheapest fake type", "[sim][karpenter]") {
  auto r = run_text(fake_scenario_doc("karpenter-fake", "{version: v1.14}", "2m") + k_pool +
                    deployment("web", 1, "100m", "100M", "      nodeSelector: {kubernetes.io/os: linux}\n"));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].instance_type == "small-instance-type");
  CHECK(r.launches[0].capacity_type == "spot");
  CHECK(r.launches[0].zone == "test-zone-1");
  CHECK(r.launches[0].price_per_hour.usd() == Approx(0.4147483648));
  CHECK(r.launches[0].node == "ip-10-0-0-4.test.compute.internal");
  CHECK(r.summary.pods_pending_at_end == 0);
}

// A node group of a fake type is priced from its offering, and zones outside the scenario's are
// dropped from the NodePools' types (test-zone-3 has no spot offering: on-demand only).
TEST_CASE("fake catalog: node groups, zones and insufficient capacity", "[sim][karpenter]") {
  SECTION("node group") {
    auto r = run_text(fake_scenario_doc("karpenter-fake", "{version: v1.14}", "2m",
                                        "  nodeGroups:\n    - {name: base, instanceType: default-instance-type, count: 2}\n") +
                      k_pool + deployment("web", 2, "1", "1Gi"));
    CHECK(r.launches.empty());  // both pods fit on the node group
    REQUIRE(!r.samples.empty());
    CHECK(r.samples.front().cost_rate_per_hour.usd() == Approx(2 * 0.8294967296));
    CHECK(r.summary.pods_pending_at_end == 0);
  }
  SECTION("zones") {
    auto r = run_text(fake_scenario_doc("karpenter-fake", "{version: v1.14}", "2m", "  zones: [test-zone-3]\n") + k_pool +
                      deployment("web", 1, "100m", "100M"));
    REQUIRE(r.launches.size() == 1);
    CHECK(r.launches[0].zone == "test-zone-3");
    CHECK(r.launches[0].capacity_type == "on-demand");
  }
  SECTION("insufficient capacity") {
    // Every spot pool fails: the NodeClaim is deleted, the spot offerings are unavailable for
    // 3 minutes and the next NodeClaim launches on-demand.
    auto r = run_text(fake_scenario_doc("karpenter-fake", "{version: v1.14}", "3m",
                                        "  failures:\n    insufficientCapacity:\n"
                                        "      - {capacityType: spot, instanceTypes: [small-instance-type]}\n") +
                      k_pool + deployment("web", 1, "100m", "100M"));
    REQUIRE(r.launches.size() == 1);
    CHECK(r.launches[0].instance_type == "small-instance-type");
    CHECK(r.launches[0].capacity_type == "on-demand");
    CHECK(r.summary.pods_pending_at_end == 0);
  }
}
