// Golden decision logs (report/golden.hpp): runs reduced to their decisions and compared
// semantically - instance type changes, decisions that no longer happen or are new, time and cost
// tolerances, ignored categories, node names left out - and the check reports built on them.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "capsim/report/check_report.hpp"
#include "capsim/report/golden.hpp"

using namespace capsim;
using capsim::report::compare_golden;
using capsim::report::golden_runs;

namespace {

nlohmann::json launch(double at, const std::string& type, const std::string& zone = "us-east-1b") {
  return {{"atSeconds", at}, {"capacityType", "on-demand"}, {"instanceType", type}, {"launchedAtSeconds", at + 2},
          {"node", "ip-10-0-0-9.us-east-1.compute.internal"}, {"nodePool", "general"}, {"pricePerHourUsd", 0.1},
          {"reason", "provisionable pods"}, {"zone", zone}};
}

nlohmann::json result(double cost, const nlohmann::json& launches) {
  return {{"durationSeconds", 7200.0},
          {"results",
           {{{"autoscaler", "karpenter"},
             {"launches", launches},
             {"terminations", nlohmann::json::array()},
             {"summary", {{"costUsd", cost}, {"peakNodes", 3}, {"nodesTerminated", 1}, {"podPendingSeconds", {{"p95", 43.0}}}}}}}}};
}

const std::string k_delete =
    R"({"atSeconds":2410.0,"autoscaler":"karpenter","instanceTypes":[],"kind":"disrupt","message":"disrupting nodeclaim(s) via delete, terminating 1 nodes (2 pods) ip-10-0-0-7.us-east-1.compute.internal/m6i.large/on-demand","nodePool":"general","nodes":["ip-10-0-0-7.us-east-1.compute.internal"],"pods":["a","b"],"reason":"underutilized","time":"00:40:10.000"})";
const std::string k_noise =
    R"({"atSeconds":10.0,"autoscaler":"karpenter","instanceTypes":[],"kind":"disrupt","message":"node x unconsolidatable","nodePool":"general","nodes":[],"pods":[],"reason":"unconsolidatable","time":"00:00:10.000"})";

}  // namespace

TEST_CASE("golden: an identical run passes; per-pass notes are not compared", "[report][golden]") {
  auto g = golden_runs(result(21.61, nlohmann::json::array({launch(750, "m6i.xlarge")})), k_delete + "\n" + k_noise + "\n");
  REQUIRE(g.size() == 1);
  CHECK(g[0].events.size() == 2);  // the launch and the DELETE command; not the unconsolidatable note
  auto c = compare_golden(g, golden_runs(result(21.61, nlohmann::json::array({launch(750, "m6i.xlarge")})), k_delete + "\n"), {});
  REQUIRE(c.size() == 1);
  CHECK(c[0].passed);
  CHECK(c[0].differences.empty());
  CHECK(c[0].cost_line == "cost $21.61 -> $21.61 (+0.0 %)");
}

TEST_CASE("golden: a different instance type, a decision gone, a new one, and the cost", "[report][golden]") {
  auto before = golden_runs(result(21.61, nlohmann::json::array({launch(750, "m6i.xlarge")})), k_delete + "\n");
  auto after = golden_runs(result(23.04, nlohmann::json::array({launch(750, "m6i.2xlarge"), launch(900, "c6i.large", "us-east-1a")})), "");
  auto c = compare_golden(before, after, {});
  REQUIRE(c.size() == 1);
  CHECK_FALSE(c[0].passed);
  CHECK(c[0].cost_line == "cost $21.61 -> $23.04 (+6.6 %)");
  CHECK(c[0].differences ==
        std::vector<std::string>{
            "00:12:30.000 karpenter launched m6i.2xlarge in us-east-1b (on-demand, nodepool general) instead of "
            "m6i.xlarge in us-east-1b (on-demand)",
            "00:15:00.000 karpenter launched c6i.large in us-east-1a (on-demand, nodepool general) (new)",
            "00:40:10.000 karpenter disrupt underutilized (general): disrupting nodeclaim(s) via delete, terminating 1 "
            "nodes (2 pods) <node>/m6i.large/on-demand no longer happens"});
}

TEST_CASE("golden: node names are not compared", "[report][golden]") {
  std::string renamed = k_delete;
  for (auto p = renamed.find("ip-10-0-0-7"); p != std::string::npos; p = renamed.find("ip-10-0-0-7"))
    renamed.replace(p, 11, "ip-10-0-0-8");
  auto c = compare_golden(golden_runs(result(1, nlohmann::json::array()), k_delete + "\n"), golden_runs(result(1, nlohmann::json::array()), renamed + "\n"), {});
  CHECK(c[0].passed);
}

TEST_CASE("golden: time shift, cost tolerance and ignored categories", "[report][golden]") {
  auto before = golden_runs(result(100.0, nlohmann::json::array({launch(750, "m6i.xlarge")})), "");
  auto later = golden_runs(result(101.5, nlohmann::json::array({launch(770, "m6i.xlarge")})), "");
  spec::GoldenSettings strict;
  auto c = compare_golden(before, later, strict);
  CHECK_FALSE(c[0].passed);
  REQUIRE(c[0].differences.size() == 1);  // the launch moved from 12:30 to 12:50
  CHECK(c[0].differences[0] == "00:12:50.000 karpenter launched m6i.xlarge in us-east-1b (on-demand, nodepool general) moved 20s later");
  spec::GoldenSettings loose;
  loose.time_tolerance = Duration::seconds(30);
  loose.cost_tolerance = 0.02;
  CHECK(compare_golden(before, later, loose)[0].passed);  // 20 s within 30 s, +1.5 % within 2 %
  loose.cost_tolerance = 0.01;
  CHECK_FALSE(compare_golden(before, later, loose)[0].passed);
  loose.ignore = {"cost"};
  CHECK(compare_golden(before, later, loose)[0].passed);
  spec::GoldenSettings no_launches;
  no_launches.ignore = {"launch", "cost"};
  CHECK(compare_golden(before, golden_runs(result(1, nlohmann::json::array({launch(10, "c6i.large")})), ""), no_launches)[0].passed);
}

