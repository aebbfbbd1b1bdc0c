// compare_table: the side-by-side view of `capsim compare` on the hand-built fixture run plus a
// lower-bound result; exact text, "-" where a value does not apply, union rows in byte order, the
// monthly figure as capsim check's reports give it (cost per simulated hour x 730: 2 h here).
#include <catch2/catch.hpp>

#include <algorithm>

#include <cmath>
#include <string>

#include "capsim/report/compare_table.hpp"
#include "capsim/sim/result.hpp"
#include "unit/report/test_report_fixture.hpp"

using capsim::Money;

namespace {

capsim::sim::RunResult run_with_lower_bound() {
  auto run = capsim::report::test::make_run_result();
  capsim::sim::AutoscalerResult lb;
  lb.autoscaler = "lower-bound";
  lb.summary.cost = Money{61'728'394};  // 0.061728394 USD
  lb.summary.node_hours = 0.123456789;
  lb.summary.pods_created = 5;
  run.results.push_back(lb);
  run.results[0].summary.cost_ratio_to_lower_bound = 2.0000000081;
  run.results[1].summary.cost_ratio_to_lower_bound = 0.0000016200;
  run.results[1].summary.terminations_by_reason = {{"scale-down", 2}};
  run.results[1].summary.nodes_by_instance_type = {{"m5.2xlarge", 1}};
  run.results[1].summary.spot_share = 0.12345;
  return run;
}

}  // namespace

TEST_CASE("compare_table puts the autoscalers side by side", "[report][compare]") {
  const std::string expected = R"(
scenario basic (scenarios/basic.yaml), region us-east-1, seed 42, duration 2h
compared on the identical workload, catalog and seed: karpenter, cluster-autoscaler, lower-bound

METRIC                      karpenter  cluster-autoscaler  lower-bound
nodes
  peak                              2                   1            -
  node-hours                      0.3                   2     0.123457
  launched                          2                   1            -
    c5.xlarge                       1                   0            -
    m5.2xlarge                      0                   1            -
    m5.large                        1                   0            -
cost
  USD                        0.123457                   0     0.061728
  monthly (730 h)              $45.06               $0.00       $22.53
  ratio to lower bound              2                   0            -
pods
  created                           5                   5            5
  pending at end                    0                   1            -
  pending p50 (s)                 0.1                   0            -
  pending p95 (s)              12.346                   0            -
  pending max (s)                  30                   0            -
disruptions
  terminations                      1                   0            -
    empty                           1                   0            -
    scale-down                      0                   2            -
  evictions                         3                   0            -
spot share (of node-hours)        30%               12.3%           0%

expectations: 1 passed, 1 failed
  RESULT  AUTOSCALER  EXPECTATION           ACTUAL  LOCATION
  PASS    karpenter   nodesLaunched <= 5         2  scenarios/basic.yaml:30:7
  FAIL    karpenter   costUsd < 0.1       0.123457  scenarios/basic.yaml:31:7
)";
  CHECK(capsim::report::compare_table(run_with_lower_bound()) == expected.substr(1));
}

TEST_CASE("compare_table leaves out the ratio row without a lower bound and prints - for a 0 bound", "[report][compare]") {
  auto run = capsim::report::test::make_run_result();
  CHECK(capsim::report::compare_table(run).find("ratio to lower bound") == std::string::npos);
  run.results[0].summary.cost_ratio_to_lower_bound = std::nan("");
  const std::string t = capsim::report::compare_table(run);
  CHECK(t.find("\n  ratio to lower bound              -                   -\n") != std::string::npos);
}

TEST_CASE("compare_table lists each run's bill line by line, '-' for the lower bound", "[report][compare][billing]") {
  auto run = run_with_lower_bound();
  run.results[0].bill = {{"EC2 on-demand instances", "", Money{123'457'000}}, {"EKS cluster fee", "", Money{200'000'000}}};
  run.results[0].summary.total_cost = Money{323'457'000};
  run.results[1].bill = {{"EBS gp3 volumes", "", Money{4'383'562}}, {"EKS cluster fee", "", Money{200'000'000}}};
  run.results[1].summary.total_cost = Money{204'383'562};
  // Spacing aside (the label column widens to the longest line item): the rows in order.
  std::string out = capsim::report::compare_table(run);
  out.erase(std::unique(out.begin(), out.end(), [](char a, char b) { return a == ' ' && b == ' '; }), out.end());
  CHECK(out.find(" monthly (730 h) $45.06 $0.00 $22.53\n"
                 " bill total USD 0.323457 0.204384 -\n"
                 " EC2 on-demand instances 0.123457 0 -\n"
                 " EKS cluster fee 0.2 0.2 -\n"
                 " EBS gp3 volumes 0 0.004384 -\n"
                 " ratio to lower bound 2 0 -\n") != std::string::npos);
}
