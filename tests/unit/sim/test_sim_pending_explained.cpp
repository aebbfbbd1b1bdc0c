// Every pending pod explained (issue 24 item 3): per workload with pods pending at the end or
// placed after waiting 5 minutes or more, the count and the last reason in the autoscaler's words
// (Karpenter's solver, the Cluster Autoscaler's "pod didn't trigger scale-up"), else the
// kube-scheduler's filters; in the text summary and the JSON result.
#include <catch2/catch.hpp>

#include <string>

#include "capsim/report/text_summary.hpp"
#include "capsim/sim/simulation.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;

namespace {

const std::string k_pool =
    test::node_pool_v1("default", "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}]",
                       "{consolidationPolicy: WhenEmpty, consolidateAfter: 1m}");

const sim::PendingWorkload* find(const sim::AutoscalerResult& r, const std::string& workload) {
  for (const auto& w : r.pending_workloads)
    if (w.workload == workload) return &w;
  return nullptr;
}

}  // namespace

TEST_CASE("pending explained: Karpenter's reason for a pod no NodePool can host", "[sim][pending]") {
  const auto r = test::run_text(test::scenario_doc("v1.14", "10m") + k_pool + test::deployment("web", 2, "500m", "512Mi") +
                                test::deployment("gpu", 3, "500m", "512Mi", "      nodeSelector: {role: gpu}\n"));
  REQUIRE(r.pending_workloads.size() == 1);
  const auto& w = r.pending_workloads.front();
  CHECK(w.workload == "Deployment gpu");
  CHECK(w.pending_at_end == 3);
  CHECK(w.waited_long == 0);
  CHECK(w.reason ==
        "could not schedule pod: incompatible with nodepool \"default\", label \"role\" does not have known values");
  const std::string text = report::pending_workloads_text(r, 2);
  CHECK(text ==
        "  pending pods by workload (at the end, or placed after waiting 5m or more):\n"
        "    Deployment gpu: 3 pending at end; could not schedule pod: incompatible with nodepool \"default\", label "
        "\"role\" does not have known values\n");
}

TEST_CASE("pending explained: the Cluster Autoscaler's reason, and the kube-scheduler's in a static cluster",
          "[sim][pending]") {
  const std::string sc = test::scenario_doc("v1.14", "10m",
                                            "  autoscalers: [cluster-autoscaler]\n  nodeGroups:\n"
                                            "    - {name: small, instanceType: m5.large, minSize: 1, maxSize: 3, "
                                            "zones: [us-east-1a], amiFamily: AL2023}\n") +
                         test::deployment("big", 1, "16", "1Gi");
  const auto ca = test::run_text(sc, "cluster-autoscaler");
  REQUIRE(find(ca, "Deployment big") != nullptr);
  CHECK(find(ca, "Deployment big")->pending_at_end == 1);
  CHECK(find(ca, "Deployment big")->reason == "pod didn't trigger scale-up: 1 Insufficient cpu");
  const auto st = test::run_text(sc, "static");
  REQUIRE(find(st, "Deployment big") != nullptr);
  CHECK(find(st, "Deployment big")->reason == "kube-scheduler: 0/1 nodes are available: 1 Insufficient cpu");
}

TEST_CASE("pending explained: pods that waited 5 minutes or more are counted", "[sim][pending]") {
  // Each launch takes 6 minutes (spec.cloud.launchLatency): both web pods run after 6m and a bit.
  const auto r = test::run_text(test::scenario_doc("v1.14", "15m", "  cloud: {launchLatency: 6m}\n") + k_pool +
                                test::deployment("web", 2, "500m", "512Mi"));
  REQUIRE(r.pending_workloads.size() == 1);
  CHECK(r.pending_workloads[0].workload == "Deployment web");
  CHECK(r.pending_workloads[0].pending_at_end == 0);
  CHECK(r.pending_workloads[0].waited_long == 2);
  CHECK(r.pending_workloads[0].reason.empty());
  CHECK(report::pending_workloads_text(r, 0) ==
        "pending pods by workload (at the end, or placed after waiting 5m or more):\n"
        "  Deployment web: 2 waited 5m or more\n");
}
