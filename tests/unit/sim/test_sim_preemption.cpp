// kube-scheduler preemption (DefaultPreemption) through the simulator: victims on one node, the
// fewest and least important; PDBs steer the choice; preemptionPolicy Never preempts nothing.
#include <catch2/catch.hpp>

#include "support/scenario_runner.hpp"

using namespace capsim;

namespace {

// One static m5.large (1930m allocatable CPU) and a pause-like Deployment `low` (priority -1) of
// two 800m pods filling it; `high` (priority 0, `cpu` each) arrives at 1m.
std::string doc(const std::string& high_cpu, int high_replicas, const std::string& high_class_yaml = "",
                const std::string& extra = "") {
  return "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
         "  zones: [us-east-1a]\n  duration: 3m\n  autoscalers: [static]\n"
         "  nodeGroups:\n    - {name: base, instanceType: m5.large, count: 1}\n"
         "  timeline:\n    - {at: 1m, scale: {kind: Deployment, name: high, replicas: " +
         std::to_string(high_replicas) + "}}\n---\n" +
         "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: low}\nvalue: -1\n---\n" +
         high_class_yaml + extra + test::deployment("low", 2, "800m", "512Mi", "      priorityClassName: low\n") +
         test::deployment("high", 0, high_cpu, "512Mi",
                          high_class_yaml.empty() ? "" : "      priorityClassName: high\n");
}

std::vector<const sim::Decision*> preemptions(const sim::AutoscalerResult& r) {
  std::vector<const sim::Decision*> out;
  for (const auto& d : r.decisions)
    if (d.kind == "preempt") out.push_back(&d);
  return out;
}

}  // namespace

TEST_CASE("preemption: one victim, the less important of two equal-priority pods", "[sim][preemption]") {
  // 1 CPU needs 670m more than the 330m free: evicting one 800m pod is enough; of the two
  // (same priority) the later-created one goes (the earlier is reprieved first).
  auto r = test::run_text(doc("1", 1), "static");
  auto p = preemptions(r);
  REQUIRE(p.size() == 1);
  CHECK(p[0]->at.ms == 60'000);
  CHECK(p[0]->pods == std::vector<std::string>{"default/low-00001"});
  CHECK(p[0]->message.rfind("pod default/high-00000 (priority 0) preempted 1 pod(s) on node ", 0) == 0);
  CHECK(r.summary.evictions == 1);
  CHECK(r.summary.pods_pending_at_end == 1);  // the recreated low pod: no room, nobody scales
}

TEST_CASE("preemption: both victims when one is not enough", "[sim][preemption]") {
  auto r = test::run_text(doc("1500m", 1), "static");
  auto p = preemptions(r);
  REQUIRE(p.size() == 1);
  CHECK(p[0]->pods.size() == 2);
  CHECK(r.summary.pods_pending_at_end == 2);
}

TEST_CASE("preemption: preemptionPolicy Never preempts nothing", "[sim][preemption]") {
  const std::string never =
      "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n"
      "preemptionPolicy: Never\n---\n";
  auto r = test::run_text(doc("1", 1, never), "static");
  CHECK(preemptions(r).empty());
  CHECK(r.summary.pods_pending_at_end == 1);  // high waits
  const std::string may =
      "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n---\n";
  CHECK(preemptions(test::run_text(doc("1", 1, may), "static")).size() == 1);
}

TEST_CASE("preemption: a pod protected by a PodDisruptionBudget is reprieved first", "[sim][preemption]") {
  // A PDB (maxUnavailable 0) on low-00000... selects every low pod; then a violation is unavoidable
  // and counted, and the victim is still the later pod.
  const std::string pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: low}\nspec:\n"
                          "  maxUnavailable: 0\n  selector: {matchLabels: {app: low}}\n---\n";
  auto r = test::run_text(doc("1", 1, "", pdb), "static");
  auto p = preemptions(r);
  REQUIRE(p.size() == 1);
  CHECK(p[0]->pods == std::vector<std::string>{"default/low-00001"});
  CHECK(p[0]->message.find("(1 violating a PodDisruptionBudget)") != std::string::npos);
}
