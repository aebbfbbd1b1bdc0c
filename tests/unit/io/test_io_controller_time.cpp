// spec.controllerTime: a preset for every autoscaler, per autoscaler, or coefficients over a preset
// (docs/controller-time.md); errors with their positions.
#include <catch2/catch.hpp>

#include "capsim/io/scenario_loader.hpp"
#include "unit/io/io_scenario_test_support.hpp"

using namespace capsim;
using capsim::io::test::single_error;
using capsim::io::test::tiny_catalog;

namespace {

spec::Scenario load(const std::string& controller_time) {
  return io::load_scenario_text("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  controllerTime: " + controller_time + "\n",
                                "scenarios/x.yaml", *tiny_catalog());
}

std::string error(const std::string& controller_time) {
  return single_error("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  controllerTime: " + controller_time + "\n");
}

}  // namespace

TEST_CASE("spec.controllerTime: presets, per autoscaler, coefficients", "[io][controller-time]") {
  const spec::Scenario defaults = io::load_scenario_text("apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec: {}\n",
                                                         "scenarios/x.yaml", *tiny_catalog());
  CHECK(defaults.karpenter.controller_time.instant());
  CHECK(defaults.cluster_autoscaler.controller_time.instant());

  const spec::Scenario typical = load("typical");
  CHECK(typical.karpenter.controller_time == *spec::controller_time_preset("typical"));
  CHECK(typical.cluster_autoscaler.controller_time == *spec::controller_time_preset("typical"));
  // typical: 20 ms + 0.5 ms/node + 1 ms/pod per Karpenter simulation; 5 ms + 0.025 ms/node per
  // Cluster Autoscaler removal simulation.
  CHECK(typical.karpenter.controller_time.simulation_ns == 20'000'000);
  CHECK(typical.karpenter.controller_time.simulation_per_node_ns == 500'000);
  CHECK(typical.karpenter.controller_time.simulation_per_pod_ns == 1'000'000);
  CHECK(typical.cluster_autoscaler.controller_time.removal_ns == 5'000'000);
  CHECK(typical.cluster_autoscaler.controller_time.removal_per_node_ns == 25'000);

  const spec::Scenario split = load("{karpenter: slow, clusterAutoscaler: {preset: fast, removalSimulationMs: 0.03}}");
  CHECK(split.karpenter.controller_time == *spec::controller_time_preset("slow"));
  const auto& ca = split.cluster_autoscaler.controller_time;
  CHECK(ca.preset == "custom");
  CHECK(ca.removal_ns == 30'000);  // 0.03 ms
  CHECK(ca.removal_per_node_ns == spec::controller_time_preset("fast")->removal_per_node_ns);

  // Coefficients without a preset start from typical.
  const spec::Scenario custom = load("{karpenter: {simulationMs: 1000}}");
  CHECK(custom.karpenter.controller_time.simulation_ns == 1'000'000'000);
  CHECK(custom.karpenter.controller_time.simulation_per_pod_ns == 1'000'000);
  CHECK(custom.cluster_autoscaler.controller_time.instant());
}

TEST_CASE("spec.controllerTime: errors", "[io][controller-time]") {
  CHECK(error("quick") ==
        "scenarios/x.yaml:4:19: error: spec.controllerTime: expected one of \"instant\", \"fast\", \"typical\", \"slow\", got \"quick\"");
  CHECK(error("{karpenter: {simulationMS: 5}}") ==
        "scenarios/x.yaml:4:32: error: spec.controllerTime.karpenter: unknown key \"simulationMS\", did you mean \"simulationMs\"?");
  CHECK(error("{karpenter: {removalSimulationMs: 5}}") ==
        "scenarios/x.yaml:4:32: error: spec.controllerTime.karpenter: unknown key \"removalSimulationMs\", expected one of "
        "\"preset\", \"simulationMs\", \"simulationPerNodeMs\", \"simulationPerPodMs\", \"listPerNodeMs\"");
  CHECK(error("{clusterAutoscaler: {snapshotPerNodeMs: -1}}") ==
        "scenarios/x.yaml:4:59: error: spec.controllerTime.clusterAutoscaler.snapshotPerNodeMs: expected milliseconds from 0 "
        "to 3600000, got \"-1\"");
  CHECK(error("{cluster-autoscaler: typical}") ==
        "scenarios/x.yaml:4:20: error: spec.controllerTime: unknown key \"cluster-autoscaler\", did you mean \"clusterAutoscaler\"?");
}
