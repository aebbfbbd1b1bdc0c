// Migration between autoscalers (policy/handover.hpp): a timeline `handover` stops the Cluster
// Autoscaler's controller and lets Karpenter take over; a `scale` of the NodeGroup then makes the
// ASG terminate its instances (drained), and Karpenter provisions for the displaced pods.
#include <catch2/catch.hpp>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::node_pool_v1;
using capsim::test::run_text;

namespace {
std::string scenario(const std::string& timeline) {
  return "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
         "  zones: [us-east-1a, us-east-1b]\n  duration: 40m\n  autoscalers: [cluster-autoscaler]\n"
         "  karpenter: {version: v1.14}\n"
         "  nodeGroups:\n    - {name: workers, instanceType: m5.xlarge, minSize: 1, maxSize: 10, desiredCapacity: 2, "
         "zones: [us-east-1a, us-east-1b], amiFamily: AL2023}\n"
         "  timeline:\n" +
         timeline + "---\n" +
         node_pool_v1("default",
                      "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large, m5.2xlarge]}, "
                      "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                      "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}") +
         deployment("web", 6, "1", "1Gi");
}
}  // namespace

TEST_CASE("handover: CA stops at the handover and Karpenter takes the pods of the scaled-in ASG", "[sim][handover]") {
  auto r = run_text(scenario("    - {at: 10m, handover: {from: cluster-autoscaler, to: karpenter}}\n"
                             "    - {at: 20m, scale: {kind: NodeGroup, name: workers, replicas: 0}}\n"),
                    "cluster-autoscaler");
  bool handover = false;
  for (const auto& d : r.decisions) handover = handover || (d.kind == "handover" && d.at.ms == 600'000);
  CHECK(handover);
  // The ASG's two m5.xlarge (3 pods each) are terminated after 20m, drained, and the pods land on
  // Karpenter nodes of the NodePool; nothing is launched for the ASG after the handover.
  int asg_terminations = 0;
  for (const auto& t : r.terminations) {
    CHECK(t.at.ms >= 1'200'000);
    if (t.reason == "asg-scale-in") ++asg_terminations;
  }
  CHECK(asg_terminations == 2);
  int karpenter_launches = 0;
  for (const auto& l : r.launches) {
    if (l.node_pool == "default") {
      ++karpenter_launches;
      CHECK(l.at.ms >= 1'200'000);
    } else {
      CHECK(l.at.ms < 600'000);
    }
  }
  CHECK(karpenter_launches >= 1);
  CHECK(r.summary.pods_pending_at_end == 0);
}

TEST_CASE("handover: without the node-group scale-in the ASG nodes stay and Karpenter has nothing to do",
          "[sim][handover]") {
  auto r = run_text(scenario("    - {at: 10m, handover: {from: cluster-autoscaler, to: karpenter}}\n"), "cluster-autoscaler");
  CHECK(r.terminations.empty());
  for (const auto& l : r.launches) CHECK(l.node_pool.empty());
  CHECK(r.summary.pods_pending_at_end == 0);
}

TEST_CASE("scenario: a handover names known autoscalers", "[sim][handover][io]") {
  try {
    test::load_text(scenario("    - {at: 10m, handover: {from: cluster-autoscaler, to: cluster-autoscaler}}\n"));
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    REQUIRE(!e.diagnostics().empty());
    CHECK(e.diagnostics().front().render() ==
          "test.yaml:13:58: error: spec.timeline[0].handover.to: expected an autoscaler other than \"cluster-autoscaler\"");
  }
}
