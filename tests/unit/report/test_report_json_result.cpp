// Report JSON result: the exact document for a hand-built run, its schema keys, and the stable
// number rendering (integer rounding, fixed notation, no binary noise like 0.30000000000000004).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "capsim/report/json_result.hpp"
#include "capsim/sim/result.hpp"
#include "unit/report/test_report_fixture.hpp"

using capsim::Duration;
using capsim::Money;
using capsim::SimTime;
using capsim::report::dump_stable;
using capsim::report::format_number;
using capsim::report::result_json;
using capsim::report::round_to;
using capsim::report::seconds_3;
using capsim::report::to_json;
using capsim::report::usd_6;

namespace {
std::string dump_usd(std::int64_t nano) { return dump_stable(nlohmann::json(usd_6(Money{nano})), -1); }
std::string dump_num(double v) { return dump_stable(nlohmann::json(v), -1); }
}  // namespace

TEST_CASE("to_json renders the whole run with sorted keys, 2-space indent and stable numbers", "[report]") {
  const std::string expected = R"(
{
  "durationSeconds": 7200.0,
  "expectations": [
    {
      "actual": 2.0,
      "autoscaler": "karpenter",
      "expected": 5.0,
      "location": "scenarios/basic.yaml:30:7",
      "metric": "nodesLaunched",
      "op": "<=",
      "passed": true
    },
    {
      "actual": 0.123457,
      "autoscaler": "karpenter",
      "expected": 0.1,
      "location": "scenarios/basic.yaml:31:7",
      "metric": "costUsd",
      "op": "<",
      "passed": false
    }
  ],
  "notModelled": [],
  "region": "us-east-1",
  "results": [
    {
      "autoscaler": "karpenter",
      "bill": [],
      "decisionCount": 2,
      "launches": [
        {
          "atSeconds": 10.0,
          "capacityType": "on-demand",
          "instanceType": "m5.large",
          "launchedAtSeconds": 70.5,
          "node": "node-1",
          "nodePool": "default",
          "pricePerHourUsd": 0.096,
          "reason": "provisionable pods",
          "zone": "us-east-1a"
        },
        {
          "atSeconds": 10.0,
          "capacityType": "spot",
          "instanceType": "c5.xlarge",
          "launchedAtSeconds": 71.0,
          "node": "node-2",
          "nodePool": "default",
          "pricePerHourUsd": 0.068,
          "reason": "provisionable pods",
          "zone": "us-east-1b"
        }
      ],
      "nodeGroupsAtStart": [],
      "nodeSizes": [],
      "pendingWorkloads": [],
      "prices": [],
      "summary": {
        "costUsd": 0.123457,
        "evictions": 3,
        "finalNodes": 1,
        "nodeHours": 0.3,
        "nodesByInstanceType": {
          "c5.xlarge": 1,
          "m5.large": 1
        },
        "nodesLaunched": 2,
        "nodesTerminated": 1,
        "peakNodes": 2,
        "podPendingSeconds": {
          "max": 30.0,
          "p50": 0.1,
          "p95": 12.346,
          "p99": 0.0
        },
        "podsCreated": 5,
        "podsPendingAtEnd": 0,
        "spotShare": 0.3,
        "terminationsByReason": {
          "empty": 1
        }
      },
      "terminations": [
        {
          "atSeconds": 3600.0,
          "instanceType": "c5.xlarge",
          "node": "node-2",
          "reason": "empty",
          "terminatedAtSeconds": 3630.0
        }
      ]
    },
    {
      "autoscaler": "cluster-autoscaler",
      "bill": [],
      "decisionCount": 0,
      "launches": [
        {
          "atSeconds": 20.0,
          "capacityType": "on-demand",
          "instanceType": "m5.2xlarge",
          "launchedAtSeconds": 80.0,
          "node": "ng-a-1",
          "nodePool": "ng-a",
          "pricePerHourUsd": 0.384,
          "reason": "pods didn't fit",
          "zone": "us-east-1a"
        }
      ],
      "nodeGroupsAtStart": [],
      "nodeSizes": [],
      "pendingWorkloads": [],
      "prices": [],
      "summary": {
        "costUsd": 0.0,
        "evictions": 0,
        "finalNodes": 1,
        "nodeHours": 2.0,
        "nodesByInstanceType": {},
        "nodesLaunched": 1,
        "nodesTerminated": 0,
        "peakNodes": 1,
        "podPendingSeconds": {
          "max": 0.0,
          "p50": 0.0,
          "p95": 0.0,
          "p99": 0.0
        },
        "podsCreated": 5,
        "podsPendingAtEnd": 1,
        "spotShare": 0.0,
        "terminationsByReason": {}
      },
      "terminations": []
    }
  ],
  "scenario": "basic",
  "scenarioFile": "scenarios/basic.yaml",
  "schemaVersion": 1,
  "seed": 42
}
)";
  const std::string actual = to_json(capsim::report::test::make_run_result());
  CHECK(actual == expected.substr(1));  // the raw string starts with a newline
}

