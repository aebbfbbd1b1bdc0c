// report::to_openmetrics: families contiguous with TYPE and HELP, counters' samples named
// <family>_total, label values escaped, timestamps = startTime + t in seconds, "# EOF" last.
#include <catch2/catch.hpp>

#include "capsim/report/openmetrics.hpp"
#include "capsim/sim/result.hpp"

using namespace capsim;

TEST_CASE("openmetrics: gauges, counters and the terminator", "[report][openmetrics]") {
  sim::RunResult run;
  run.start_time_unix_s = 1767571200;
  sim::AutoscalerResult r;
  r.autoscaler = "karpenter";
  sim::Sample a;
  a.at = SimTime{0};
  a.nodes_by_type = {{"m5.large", 2}, {"", 1}};
  a.pending_pods = 3;
  a.running_pods = 4;
  a.cost_rate_per_hour = Money::from_usd(0.192);
  sim::Sample b = a;
  b.at = SimTime{0} + Duration::seconds(60);
  b.nodes_by_type = {{"m5.large", 3}};
  b.pending_pods = 0;
  r.samples = {a, b};
  sim::LaunchRecord l;
  l.launched_at = SimTime{0} + Duration::seconds(45);
  l.node_pool = "team \"a\"";
  r.launches = {l};
  run.results = {r};
  const std::string om = report::to_openmetrics(run);
  CHECK(om ==
        "# TYPE kube_pod_status_phase gauge\n"
        "# HELP kube_pod_status_phase Workload pods by phase (kube-state-metrics' per-pod series, summed).\n"
        "kube_pod_status_phase{autoscaler=\"karpenter\",phase=\"Pending\"} 3 1767571200.000\n"
        "kube_pod_status_phase{autoscaler=\"karpenter\",phase=\"Pending\"} 0 1767571260.000\n"
        "kube_pod_status_phase{autoscaler=\"karpenter\",phase=\"Running\"} 4 1767571200.000\n"
        "kube_pod_status_phase{autoscaler=\"karpenter\",phase=\"Running\"} 4 1767571260.000\n"
        "# TYPE capsim_nodes gauge\n"
        "# HELP capsim_nodes Live nodes by instance type (\"launching\": instance not yet running).\n"
        "capsim_nodes{autoscaler=\"karpenter\",instance_type=\"launching\"} 1 1767571200.000\n"
        "capsim_nodes{autoscaler=\"karpenter\",instance_type=\"launching\"} 0 1767571260.000\n"
        "capsim_nodes{autoscaler=\"karpenter\",instance_type=\"m5.large\"} 2 1767571200.000\n"
        "capsim_nodes{autoscaler=\"karpenter\",instance_type=\"m5.large\"} 3 1767571260.000\n"
        "# TYPE capsim_cost_rate_usd_per_hour gauge\n"
        "# HELP capsim_cost_rate_usd_per_hour Hourly price of the running instances, USD.\n"
        "capsim_cost_rate_usd_per_hour{autoscaler=\"karpenter\"} 0.192 1767571200.000\n"
        "capsim_cost_rate_usd_per_hour{autoscaler=\"karpenter\"} 0.192 1767571260.000\n"
        "# TYPE karpenter_nodes_created counter\n"
        "# HELP karpenter_nodes_created Nodes launched by Karpenter.\n"
        "karpenter_nodes_created_total{autoscaler=\"karpenter\",nodepool=\"team \\\"a\\\"\"} 0 1767571200.000\n"
        "karpenter_nodes_created_total{autoscaler=\"karpenter\",nodepool=\"team \\\"a\\\"\"} 1 1767571260.000\n"
        "# TYPE karpenter_nodes_terminated counter\n"
        "# HELP karpenter_nodes_terminated Nodes terminated by Karpenter.\n"
        "karpenter_nodes_terminated_total{autoscaler=\"karpenter\",nodepool=\"team \\\"a\\\"\"} 0 1767571200.000\n"
        "karpenter_nodes_terminated_total{autoscaler=\"karpenter\",nodepool=\"team \\\"a\\\"\"} 0 1767571260.000\n"
        "# EOF\n");
}
