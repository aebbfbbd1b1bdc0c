// Node groups listed node by node (spec.nodeGroups[].nodes): each node keeps its zone and instance
// type, and its pods are bound at t = 0, as `capsim import cluster` writes a real cluster's
// managed node groups.
#include <catch2/catch.hpp>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"

using namespace capsim;

namespace {

// A Cluster Autoscaler group of three m5.xlarge (4 vCPU, 3920m allocatable): two in us-east-1b
// holding 3 and 1 `web` pods (1 CPU each), one in us-east-1a holding the `zonal` pod that may
// only run in us-east-1a. `nodes` replaces the group's node list.
std::string scenario(const std::string& nodes) {
  return R"(apiVersion: capsim.dev/v1alpha1
kind: Scenario
metadata: {name: listed-nodes}
spec:
  region: us-east-1
  zones: [us-east-1a, us-east-1b]
  duration: 30m
  autoscalers: [cluster-autoscaler]
  nodeGroups:
    - name: workers
      instanceType: m5.xlarge
      minSize: 1
      maxSize: 5
      nodes:
)" + nodes + R"(
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 5
  template:
    spec:
      terminationGracePeriodSeconds: 0
      containers: [{name: c, resources: {requests: {cpu: "1", memory: 1Gi}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: zonal}
spec:
  nodeSelector: {topology.kubernetes.io/zone: us-east-1a}
  containers: [{name: c, resources: {requests: {cpu: 500m, memory: 1Gi}}}]
)";
}

const std::string k_nodes = R"(        - {zone: us-east-1b, pods: {web: 3}}
        - {zone: us-east-1b, pods: {web: 1}}
        - {zone: us-east-1a, pods: {zonal: 1}})";

sim::AutoscalerResult run(const std::string& text) {
  auto s = io::load_scenario_text(text, "x.yaml", *catalog::Catalog::embedded());
  sim::SimOptions opts;
  opts.catalog = catalog::Catalog::embedded();
  opts.check_invariants = true;
  return sim::run_autoscaler(s, "cluster-autoscaler", opts);
}

std::string error_of(const std::string& text) {
  try {
    run(text);
  } catch (const InputError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    return e.diagnostics()[0].render();
  }
  return "no error";
}

}  // namespace

TEST_CASE("node group nodes: listed zones, types and bound pods, then the Cluster Autoscaler", "[sim][initial-nodes]") {
  auto s = io::load_scenario_text(scenario(k_nodes), "x.yaml", *catalog::Catalog::embedded());
  REQUIRE(s.node_groups.size() == 1);
  CHECK(s.node_groups[0].count == 3);  // the desired capacity is the listed nodes
  REQUIRE(s.node_groups[0].nodes.size() == 3);
  CHECK(s.node_groups[0].nodes[2].zone == "us-east-1a");

  const auto r = run(scenario(k_nodes));
  CHECK(r.launches.empty());
  CHECK(r.summary.peak_nodes == 3);
  // The fifth web pod, pending at t = 0, binds at once to the emptiest node (us-east-1a's).
  CHECK(r.summary.pods_pending_at_end == 0);
  // Scale-down: the 1b node with one web pod (1 of 3.92 CPU requested) is unneeded for 10 minutes
  // and its pod fits on the 1a node; the full 1b node and the 1a node (zonal + web) stay.
  REQUIRE(r.terminations.size() == 1);
  CHECK(r.terminations[0].reason == "underutilized");
  CHECK(r.summary.final_nodes == 2);
}

TEST_CASE("node group nodes: errors are located at the listed node", "[sim][initial-nodes][errors]") {
  // The zonal pod cannot run in us-east-1b: binding it there fails at the node's entry.
  CHECK(error_of(scenario(R"(        - {zone: us-east-1b, pods: {web: 3, zonal: 1}})")) ==
        "x.yaml:15:11: error: spec.nodeGroups[0].nodes[0].pods: pod default/zonal cannot be bound to node "
        "ip-10-0-0-4.us-east-1.compute.internal (m5.xlarge): node(s) didn't match Pod's node affinity/selector");
  CHECK(error_of(scenario(R"(        - {zone: us-east-1c})")) ==
        "x.yaml:15:18: error: spec.nodeGroups[0].nodes[0].zone: zone \"us-east-1c\" is not one of the scenario's zones "
        "\"us-east-1a\", \"us-east-1b\"");
  CHECK(error_of(scenario(R"(        - {zone: us-east-1a, instanceType: m5.large})")) ==
        "x.yaml:15:44: error: spec.nodeGroups[0].nodes[0].instanceType: instance type \"m5.large\" is not one of the "
        "node group's \"m5.xlarge\"");
  CHECK(error_of(scenario(R"(        - {zone: us-east-1a, pods: {web: 6}})")) ==
        "x.yaml:15:11: error: spec.nodeGroups[0].nodes[0].pods: binds 6 pods of \"web\", which has 5 replicas");
  std::string both = scenario(R"(        - {zone: us-east-1a})");
  both.replace(both.find("      nodes:"), 0, "      count: 2\n");
  CHECK(error_of(both) == "x.yaml:14:7: error: spec.nodeGroups[0].count: give count or nodes, not both (nodes lists every node)");
}
