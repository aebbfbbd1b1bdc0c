// spec.failures in the scenario loader: what it reads, and every error with its exact message and
// position (docs/scenario-format.md, spec.failures).
#include <catch2/catch.hpp>

#include <string>

#include "capsim/io/scenario_loader.hpp"
#include "unit/io/io_scenario_test_support.hpp"

using namespace capsim;
using capsim::io::test::load_errors;
using capsim::io::test::rendered;
using capsim::io::test::single_error;
using capsim::io::test::tiny_catalog;

namespace {

// A Scenario document whose spec.failures is `body` (lines indented by 4); the body starts on line 5.
std::string failures(const std::string& body) {
  return "apiVersion: capsim.dev/v1alpha1\n"  // 1
         "kind: Scenario\n"                   // 2
         "spec:\n"                            // 3
         "  failures:\n" +                    // 4
         body;
}

}  // namespace

TEST_CASE("failures: the loader reads insufficient capacity and spot interruptions", "[cloud][io]") {
  auto sc = io::load_scenario_text(
      failures("    insufficientCapacity:\n"
               "      - {capacityType: spot, instanceTypes: [m5.large, m5.xlarge], zones: [us-east-1a], from: 10m, "
               "until: 40m}\n"
               "      - {capacityType: on-demand, instanceTypes: [c6i.large], zones: [us-east-1b], probability: 0.3}\n"
               "      - {}\n"
               "    spotInterruptions:\n"
               "      - {at: 30m, instanceType: m5.large, zone: us-east-1a, count: 2}\n"
               "      - {at: 1h}\n"
               "    sampledSpotInterruptions: true\n"),
      "scenarios/x.yaml", *tiny_catalog());
  const auto& f = sc.failures;
  REQUIRE(f.insufficient_capacity.size() == 3);
  const auto& a = f.insufficient_capacity[0];
  CHECK(a.capacity_type == "spot");
  CHECK(a.instance_types == std::vector<std::string>{"m5.large", "m5.xlarge"});
  CHECK(a.zones == std::vector<std::string>{"us-east-1a"});
  CHECK(a.from == Duration::minutes(10));
  CHECK(a.until == Duration::minutes(40));
  CHECK_FALSE(a.probability);
  CHECK(a.loc.line == 6);
  const auto& b = f.insufficient_capacity[1];
  CHECK(b.capacity_type == "on-demand");
  CHECK(b.from == Duration{0});
  CHECK_FALSE(b.until);
  CHECK(b.probability == 0.3);
  // Omitted filters: any.
  const auto& c = f.insufficient_capacity[2];
  CHECK(c.capacity_type.empty());
  CHECK(c.instance_types.empty());
  CHECK(c.zones.empty());
  REQUIRE(f.spot_interruptions.size() == 2);
  CHECK(f.spot_interruptions[0].at == Duration::minutes(30));
  CHECK(f.spot_interruptions[0].instance_type == "m5.large");
  CHECK(f.spot_interruptions[0].zone == "us-east-1a");
  CHECK(f.spot_interruptions[0].count == 2);
  CHECK(f.spot_interruptions[1].at == Duration::hours(1));
  CHECK(f.spot_interruptions[1].instance_type.empty());
  CHECK(f.spot_interruptions[1].zone.empty());
  CHECK(f.spot_interruptions[1].count == 1);
  CHECK(f.sampled_spot_interruptions);
  CHECK_FALSE(f.empty());
  // No section: nothing injected.
  auto none = io::load_scenario_text("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec: {}\n", "x.yaml",
                                     *tiny_catalog());
  CHECK(none.failures.empty());
}

TEST_CASE("failures: unknown keys are errors", "[cloud][io]") {
  CHECK(single_error(failures("    insufficentCapacity: []\n")) ==
        "scenarios/x.yaml:5:5: error: spec.failures: unknown key \"insufficentCapacity\", did you mean "
        "\"insufficientCapacity\"?");
  CHECK(single_error(failures("    insufficientCapacity:\n      - {zone: us-east-1a}\n")) ==
        "scenarios/x.yaml:6:10: error: spec.failures.insufficientCapacity[0]: unknown key \"zone\", did you mean "
        "\"zones\"?");
  CHECK(single_error(failures("    insufficientCapacity:\n      - {region: us-east-1}\n")) ==
        "scenarios/x.yaml:6:10: error: spec.failures.insufficientCapacity[0]: unknown key \"region\", expected one of "
        "\"capacityType\", \"instanceTypes\", \"zones\", \"from\", \"until\", \"probability\"");
  CHECK(single_error(failures("    spotInterruptions:\n      - {at: 1m, zones: [us-east-1a]}\n")) ==
        "scenarios/x.yaml:6:18: error: spec.failures.spotInterruptions[0]: unknown key \"zones\", did you mean "
        "\"zone\"?");
}

