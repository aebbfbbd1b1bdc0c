// Report text summary: the exact terminal rendering of a hand-built run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "capsim/report/text_summary.hpp"
#include "capsim/sim/result.hpp"
#include "unit/report/test_report_fixture.hpp"

using capsim::report::text_summary;

TEST_CASE("text_summary renders header, metrics, launches, terminations and expectations", "[report]") {
  const std::string expected = R"(
scenario basic (scenarios/basic.yaml), region us-east-1, seed 42, duration 2h

[karpenter]
  nodes launched              2
  nodes terminated            1
  peak nodes                  2
  final nodes                 1
  node hours                0.3
  cost (USD)           0.123457
  pods created                5
  pods pending at end         0
  pod pending p50 (s)       0.1
  pod pending p95 (s)    12.346
  pod pending max (s)        30
  decisions                   2
  launches: 2
    TIME          RUNNING       NODE    TYPE       ZONE        CAPACITY   POOL     USD/H  REASON
    00:00:10.000  00:01:10.500  node-1  m5.large   us-east-1a  on-demand  default  0.096  provisionable pods
    00:00:10.000  00:01:11.000  node-2  c5.xlarge  us-east-1b  spot       default  0.068  provisionable pods
  terminations: 1
    TIME          GONE          NODE    TYPE       REASON
    01:00:00.000  01:00:30.000  node-2  c5.xlarge  empty

[cluster-autoscaler]
  nodes launched       1
  nodes terminated     0
  peak nodes           1
  final nodes          1
  node hours           2
  cost (USD)           0
  pods created         5
  pods pending at end  1
  pod pending p50 (s)  0
  pod pending p95 (s)  0
  pod pending max (s)  0
  decisions            0
  launches: 1
    TIME          RUNNING       NODE    TYPE        ZONE        CAPACITY   POOL  USD/H  REASON
    00:00:20.000  00:01:20.000  ng-a-1  m5.2xlarge  us-east-1a  on-demand  ng-a  0.384  pods didn't fit
  terminations: 0

expectations: 1 passed, 1 failed
  RESULT  AUTOSCALER  EXPECTATION           ACTUAL  LOCATION
  PASS    karpenter   nodesLaunched <= 5         2  scenarios/basic.yaml:30:7
  FAIL    karpenter   costUsd < 0.1       0.123457  scenarios/basic.yaml:31:7
)";
  CHECK(text_summary(capsim::report::test::make_run_result()) == expected.substr(1));
}

TEST_CASE("text_summary of an empty run", "[report]") {
  capsim::sim::RunResult run;
  run.duration = capsim::Duration::seconds(90);
  CHECK(text_summary(run) ==
        "scenario -, region -, seed 0, duration 1m30s\n"
        "\n"
        "expectations: none\n");
}

TEST_CASE("text_summary lines are ASCII without trailing spaces and show '-' for empty cells", "[report]") {
  auto run = capsim::report::test::make_run_result();
  run.results[0].launches[0].zone.clear();
  const std::string s = text_summary(run);
  std::size_t start = 0;
  while (start < s.size()) {
    const std::size_t end = s.find('\n', start);
    REQUIRE(end != std::string::npos);
    const std::string line = s.substr(start, end - start);
    CHECK((line.empty() || line.back() != ' '));
    start = end + 1;
  }
  const bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return (c >= 0x20 && c < 0x7f) || c == '\n'; });
  CHECK(ascii);
  CHECK(s.find("node-1  m5.large   -           on-demand") != std::string::npos);
}

TEST_CASE("text_summary always names what is not modelled, before the results", "[report]") {
  capsim::sim::RunResult run;
  run.duration = capsim::Duration::seconds(90);
  run.not_modelled = capsim::group_diagnostics(
      {capsim::Diagnostic{"d.yaml", 5, 5, capsim::Severity::warning, "", "kind \"Node\" (apiVersion \"v1\") is not modelled"},
       capsim::Diagnostic{"d.yaml", 90, 5, capsim::Severity::warning, "", "kind \"Node\" (apiVersion \"v1\") is not modelled"},
       capsim::Diagnostic{"d.yaml", 120, 9, capsim::Severity::warning, "", "field \"spec.nodeName\" is not modelled and is ignored"}});
  CHECK(text_summary(run) ==
        "scenario -, region -, seed 0, duration 1m30s\n"
        "\n"
        "not modelled (these can change the answer):\n"
        "  d.yaml:5:5: warning: kind \"Node\" (apiVersion \"v1\") is not modelled (2 places, the first shown)\n"
        "  d.yaml:120:9: warning: field \"spec.nodeName\" is not modelled and is ignored\n"
        "\n"
        "expectations: none\n");
}

TEST_CASE("text_summary prints the bill's lines and total after the metrics", "[report][billing]") {
  auto run = capsim::report::test::make_run_result();
  auto& r = run.results[0];
  r.bill = {{"EC2 on-demand instances", "2.00 instance-hours", capsim::Money{192'000'000}},
            {"EBS gp3 volumes", "0.0548 GiB-months at $0.08", capsim::Money{4'383'562}},
            {"EKS cluster fee", "standard support, 2.00 h at $0.1", capsim::Money{200'000'000}}};
  r.summary.total_cost = capsim::Money{396'383'562};
  const std::string out = text_summary(run);
  CHECK(out.find("  decisions                   2\n"
                 "  bill (USD):\n"
                 "    EC2 on-demand instances     0.192  2.00 instance-hours\n"
                 "    EBS gp3 volumes          0.004384  0.0548 GiB-months at $0.08\n"
                 "    EKS cluster fee               0.2  standard support, 2.00 h at $0.1\n"
                 "    total                    0.396384  every line above\n"
                 "  launches: 2\n") != std::string::npos);
  CHECK(text_summary(capsim::report::test::make_run_result()).find("bill (USD)") == std::string::npos);  // no bill
}
