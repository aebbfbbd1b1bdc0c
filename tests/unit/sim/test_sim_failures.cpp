// Injected cloud failures through the whole simulator: insufficient capacity inside one CreateFleet
// call and across calls (reference karpenter.md 4.2-4.3), and spot interruptions: the 2-minute
// notice, the forced termination when the instance is reclaimed, and the pods' way back (6.1).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {

std::vector<const sim::Decision*> decisions_of(const sim::AutoscalerResult& r, const std::string& kind) {
  std::vector<const sim::Decision*> out;
  for (const auto& d : r.decisions)
    if (d.kind == kind) out.push_back(&d);
  return out;
}

bool log_contains(const sim::AutoscalerResult& r, const std::string& text) {
  return std::any_of(r.log.begin(), r.log.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

const sim::TerminationRecord* termination_of(const sim::AutoscalerResult& r, const std::string& node) {
  for (const auto& t : r.terminations)
    if (t.node == node) return &t;
  return nullptr;
}

std::string pool(const std::string& types, const std::string& capacity_type) {
  return node_pool_v1("default",
                      "[{key: node.kubernetes.io/instance-type, operator: In, values: [" + types +
                          "]}, {key: karpenter.sh/capacity-type, operator: In, values: [" + capacity_type + "]}]",
                      "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
}

}  // namespace

// aws instance.go Create: one CreateFleet call with one override per (type, zone); EC2 launches
// the cheapest pool with capacity (lowest-price), and the pools that failed come back as errors.
TEST_CASE("failures: an ICE'd pool makes the same CreateFleet call launch in the next zone", "[sim][failures]") {
  const std::string workload = pool("m5.large", "on-demand") + deployment("web", 1, "500m", "512Mi");
  // Baseline: equal on-demand prices in both zones, so zone a (name order) wins.
  auto base = run_text(scenario_doc("v1.14", "2m") + workload);
  REQUIRE(base.launches.size() == 1);
  CHECK(base.launches[0].zone == "us-east-1a");

  auto r = run_text(scenario_doc("v1.14", "2m",
                                 "  failures:\n    insufficientCapacity:\n"
                                 "      - {capacityType: on-demand, instanceTypes: [m5.large], zones: [us-east-1a]}\n") +
                    workload);
  REQUIRE(r.launches.size() == 1);
  const auto& l = r.launches[0];
  CHECK(l.instance_type == "m5.large");
  CHECK(l.zone == "us-east-1b");
  CHECK(l.at.ms == 1000);
  CHECK(l.launched_at.ms == 3000);  // the same call: no retry
  CHECK(l.node == base.launches[0].node);  // the same NodeClaim
  CHECK(decisions_of(r, "launch-failed").empty());
  CHECK(log_contains(r, "CreateFleet for nodeclaim " + l.node +
                            ": InsufficientInstanceCapacity for on-demand m5.large/us-east-1a"));
  CHECK(r.summary.pods_pending_at_end == 0);
}

// lifecycle/launch.go: an InsufficientCapacityError deletes the NodeClaim; its pods stay pending
// and are provisioned again once capacity is back.
TEST_CASE("failures: a launch with every pool ICE'd fails and the pods are provisioned later", "[sim][failures]") {
  auto r = run_text(scenario_doc("v1.14", "10m",
                                 "  failures:\n    insufficientCapacity:\n"
                                 "      - {instanceTypes: [m5.large], until: 1m}\n") +
                    pool("m5.large", "on-demand") + deployment("web", 1, "500m", "512Mi"));
  auto failed = decisions_of(r, "launch-failed");
  REQUIRE(!failed.empty());
  CHECK(failed[0]->at.ms == 3000);
  CHECK_THAT(failed[0]->message,
             Catch::Contains("InsufficientInstanceCapacity: all requested instance types were unavailable"));
  for (const auto* d : failed) CHECK(d->at.ms < 60'000);
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].launched_at.ms >= 60'000);
  CHECK(r.summary.nodes_launched == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

TEST_CASE("failures: probabilistic ICE outcomes depend only on the seed", "[sim][failures]") {
  auto run = [](int seed) {
    return run_text(scenario_doc("v1.14", "5m",
                                 "  seed: " + std::to_string(seed) +
                                     "\n  failures:\n    insufficientCapacity:\n"
                                     "      - {capacityType: on-demand, probability: 0.5}\n") +
                    pool("m5.large, m5.xlarge", "on-demand") + deployment("web", 1, "500m", "512Mi"));
  };
  auto a = run(5);
  auto b = run(5);
  CHECK(a.log == b.log);
  REQUIRE(!a.launches.empty());
  CHECK(a.summary.pods_pending_at_end == 0);
}

// Without a reaction from the autoscaler (the static policy ignores the notice) the instance is
// reclaimed exactly two minutes after the notice; its pods are evicted and rescheduled.
TEST_CASE("failures: a scheduled interruption reclaims the instance two minutes after the notice",
          "[sim][failures]") {
  const std::string doc =
      "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
      "  zones: [us-east-1a, us-east-1b]\n  duration: 10m\n  autoscalers: [static]\n"
      "  nodeGroups:\n    - {name: spot, instanceType: m5.xlarge, count: 2, capacityType: spot}\n"
      "  failures:\n    spotInterruptions:\n      - {at: 5m, zone: us-east-1a}\n---\n";
  auto r = run_text(doc + deployment("web", 2, "500m", "512Mi"), "static");
  auto notices = decisions_of(r, "interruption");
  REQUIRE(notices.size() == 1);
  const auto& n = *notices[0];
  CHECK(n.at.ms == 300'000);
  CHECK(n.reason == "spot-interruption");
  CHECK(n.node_pool == "spot");
  REQUIRE(n.nodes.size() == 1);
  CHECK(n.instance_types == std::vector<std::string>{"m5.xlarge"});
  const auto* t = termination_of(r, n.nodes[0]);
  REQUIRE(t);
  CHECK(t->at.ms == 420'000);
  CHECK(t->terminated_at.ms == 420'000);
  CHECK(t->reason == "spot-interrupted");
  CHECK(r.summary.nodes_terminated == 1);
  CHECK(r.summary.final_nodes == 1);
  // Both pods fit on the node left in zone b.
  CHECK(r.summary.pods_pending_at_end == 0);
}

// Karpenter: the interrupted node goes away (by Karpenter's NodeClaim deletion at the notice, or
// at the latest when EC2 reclaims it two minutes later) and its pods land on a new NodeClaim.
TEST_CASE("failures: karpenter re-provisions the pods of an interrupted spot node", "[sim][failures]") {
  auto r = run_text(scenario_doc("v1.14", "15m",
                                 "  failures:\n    spotInterruptions:\n      - {at: 5m, instanceType: m5.large}\n") +
                    pool("m5.large", "spot") + deployment("web", 2, "500m", "512Mi"));
  REQUIRE(!r.launches.empty());
  const std::string first = r.launches[0].node;
  CHECK(r.launches[0].capacity_type == "spot");
  auto notices = decisions_of(r, "interruption");
  REQUIRE(notices.size() == 1);
  CHECK(notices[0]->at.ms == 300'000);
  CHECK(notices[0]->nodes == std::vector<std::string>{first});
  const auto* t = termination_of(r, first);
  REQUIRE(t);
  CHECK(t->terminated_at.ms >= 300'000);
  CHECK(t->terminated_at.ms <= 420'000);
  // A replacement was launched after the notice and the pods run again.
  REQUIRE(r.launches.size() >= 2);
  CHECK(r.launches[1].at.ms >= 300'000);
  CHECK(r.summary.pods_pending_at_end == 0);
  CHECK(r.samples.back().running_pods == 2);
}

TEST_CASE("failures: an interruption that matches no running node is ignored", "[sim][failures]") {
  auto r = run_text(scenario_doc("v1.14", "10m",
                                 "  failures:\n    spotInterruptions:\n      - {at: 5m, instanceType: c6i.large}\n") +
                    pool("m5.large", "spot") + deployment("web", 1, "500m", "512Mi"));
  CHECK(decisions_of(r, "interruption").empty());
  CHECK(log_contains(r, "scheduled spot interruption matches no running spot node"));
  CHECK(r.summary.nodes_terminated == 0);
}

// Sampled interruptions: exponential times from the band (m5.xlarge: >20% -> mean 120 days).
TEST_CASE("failures: sampled spot interruptions are reproducible and reclaim each node", "[sim][failures]") {
  auto run = [](int seed) {
    const std::string doc =
        "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
        "  zones: [us-east-1a, us-east-1b]\n  duration: 48h\n  seed: " +
        std::to_string(seed) +
        "\n  autoscalers: [static]\n"
        "  nodeGroups:\n    - {name: spot, instanceType: m5.xlarge, count: 300, capacityType: spot}\n"
        "  failures: {sampledSpotInterruptions: true}\n---\n";
    return run_text(doc, "static");
  };
  auto a = run(1);
  auto notices = decisions_of(a, "interruption");
  // 300 x (1 - exp(-2 / 120)) ~ 5.
  CHECK(notices.size() >= 1);
  CHECK(notices.size() <= 15);
  for (const auto* n : notices) {
    const auto* t = termination_of(a, n->nodes.at(0));
    REQUIRE(t);
    CHECK(t->terminated_at.ms == n->at.ms + 120'000);
    CHECK(t->reason == "spot-interrupted");
  }
  CHECK(a.summary.final_nodes == 300 - static_cast<int>(a.summary.nodes_terminated));
  auto b = run(1);
  REQUIRE(decisions_of(b, "interruption").size() == notices.size());
  for (std::size_t i = 0; i < notices.size(); ++i) {
    CHECK(decisions_of(b, "interruption")[i]->at.ms == notices[i]->at.ms);
    CHECK(decisions_of(b, "interruption")[i]->nodes == notices[i]->nodes);
  }
  auto c = run(2);
  std::vector<std::int64_t> ta, tc;
  for (const auto* n : notices) ta.push_back(n->at.ms);
  for (const auto* n : decisions_of(c, "interruption")) tc.push_back(n->at.ms);
  CHECK(ta != tc);
}

// aws pkg/cache/unavailableofferings.go + instance.go getCapacityType: when every spot pool of the
// NodeClaim is ICE'd the launch fails, Karpenter marks those offerings unavailable for 3 minutes,
// and the next provisioning loop (the pods' 10 s requeue) falls back to on-demand.
TEST_CASE("karpenter: spot ICE on every pool falls back to on-demand on the next loop", "[sim][failures][karpenter]") {
  auto r = run_text(scenario_doc("v1.14", "5m",
                                 "  failures:\n    insufficientCapacity:\n"
                                 "      - {capacityType: spot, instanceTypes: [m5.large]}\n") +
                    pool("m5.large", "spot, on-demand") + deployment("web", 1, "500m", "512Mi"));
  auto failed = decisions_of(r, "launch-failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0]->at.ms == 3000);  // NodeClaim at 1 s, CreateFleet answers at 3 s
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].capacity_type == "on-demand");
  CHECK(r.launches[0].at.ms == 11'000);  // requeue at 10 s, batch closes at 11 s
  CHECK(r.summary.pods_pending_at_end == 0);
}

// aws interruption controller: on the 2-minute notice Karpenter deletes the NodeClaim at once
// (drain, no replacement pre-spin) and marks the spot pool unavailable, so the replacement lands in
// another pool.
TEST_CASE("karpenter: a spot interruption notice deletes the node at once and avoids the pool", "[sim][failures][karpenter]") {
  auto r = run_text(scenario_doc("v1.14", "10m",
                                 "  failures:\n    spotInterruptions:\n      - {at: 5m, instanceType: m5.large}\n") +
                    pool("m5.large", "spot") + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].at.ms == 300'000);  // deleted at the notice, not reclaimed 2 minutes later
  CHECK(r.terminations[0].reason == "interrupted");
  REQUIRE(r.launches.size() == 2);
  CHECK(r.launches[1].capacity_type == "spot");
  CHECK(r.launches[1].zone != r.launches[0].zone);  // (spot, m5.large, first zone) is unavailable for 3 minutes
  CHECK(r.summary.pods_pending_at_end == 0);
}
