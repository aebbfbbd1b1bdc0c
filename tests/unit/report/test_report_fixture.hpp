// A small hand-built RunResult shared by the report writer tests: two autoscalers, launches,
// a termination, decisions, samples (one with a launching node) and two expectations.
#pragma once

#include "capsim/sim/result.hpp"

namespace capsim::report::test {

inline sim::AutoscalerResult make_karpenter_result() {
  sim::AutoscalerResult r;
  r.autoscaler = "karpenter";
  r.summary.nodes_launched = 2;
  r.summary.nodes_terminated = 1;
  r.summary.peak_nodes = 2;
  r.summary.final_nodes = 1;
  r.summary.cost = Money{123'456'789};  // 0.123456789 USD -> 0.123457
  r.summary.node_hours = 0.1 + 0.2;     // 0.30000000000000004 -> 0.3
  r.summary.pods_created = 5;
  r.summary.pods_pending_at_end = 0;
  r.summary.pod_pending_p50_s = 0.1;
  r.summary.pod_pending_p95_s = 12.3456;  // -> 12.346
  r.summary.pod_pending_max_s = 30;
  r.summary.evictions = 3;
  r.summary.spot_share = 0.1 + 0.2;  // -> 0.3
  r.summary.terminations_by_reason = {{"empty", 1}};
  r.summary.nodes_by_instance_type = {{"m5.large", 1}, {"c5.xlarge", 1}};

  r.launches.push_back({SimTime{10'000}, SimTime{70'500}, "node-1", "m5.large", "us-east-1a", "on-demand", "default",
                        "provisionable pods", Money{96'000'000}});
  r.launches.push_back({SimTime{10'000}, SimTime{71'000}, "node-2", "c5.xlarge", "us-east-1b", "spot", "default",
                        "provisionable pods", Money{68'000'000}});
  r.terminations.push_back({SimTime{3'600'000}, SimTime{3'630'000}, "node-2", "c5.xlarge", "empty", "default"});

  r.decisions.push_back({SimTime{10'000},
                         "karpenter",
                         "provision",
                         "provisionable pods",
                         "default",
                         {"node-1", "node-2"},
                         {"m5.large", "c5.xlarge"},
                         {"default/web-0", "default/web-1"},
                         "found provisionable pod(s)"});
  r.decisions.push_back({SimTime{330'000},
                         "",  // falls back to the result's autoscaler
                         "disrupt",
                         "empty",
                         "default",
                         {"node-2"},
                         {"c5.xlarge"},
                         {},
                         "disrupting nodeclaim(s) via delete"});
  r.decision_count = r.decisions.size();

  r.samples.push_back({SimTime{0}, {}, 0, 0, Money{0}});
  r.samples.push_back({SimTime{60'000}, {{"", 2}}, 2, 0, Money{0}});
  r.samples.push_back({SimTime{120'500}, {{"c5.xlarge", 1}, {"m5.large", 1}}, 0, 2, Money{164'000'000}});
  return r;
}

inline sim::AutoscalerResult make_cluster_autoscaler_result() {
  sim::AutoscalerResult r;
  r.autoscaler = "cluster-autoscaler";
  r.summary.nodes_launched = 1;
  r.summary.peak_nodes = 1;
  r.summary.final_nodes = 1;
  r.summary.cost = Money{100};  // 1e-7 USD rounds to 0
  r.summary.node_hours = 2;
  r.summary.pods_created = 5;
  r.summary.pods_pending_at_end = 1;
  r.launches.push_back({SimTime{20'000}, SimTime{80'000}, "ng-a-1", "m5.2xlarge", "us-east-1a", "on-demand", "ng-a",
                        "pods didn't fit", Money{384'000'000}});
  r.samples.push_back({SimTime{60'000}, {{"m5.2xlarge", 1}}, 1, 4, Money{384'000'000}});
  return r;
}

inline sim::RunResult make_run_result() {
  sim::RunResult run;
  run.scenario = "basic";
  run.scenario_file = "scenarios/basic.yaml";
  run.seed = 42;
  run.region = "us-east-1";
  run.duration = Duration::hours(2);
  run.results.push_back(make_karpenter_result());
  run.results.push_back(make_cluster_autoscaler_result());
  run.expectations.push_back({"karpenter", "nodesLaunched", "<=", 5, 2, true, "scenarios/basic.yaml:30:7"});
  run.expectations.push_back({"karpenter", "costUsd", "<", 0.1, 0.123457, false, "scenarios/basic.yaml:31:7"});
  return run;
}

}  // namespace capsim::report::test
