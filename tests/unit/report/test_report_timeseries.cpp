// Report time series CSV: header with per-type columns, missing types as 0, launching nodes,
// the multi-autoscaler union, and RFC 4180 quoting.
#include <catch2/catch.hpp>

#include <string>

#include "capsim/report/timeseries.hpp"
#include "capsim/sim/result.hpp"
#include "unit/report/test_report_fixture.hpp"

using capsim::report::timeseries_csv;

TEST_CASE("timeseries_csv of one autoscaler", "[report]") {
  CHECK(timeseries_csv(capsim::report::test::make_karpenter_result()) ==
        "time_seconds,autoscaler,pending_pods,running_pods,nodes,cost_rate_usd_per_hour,"
        "nodes_launching,nodes_c5.xlarge,nodes_m5.large\n"
        "0,karpenter,0,0,0,0,0,0,0\n"
        "60,karpenter,2,0,2,0,2,0,0\n"
        "120.5,karpenter,0,2,2,0.164,0,1,1\n");
}

TEST_CASE("timeseries_csv of a run puts every autoscaler under one header", "[report]") {
  CHECK(timeseries_csv(capsim::report::test::make_run_result()) ==
        "time_seconds,autoscaler,pending_pods,running_pods,nodes,cost_rate_usd_per_hour,"
        "nodes_launching,nodes_c5.xlarge,nodes_m5.2xlarge,nodes_m5.large\n"
        "0,karpenter,0,0,0,0,0,0,0,0\n"
        "60,karpenter,2,0,2,0,2,0,0,0\n"
        "120.5,karpenter,0,2,2,0.164,0,1,0,1\n"
        "60,cluster-autoscaler,1,4,1,0.384,0,0,1,0\n");
}

TEST_CASE("timeseries_csv without samples is the header alone", "[report]") {
  CHECK(timeseries_csv(capsim::sim::AutoscalerResult{}) ==
        "time_seconds,autoscaler,pending_pods,running_pods,nodes,cost_rate_usd_per_hour\n");
  CHECK(timeseries_csv(capsim::sim::RunResult{}) ==
        "time_seconds,autoscaler,pending_pods,running_pods,nodes,cost_rate_usd_per_hour\n");
}

TEST_CASE("timeseries_csv quotes fields with separators and rounds cost to micro-USD", "[report]") {
  capsim::sim::AutoscalerResult r;
  r.autoscaler = "static \"a,b\"";
  r.samples.push_back({capsim::SimTime{1}, {{"x,y", 3}}, 0, 3, capsim::Money{1'234'567'890'123}});
  CHECK(timeseries_csv(r) ==
        "time_seconds,autoscaler,pending_pods,running_pods,nodes,cost_rate_usd_per_hour,\"nodes_x,y\"\n"
        "0.001,\"static \"\"a,b\"\"\",0,3,3,1234.56789,3\n");
}
