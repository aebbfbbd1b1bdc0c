// Conformance: node group backoff (reference cluster-autoscaler.md 5.2, test catalogue 7.4 T35),
// mirroring cluster-autoscaler utils/backoff/exponential_backoff_test.go and
// clusterstate/clusterstate_test.go TestScaleUpBackoff (the latter through the whole simulator:
// a scale-up whose node never registers within max-node-provision-time).
#include <catch2/catch.hpp>

#include <algorithm>

#include "capsim/policy/cluster_autoscaler/backoff.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::policy::cluster_autoscaler::ExponentialBackoff;

namespace {
SimTime at(int minutes, int seconds = 0) { return SimTime{0} + Duration::minutes(minutes) + Duration::seconds(seconds); }
}  // namespace

// exponential_backoff_test.go TestBackoffTwoKeys / TestMaxBackoff / TestRemoveStaleBackoffDataa.
TEST_CASE("ca backoff T35: exponential backoff of one node group", "[conformance][ca]") {
  ExponentialBackoff b(Duration::minutes(1), Duration::minutes(3), Duration::hours(3));
  CHECK_FALSE(b.backed_off("ng", at(0)));
  CHECK(b.backoff("ng", at(0)) == at(1));
  CHECK(b.backed_off("ng", at(0, 59)));
  CHECK_FALSE(b.backed_off("other", at(0, 30)));
  // At exactly 1:00 the backoff has not expired yet ("ended" is strictly before now): the
  // duration is kept, not doubled.
  CHECK(b.backoff("ng", at(1)) == at(2));
  // After expiry the duration doubles: 2 min.
  CHECK(b.backoff("ng", at(3)) == at(5));
  CHECK(b.backed_off("ng", at(4, 59)));
  CHECK_FALSE(b.backed_off("ng", at(6)));
  // Capped at the maximum.
  CHECK(b.backoff("ng", at(10)) == at(13));
  CHECK(b.backoff("ng", at(20)) == at(23));
  // Stale data (last failure older than the reset timeout) is forgotten: back to 1 min.
  b.remove_stale(at(20) + Duration::hours(3) + Duration::seconds(1));
  CHECK(b.backoff("ng", at(300)) == at(301));
}

// clusterstate_test.go TestScaleUpBackoff, with max-node-provision-time 2m: nodes that never
// register (registration takes an hour here) time the scale-up out; the group is backed off for
// 5 min, then 10 min after a second timeout.
TEST_CASE("ca backoff T35: a scale-up that never registers times out and backs the group off", "[conformance][ca]") {
  const std::string yaml =
      "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
      "  zones: [us-east-1a]\n  duration: 30m\n  autoscalers: [cluster-autoscaler]\n"
      "  cloud: {registrationLatency: 1h}\n"
      "  clusterAutoscaler: {max-node-provision-time: 2m}\n"
      "  nodeGroups:\n"
      "    - {name: ng, instanceType: m5.large, minSize: 1, maxSize: 10, desiredCapacity: 1}\n"
      "---\n" +
      capsim::test::deployment("web", 4, "900m", "512Mi");
  auto r = capsim::test::run_text(yaml, "cluster-autoscaler");
  std::vector<const sim::Decision*> scale_ups, backoffs;
  for (const auto& d : r.decisions) {
    if (d.kind == "scale-up") scale_ups.push_back(&d);
    if (d.kind == "backoff") backoffs.push_back(&d);
  }
  REQUIRE(scale_ups.size() >= 2);
  REQUIRE(backoffs.size() >= 2);
  // First scale-up at 10 s (the pods were too new at 0 s); the timeout is seen by the first loop
  // after 10 s + 2 min.
  CHECK(scale_ups[0]->at == SimTime{0} + Duration::seconds(10));
  CHECK(backoffs[0]->reason == "timeout");
  CHECK(backoffs[0]->at == SimTime{0} + Duration::seconds(140));
  CHECK(backoffs[0]->message.find("backed off until t=00:07:20.000") != std::string::npos);
  // Free again after 5 min: the next scale-up at the first loop after 7:20.
  CHECK(scale_ups[1]->at == SimTime{0} + Duration::seconds(440));
  // The second timeout doubles the backoff to 10 min.
  CHECK(backoffs[1]->at == SimTime{0} + Duration::seconds(570));
  CHECK(backoffs[1]->message.find("backed off until t=00:19:30.000") != std::string::npos);
}
