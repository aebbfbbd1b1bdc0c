// Report decision log: one sorted-key JSON object per line per Decision, clock time, fallback
// autoscaler name, concatenation across autoscalers.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "capsim/report/decision_log.hpp"
#include "capsim/sim/result.hpp"
#include "unit/report/test_report_fixture.hpp"

using capsim::report::decision_log_jsonl;

TEST_CASE("decision_log_jsonl writes one sorted-key object per decision", "[report]") {
  const auto r = capsim::report::test::make_karpenter_result();
  CHECK(decision_log_jsonl(r) ==
        R"j({"atSeconds":10.0,"autoscaler":"karpenter","instanceTypes":["m5.large","c5.xlarge"],"kind":"provision",)j"
        R"j("message":"found provisionable pod(s)","nodePool":"default","nodes":["node-1","node-2"],)j"
        R"j("pods":["default/web-0","default/web-1"],"reason":"provisionable pods","time":"00:00:10.000"})j"
        "\n"
        R"j({"atSeconds":330.0,"autoscaler":"karpenter","instanceTypes":["c5.xlarge"],"kind":"disrupt",)j"
        R"j("message":"disrupting nodeclaim(s) via delete","nodePool":"default","nodes":["node-2"],"pods":[],)j"
        R"j("reason":"empty","time":"00:05:30.000"})j"
        "\n");
}

TEST_CASE("decision_log_jsonl lines parse and keep list order", "[report]") {
  const auto r = capsim::report::test::make_karpenter_result();
  const std::string log = decision_log_jsonl(r);
  const auto first = nlohmann::json::parse(log.substr(0, log.find('\n')));
  CHECK(first.at("instanceTypes") == nlohmann::json({"m5.large", "c5.xlarge"}));
  CHECK(first.size() == 10);
}

TEST_CASE("decision_log_jsonl of a run concatenates autoscalers in result order", "[report]") {
  auto run = capsim::report::test::make_run_result();
  run.results[1].decisions.push_back({capsim::SimTime{3'723'004}, "cluster-autoscaler", "provision", "scale-up", "ng-a",
                                      {"ng-a-1"}, {"m5.2xlarge"}, {"default/batch-0"}, "scale-up: group ng-a 0->1"});
  const std::string log = decision_log_jsonl(run);
  CHECK(log.rfind(decision_log_jsonl(run.results[0]), 0) == 0);
  CHECK(log.substr(decision_log_jsonl(run.results[0]).size()) ==
        R"j({"atSeconds":3723.004,"autoscaler":"cluster-autoscaler","instanceTypes":["m5.2xlarge"],"kind":"provision",)j"
        R"j("message":"scale-up: group ng-a 0->1","nodePool":"ng-a","nodes":["ng-a-1"],"pods":["default/batch-0"],)j"
        R"j("reason":"scale-up","time":"01:02:03.004"})j"
        "\n");
}

TEST_CASE("decision_log_jsonl of no decisions is empty", "[report]") {
  CHECK(decision_log_jsonl(capsim::sim::AutoscalerResult{}).empty());
  CHECK(decision_log_jsonl(capsim::sim::RunResult{}).empty());
}