TEST_CASE("failures: bad values are reported at the value", "[cloud][io]") {
  // Durations.
  CHECK(single_error(failures("    insufficientCapacity:\n      - {from: soon}\n")) ==
        "scenarios/x.yaml:6:16: error: spec.failures.insufficientCapacity[0].from: expected a duration such as "
        "\"30s\", got \"soon\"");
  CHECK(single_error(failures("    spotInterruptions:\n      - {at: 5 minutes}\n")) ==
        "scenarios/x.yaml:6:14: error: spec.failures.spotInterruptions[0].at: expected a duration such as \"30s\", "
        "got \"5 minutes\"");
  // from >= until.
  CHECK(single_error(failures("    insufficientCapacity:\n      - {from: 40m, until: 10m}\n")) ==
        "scenarios/x.yaml:6:28: error: spec.failures.insufficientCapacity[0].until: expected a duration greater "
        "than from \"40m\", got \"10m\"");
  CHECK(single_error(failures("    insufficientCapacity:\n      - {from: 10m, until: 10m}\n")) ==
        "scenarios/x.yaml:6:28: error: spec.failures.insufficientCapacity[0].until: expected a duration greater "
        "than from \"10m\", got \"10m\"");
  CHECK(single_error(failures("    insufficientCapacity:\n      - {until: 0s}\n")) ==
        "scenarios/x.yaml:6:17: error: spec.failures.insufficientCapacity[0].until: expected a positive duration, "
        "got \"0s\"");
  // Probability outside [0, 1].
  CHECK(single_error(failures("    insufficientCapacity:\n      - {probability: 1.5}\n")) ==
        "scenarios/x.yaml:6:23: error: spec.failures.insufficientCapacity[0].probability: expected a probability "
        "from 0 to 1 such as 0.3, got \"1.5\"");
  CHECK(single_error(failures("    insufficientCapacity:\n      - {probability: -0.1}\n")) ==
        "scenarios/x.yaml:6:23: error: spec.failures.insufficientCapacity[0].probability: expected a probability "
        "from 0 to 1 such as 0.3, got \"-0.1\"");
  // Enumerations, counts, booleans.
  CHECK(single_error(failures("    insufficientCapacity:\n      - {capacityType: reserved}\n")) ==
        "scenarios/x.yaml:6:24: error: spec.failures.insufficientCapacity[0].capacityType: expected one of "
        "\"on-demand\", \"spot\", got \"reserved\"");
  CHECK(single_error(failures("    spotInterruptions:\n      - {at: 1m, count: 0}\n")) ==
        "scenarios/x.yaml:6:25: error: spec.failures.spotInterruptions[0].count: expected a positive integer, got "
        "\"0\"");
  CHECK(single_error(failures("    sampledSpotInterruptions: yes please\n")) ==
        "scenarios/x.yaml:5:31: error: spec.failures.sampledSpotInterruptions: expected a boolean (true or false), "
        "got \"yes please\"");
  // A missing `at`.
  CHECK(single_error(failures("    spotInterruptions:\n      - {instanceType: m5.large}\n")) ==
        "scenarios/x.yaml:6:9: error: spec.failures.spotInterruptions[0]: missing required key \"at\"");
}

TEST_CASE("failures: instance types and zones must exist", "[cloud][io]") {
  CHECK(single_error(failures("    insufficientCapacity:\n      - {instanceTypes: [m5.large, m5.huge]}\n")) ==
        "scenarios/x.yaml:6:36: error: spec.failures.insufficientCapacity[0].instanceTypes[1]: unknown instance "
        "type \"m5.huge\"");
  CHECK(single_error(failures("    insufficientCapacity:\n      - {zones: [us-east-1z]}\n")) ==
        "scenarios/x.yaml:6:18: error: spec.failures.insufficientCapacity[0].zones[0]: zone \"us-east-1z\" is not "
        "in region \"us-east-1\", expected one of \"us-east-1a\", \"us-east-1b\", \"us-east-1c\"");
  CHECK(single_error(failures("    insufficientCapacity:\n      - {zones: []}\n")) ==
        "scenarios/x.yaml:6:17: error: spec.failures.insufficientCapacity[0].zones: expected at least one zone "
        "(omit the key for any zone)");
  CHECK(single_error(failures("    spotInterruptions:\n      - {at: 1m, instanceType: m5.huge}\n")) ==
        "scenarios/x.yaml:6:32: error: spec.failures.spotInterruptions[0].instanceType: unknown instance type "
        "\"m5.huge\"");
  CHECK(single_error(failures("    spotInterruptions:\n      - {at: 1m, zone: ap-northeast-2a}\n")) ==
        "scenarios/x.yaml:6:24: error: spec.failures.spotInterruptions[0].zone: zone \"ap-northeast-2a\" is not in "
        "region \"us-east-1\", expected one of \"us-east-1a\", \"us-east-1b\", \"us-east-1c\"");
  // Every error is collected.
  auto diags = load_errors(failures("    insufficientCapacity:\n"
                                    "      - {instanceTypes: [m5.huge], probability: 2}\n"
                                    "    spotInterruptions:\n"
                                    "      - {at: 1m, zone: nowhere}\n"));
  CHECK(rendered(diags).size() == 3);
}
