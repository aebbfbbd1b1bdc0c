// Node groups belong to autoscalers (issue 24 item 2): a Cluster Autoscaler group (maxSize set)
// exists only in the Cluster Autoscaler's runs and the static cluster's unless its `autoscalers`
// says otherwise; a static group exists in every run; the lower bound has none. The result and
// the compare table say which groups each run started with.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "capsim/cli/cli.hpp"
#include "capsim/sim/simulation.hpp"
#include "support/cli_runner.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;

namespace {

using Groups = std::vector<std::pair<std::string, int>>;

// A NodePool, a Cluster Autoscaler group at minSize 1 (one m5.large) and a static system group.
std::string scenario(const std::string& ca_group_extra = "") {
  return test::scenario_doc("v1.14", "10m",
                            "  autoscalers: [karpenter, cluster-autoscaler]\n"
                            "  nodeGroups:\n"
                            "    - {name: workers, instanceType: m5.large, minSize: 1, maxSize: 5, zones: [us-east-1a], "
                            "amiFamily: AL2023" +
                                ca_group_extra +
                                "}\n"
                                "    - {name: system, instanceType: m5.large, count: 2, zones: [us-east-1a], amiFamily: "
                                "AL2023}\n") +
         test::node_pool_v1("default", "[{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                            "{consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 1m}") +
         test::deployment("web", 4, "500m", "512Mi");
}

Groups at_start(const sim::RunResult& r, const std::string& autoscaler) {
  for (const auto& x : r.results)
    if (x.autoscaler == autoscaler) return x.node_groups_at_start;
  FAIL("no result for " + autoscaler);
  return {};
}

sim::RunResult compare(const std::string& text) {
  sim::SimOptions opts;
  opts.catalog = catalog::Catalog::embedded();
  opts.check_invariants = true;
  return sim::compare_scenario(test::load_text(text), opts);
}

}  // namespace

TEST_CASE("a Cluster Autoscaler group is not in Karpenter's run; a static group is in every run", "[sim][node-groups]") {
  const auto r = compare(scenario());
  CHECK(at_start(r, "karpenter") == Groups{{"system", 2}});
  CHECK(at_start(r, "cluster-autoscaler") == Groups{{"workers", 1}, {"system", 2}});
  CHECK(at_start(r, "static") == Groups{{"workers", 1}, {"system", 2}});
  CHECK(at_start(r, "lower-bound").empty());
  // Karpenter's run never has a workers node.
  for (const auto& x : r.results)
    if (x.autoscaler == "karpenter")
      for (const auto& s : x.node_sizes) CHECK(s.node_pool != "workers");
}

TEST_CASE("a node group's autoscalers names the runs it is in", "[sim][node-groups]") {
  const auto r = compare(scenario(", autoscalers: [karpenter, cluster-autoscaler]"));
  CHECK(at_start(r, "karpenter") == Groups{{"workers", 1}, {"system", 2}});
  CHECK(at_start(r, "static") == Groups{{"system", 2}});
  try {
    (void)test::load_text(scenario(", autoscalers: [lower-bound]"));
    FAIL("loaded");
  } catch (const InputError& e) {
    CHECK(e.diagnostics().front().render() ==
          "test.yaml:11:125: error: spec.nodeGroups[0].autoscalers[0]: expected one of \"karpenter\", "
          "\"cluster-autoscaler\", \"static\", got \"lower-bound\"");
  }
}

TEST_CASE("capsim compare: the table says which node groups each run started with", "[cli][node-groups]") {
  const auto f = std::filesystem::temp_directory_path() / "capsim-test-node-group-runs.yaml";
  std::ofstream(f) << scenario();
  const auto out = test::run_cli({"--quiet", "compare", f.string()});
  REQUIRE(out.rc == cli::k_exit_ok);
  CHECK(out.out.find("\n  at start in group workers          -                   1         1            -\n") !=
        std::string::npos);
  CHECK(out.out.find("\n  at start in group system           2                   2         2            -\n") !=
        std::string::npos);
}