TEST_CASE("golden: an autoscaler on one side only fails", "[report][golden]") {
  auto c = compare_golden({}, golden_runs(result(1, nlohmann::json::array()), ""), {});
  REQUIRE(c.size() == 1);
  CHECK_FALSE(c[0].passed);
  CHECK(c[0].differences == std::vector<std::string>{"00:00:00.000 the golden has no karpenter run"});
}

TEST_CASE("format_usd: two decimals, thousands separators", "[report][golden]") {
  CHECK(report::format_usd(1240) == "$1,240.00");
  CHECK(report::format_usd(21.605) == "$21.61");
  CHECK(report::format_usd(-1234567.891) == "-$1,234,567.89");
  CHECK(report::format_usd(0) == "$0.00");
}

TEST_CASE("check reports: text lines, JUnit escaping and the Markdown headline", "[report][golden]") {
  report::CheckedScenario s;
  s.file = "scenarios/a&b.yaml";
  s.name = "a&b";
  s.expectations = {{"karpenter", "nodesLaunched", "<=", 5, 7, false, "scenarios/a&b.yaml:30:7"}};
  s.golden_checked = true;
  s.golden_dir = "tests/golden/a&b";
  // 2 h runs: monthly = cost / 2 h x 730.
  s.golden = compare_golden(golden_runs(result(20.0, nlohmann::json::array({launch(750, "m6i.xlarge")})), ""),
                            golden_runs(result(22.0, nlohmann::json::array({launch(750, "m6i.2xlarge")})), ""), {});
  const std::vector<report::CheckedScenario> all{s};
  CHECK_FALSE(report::scenario_passed(s));
  const std::string text = report::check_text(all);
  CHECK_THAT(text, Catch::Contains("FAIL  karpenter  nodesLaunched <= 5  actual 7  scenarios/a&b.yaml:30:7\n"));
  CHECK_THAT(text, Catch::Contains("FAIL  karpenter  golden tests/golden/a&b  scenarios/a&b.yaml: 1 diverging decision(s), "
                                   "cost $20.00 -> $22.00 (+10.0 %)\n"));
  CHECK_THAT(text, Catch::EndsWith("1 scenario(s): 0 passed, 2 failed\n"));
  const std::string xml = report::junit_xml(all);
  CHECK_THAT(xml, Catch::Contains("<testsuites name=\"capsim check\" tests=\"2\" failures=\"2\" errors=\"0\" time=\"0\">"));
  CHECK_THAT(xml, Catch::Contains("name=\"a&amp;b/karpenter/nodesLaunched &lt;= 5\""));
  CHECK_THAT(xml, Catch::Contains("<failure message=\"nodesLaunched &lt;= 5 failed: actual 7 (scenarios/a&amp;b.yaml:30:7)\" "
                                  "type=\"expectation\">"));
  const std::string md = report::check_markdown(all);
  CHECK_THAT(md, Catch::StartsWith("## capsim check\n\n**1 of 1 scenario changed**, largest monthly change a&b / karpenter "
                                   "+$730.00 (+10.0 %), 1 failed expectation\n"));
  // Failed expectations come before the table.
  CHECK(md.find("### Failed expectations") < md.find("### Scenarios"));
  CHECK_THAT(md, Catch::Contains("| a&b | karpenter | $7,300.00 → $8,030.00 | +$730.00 (+10.0 %) | 3 | 43 | 1 | 1 changed |"));
  CHECK_THAT(md, Catch::Contains("<details><summary>a&amp;b / karpenter: 1 diverging decision(s), cost $20.00 -&gt; $22.00 (+10.0 %)</summary>"));
}

TEST_CASE("compare_golden: a decision that only moved in time is one 'moved' line", "[golden]") {
  // consolidateAfter 5m -> 30s: the same termination 4m30s earlier. Beyond 15 minutes it is a
  // different decision: one gone, one new.
  auto run = [](std::vector<std::pair<double, std::string>> events) {
    report::GoldenRun r;
    r.autoscaler = "karpenter";
    r.duration_s = 3600;
    for (const auto& [at, detail] : events)
      r.events.push_back(report::GoldenEvent{at, "termination", "termination|underutilized|default", detail,
                                             "karpenter terminated " + detail + " (underutilized)"});
    return std::vector<report::GoldenRun>{r};
  };
  spec::GoldenSettings tol;
  const auto c = report::compare_golden(run({{600, "m5.large"}, {700, "c5.large"}}),
                                        run({{330, "m5.large"}, {2500, "c5.large"}}), tol);
  REQUIRE(c.size() == 1);
  CHECK(c[0].differences == std::vector<std::string>{
                                "00:05:30.000 karpenter terminated m5.large (underutilized) moved 4m30s earlier",
                                "00:11:40.000 karpenter terminated c5.large (underutilized) no longer happens",
                                "00:41:40.000 karpenter terminated c5.large (underutilized) (new)"});
}