TEST_CASE("to_json renders the bill, totalCostUsd and each price with its source", "[report][billing]") {
  auto run = capsim::report::test::make_run_result();
  auto& r = run.results[0];
  r.bill = {{"EC2 on-demand instances", "2.00 instance-hours", Money{192'000'000}},
            {"On-demand discount", "10 % off on-demand", Money{-19'200'000}},
            {"EKS cluster fee", "standard support, 2.00 h at $0.1", Money{200'000'000}}};
  r.summary.total_cost = Money{372'800'000};
  r.prices = {{"c5.xlarge", "spot", "us-east-1b", Money{68'000'000}, "spec.pricing.spotPrices", 1},
              {"m5.large", "on-demand", "", Money{96'000'000}, "karpenter zz_generated.pricing_aws.go, as of 2026-07-20", 1}};
  const auto j = result_json(run)["results"][0];
  CHECK(j["bill"].dump() ==
        R"([{"detail":"2.00 instance-hours","item":"EC2 on-demand instances","usd":0.192},)"
        R"({"detail":"10 % off on-demand","item":"On-demand discount","usd":-0.0192},)"
        R"({"detail":"standard support, 2.00 h at $0.1","item":"EKS cluster fee","usd":0.2}])");
  CHECK(j["summary"]["totalCostUsd"] == 0.3728);
  CHECK(j["prices"].dump() ==
        R"([{"capacityType":"spot","instanceType":"c5.xlarge","nodes":1,"source":"spec.pricing.spotPrices","usdPerHour":0.068,"zone":"us-east-1b"},)"
        R"({"capacityType":"on-demand","instanceType":"m5.large","nodes":1,"source":"karpenter zz_generated.pricing_aws.go, as of 2026-07-20","usdPerHour":0.096}])");
  CHECK(result_json(run)["results"][1]["summary"].count("totalCostUsd") == 0);  // no bill: the lower bound's case
}

TEST_CASE("to_json gives costRatioToLowerBound only where a ratio was set, null when the bound was 0", "[report]") {
  auto run = capsim::report::test::make_run_result();
  run.results[0].summary.cost_ratio_to_lower_bound = 1.23456789;
  run.results[1].summary.cost_ratio_to_lower_bound = std::nan("");
  const std::string json = to_json(run);
  CHECK(json.find("\"costRatioToLowerBound\": 1.234568,\n        \"costUsd\": 0.123457,") != std::string::npos);
  CHECK(json.find("\"costRatioToLowerBound\": null,\n        \"costUsd\": 0.0,") != std::string::npos);
  run.results[1].summary.cost_ratio_to_lower_bound.reset();
  CHECK(result_json(run)["results"][1]["summary"].count("costRatioToLowerBound") == 0);
}

TEST_CASE("to_json is byte-identical across calls and parses back as the same document", "[report]") {
  const auto run = capsim::report::test::make_run_result();
  const std::string a = to_json(run);
  CHECK(a == to_json(run));
  const auto parsed = nlohmann::json::parse(a);
  CHECK(parsed == capsim::report::result_json(run));
  CHECK(parsed.at("schemaVersion").is_number_integer());
  CHECK(parsed.at("schemaVersion") == 1);
  CHECK(parsed.at("results").size() == 2);
  // nlohmann's own layout agrees with ours except for float rendering.
  CHECK(nlohmann::json::parse(parsed.dump(2)) == parsed);
}

TEST_CASE("to_json of an empty run has empty arrays and a trailing newline", "[report]") {
  capsim::sim::RunResult run;
  CHECK(to_json(run) == R"({
  "durationSeconds": 0.0,
  "expectations": [],
  "notModelled": [],
  "region": "",
  "results": [],
  "scenario": "",
  "scenarioFile": "",
  "schemaVersion": 1,
  "seed": 0
}
)");
}

TEST_CASE("to_json keeps a 64-bit seed exact", "[report]") {
  capsim::sim::RunResult run;
  run.seed = std::numeric_limits<std::uint64_t>::max();
  CHECK(to_json(run).find(R"("seed": 18446744073709551615)") != std::string::npos);
}

