// Structural expectations (spec::k_structural_metrics): measured on launches, terminations,
// decisions and the final pod placement, narrowed by filters; located and labelled like summary
// expectations. The scenario is tests/data/scenarios/expectations/structural.yaml.
#include <catch2/catch.hpp>

#include <cmath>

#include "capsim/catalog/catalog.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "unit/io/io_scenario_test_support.hpp"

using namespace capsim;
using capsim::io::test::single_error;

TEST_CASE("structural expectations measure launches, decisions, waves and placement", "[sim][expectations]") {
  auto cat = catalog::Catalog::embedded();
  const std::string file = CAPSIM_SOURCE_DIR "/tests/data/scenarios/expectations/structural.yaml";
  spec::Scenario s = io::load_scenario(file, *cat);
  for (bool keep : {true, false}) {  // decisions are counted while they run, kept or not
    sim::SimOptions opts;
    opts.catalog = cat;
    opts.keep_decisions = keep;
    opts.check_invariants = true;
    auto r = sim::run_scenario(s, opts);
    REQUIRE(r.expectations.size() == 14);
    const std::vector<std::pair<std::string, double>> want = {
        {"launches{instanceType=m5.xlarge}", 4},
        {"launches{nodePool=batch}", 2},
        {"launches{capacityType=spot}", 0},
        {"launch.instanceTypeOptions", 1},
        {"launch.requests.cpu{nodePool=batch,index=1}", 3},  // two 1.5-CPU batch pods
        {"launch.requests.memoryGiB{nodePool=batch}", 4},
        {"decisions{reason=empty,kind=disrupt}", 1},
        {"decisions{kind=disrupt,messageContains=terminating 2 nodes}", 1},
        {"terminations{reason=empty,from=5m,until=10m}", 2},
        {"disruptionWave.max{nodePool=batch}", 2},  // one Emptiness command, budget 100%
        {"podsInZone{zone=us-east-1a,selector={app=web}}", 2},
        {"podsPerZone.skew{selector={app=web}}", 0},
        {"podsPerHost.skew{selector={app=web}}", 0},
    };
    for (std::size_t i = 0; i < want.size(); ++i) {
      INFO(r.expectations[i].metric);
      CHECK(r.expectations[i].metric == want[i].first);
      CHECK(r.expectations[i].actual == want[i].second);
      CHECK(r.expectations[i].passed);
    }
    // The fifth launch does not exist: no value, failed, located.
    const auto& last = r.expectations.back();
    CHECK(last.metric == "launch.requests.cpu{index=4}");
    CHECK(std::isnan(last.actual));
    CHECK_FALSE(last.passed);
    CHECK(last.location == file + ":29:7");
  }
}

TEST_CASE("structural expectations: filters are checked per metric", "[io][expectations]") {
  const std::string head = "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  expectations:\n";
  CHECK(single_error(head + "    - {metric: decisions, zone: us-east-1a, equals: 1}\n") ==
        "scenarios/x.yaml:5:27: error: spec.expectations[0]: unknown key \"zone\"");
  CHECK(single_error(head + "    - {metric: peakNodes, instanceType: m5.large, equals: 1}\n") ==
        "scenarios/x.yaml:5:27: error: spec.expectations[0]: unknown key \"instanceType\", expected one of \"metric\", "
        "\"autoscaler\", \"equals\", \"atMost\", \"atLeast\", \"lessThan\", \"greaterThan\"");
  CHECK(single_error(head + "    - {metric: podsInZone, equals: 1}\n") ==
        "scenarios/x.yaml:5:7: error: spec.expectations[0]: podsInZone needs \"zone\"");
  CHECK(single_error(head + "    - {metric: launches, from: 5m, until: 1m, equals: 1}\n") ==
        "scenarios/x.yaml:5:43: error: spec.expectations[0].until: until must be after from");
  CHECK(single_error(head + "    - {metric: launchs, equals: 1}\n") ==
        "scenarios/x.yaml:5:16: error: spec.expectations[0].metric: expected a summary metric such as "
        "\"nodesLaunched\", \"costUsd\" or \"podPendingSeconds.max\", or a structural metric such as \"launches\", got "
        "\"launchs\" (did you mean \"launches\"?)");
}