TEST_CASE("money rounds to 6 decimals by integer arithmetic, half away from zero", "[report]") {
  CHECK(dump_usd(100'000'000) == "0.1");
  CHECK(dump_usd(100) == "0.0");  // 1e-7 USD
  CHECK(dump_usd(499) == "0.0");
  CHECK(dump_usd(500) == "0.000001");  // fixed notation, never 1e-06
  CHECK(dump_usd(1'500) == "0.000002");
  CHECK(dump_usd(-499) == "0.0");  // no negative zero
  CHECK(dump_usd(-500) == "-0.000001");
  CHECK(dump_usd(123'456'789) == "0.123457");
  CHECK(dump_usd(3'000'000'000) == "3.0");
  CHECK(dump_usd(1'234'567'890'123'456'789) == "1234567890.123457");
  const std::string max = dump_usd(std::numeric_limits<std::int64_t>::max());
  CHECK(max.find('e') == std::string::npos);
  CHECK(max.rfind("9223372036.85", 0) == 0);
  const std::string min = dump_usd(std::numeric_limits<std::int64_t>::min());
  CHECK(min.rfind("-9223372036.85", 0) == 0);
}

TEST_CASE("seconds render from milliseconds with up to 3 decimals", "[report]") {
  CHECK(dump_num(seconds_3(SimTime{100})) == "0.1");
  CHECK(dump_num(seconds_3(SimTime{1})) == "0.001");
  CHECK(dump_num(seconds_3(SimTime{330'000})) == "330.0");
  CHECK(dump_num(seconds_3(Duration{-1'500})) == "-1.5");
  CHECK(dump_num(seconds_3(Duration::hours(24 * 365 * 100))) == "3153600000.0");
}

TEST_CASE("round_to removes binary noise and leaves huge or non-finite values alone", "[report]") {
  CHECK(dump_num(round_to(0.1 + 0.2, 6)) == "0.3");
  CHECK(dump_num(round_to(0.1, 3)) == "0.1");
  CHECK(dump_num(round_to(12.3456, 3)) == "12.346");
  CHECK(dump_num(round_to(-12.3455001, 3)) == "-12.346");
  CHECK(dump_num(round_to(1e-7, 6)) == "0.0");
  CHECK(dump_num(round_to(-1e-7, 6)) == "0.0");
  CHECK(dump_num(round_to(2.5, 0)) == "3.0");
  CHECK(dump_num(round_to(1e20, 6)) == "100000000000000000000.0");
  CHECK(round_to(123456789012.345678, 6) == 123456789012.345678);  // beyond 2^53 micro-units
  CHECK(dump_num(round_to(9000000.1234564, 6)) == "9000000.123456");
  CHECK(std::isnan(round_to(std::nan(""), 3)));
  CHECK(dump_num(round_to(std::numeric_limits<double>::infinity(), 3)) == "null");
}

TEST_CASE("format_number prints the shortest round-trip decimal in fixed notation", "[report]") {
  CHECK(format_number(0.1, true) == "0.1");
  CHECK(format_number(0.1, false) == "0.1");
  CHECK(format_number(3.0, true) == "3.0");
  CHECK(format_number(3.0, false) == "3");
  CHECK(format_number(-0.0, true) == "0.0");
  CHECK(format_number(1e-7, true) == "0.0000001");
  CHECK(format_number(1e16, false) == "10000000000000000");
  CHECK(format_number(std::nan(""), false) == "nan");
  CHECK(format_number(-std::numeric_limits<double>::infinity(), false) == "-inf");
  CHECK(format_number(std::numeric_limits<double>::denorm_min(), true).rfind("0.000", 0) == 0);
}

TEST_CASE("dump_stable layouts, string escaping and non-finite floats", "[report]") {
  const nlohmann::json v = {{"b", nlohmann::json::array()}, {"a", {{"z", nullptr}, {"y", nlohmann::json::object()}}},
                            {"c", {1, -2, true, "x\"y\n\x01"}}, {"d", std::nan("")}};
  CHECK(dump_stable(v, -1) == R"({"a":{"y":{},"z":null},"b":[],"c":[1,-2,true,"x\"y\n\u0001"],"d":null})");
  CHECK(dump_stable(v, 2) == R"({
  "a": {
    "y": {},
    "z": null
  },
  "b": [],
  "c": [
    1,
    -2,
    true,
    "x\"y\n\u0001"
  ],
  "d": null
})");
  CHECK(dump_stable(nlohmann::json("bad \xff utf8"), -1) == "\"bad \xEF\xBF\xBD utf8\"");
}

TEST_CASE("to_json lists what is not modelled, grouped by message, with the first place and the count", "[report]") {
  capsim::sim::RunResult run;
  run.not_modelled = capsim::group_diagnostics(
      {capsim::Diagnostic{"d.yaml", 5, 5, capsim::Severity::warning, "", "kind \"Node\" (apiVersion \"v1\") is not modelled"},
       capsim::Diagnostic{"d.yaml", 90, 5, capsim::Severity::warning, "", "kind \"Node\" (apiVersion \"v1\") is not modelled"},
       capsim::Diagnostic{"d.yaml", 120, 9, capsim::Severity::warning, "",
                          "field \"spec.containers[1].resizePolicy\" is not modelled and is ignored"}});
  const auto j = nlohmann::json::parse(to_json(run));
  CHECK(j.at("notModelled") == nlohmann::json::parse(R"([
    {"column": 5, "count": 2, "file": "d.yaml", "line": 5, "message": "kind \"Node\" (apiVersion \"v1\") is not modelled"},
    {"column": 9, "count": 1, "file": "d.yaml", "line": 120,
     "message": "field \"spec.containers[].resizePolicy\" is not modelled and is ignored"}])"));
}
