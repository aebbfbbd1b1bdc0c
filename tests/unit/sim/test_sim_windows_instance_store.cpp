// Karpenter's own example NodePools / EC2NodeClasses tried as scenarios (issue 24 item 9):
// Windows Server 2025 nodes (amiFamily Windows2025 or the windows2025@latest alias, and node
// groups with amiFamily Windows2025), the PrivateIPv4Address request EKS's VPC resource controller
// adds to Windows pods, and instanceStorePolicy: RAID0.
#include <catch2/catch.hpp>

#include <string>

#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::ec2_node_class_v1;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {

// `replicas` pods selecting Windows nodes by nodeSelector (as Karpenter's Windows example does),
// each 10m CPU and 16Mi: 60 of them fit one m5.xlarge by CPU, memory and pods.
std::string windows_deployment(int replicas) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: win}\nspec:\n  replicas: " +
         std::to_string(replicas) +
         "\n  template:\n    spec:\n      nodeSelector: {kubernetes.io/os: windows}\n"
         "      containers: [{name: c, resources: {requests: {cpu: 10m, memory: 16Mi}}}]\n---\n";
}

const sim::NodeSize* size_of(const sim::AutoscalerResult& r, const std::string& type) {
  for (const auto& s : r.node_sizes)
    if (s.instance_type == type) return &s;
  return nullptr;
}

const std::string k_m5_xlarge_od =
    "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.xlarge]}, "
    "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}, "
    "{key: kubernetes.io/os, operator: In, values: [windows]}]";

}  // namespace

// aws pkg/providers/instancetype/types.go NewInstanceType: a type compatible with os=windows gets
// vpc.amazonaws.com/PrivateIPv4Address = IPv4 per ENI - 1 (m5.xlarge: 15 - 1 = 14), and the VPC
// resource controller's webhook (webhooks/core/pod_webhook.go) makes every Windows pod request 1:
// 60 pods need ceil(60 / 14) = 5 nodes, though CPU, memory and pods would fit them on one.
TEST_CASE("karpenter: a windows2025@latest EC2NodeClass launches Windows nodes, 14 Windows pods each",
          "[sim][karpenter][windows]") {
  for (const std::string& node_class :
       {ec2_node_class_v1("default", "windows2025@latest"),
        ec2_node_class_v1("default", "windows2025@latest", "  amiFamily: Windows2025\n")}) {
    auto r = run_text(scenario_doc("v1.14", "5m") +
                      node_pool_v1("default", k_m5_xlarge_od, "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}",
                                   "", node_class) +
                      windows_deployment(60));
    CHECK(r.summary.pods_pending_at_end == 0);
    REQUIRE(r.launches.size() == 5);
    for (const auto& l : r.launches) CHECK(l.instance_type == "m5.xlarge");
    const sim::NodeSize* s = size_of(r, "m5.xlarge");
    REQUIRE(s != nullptr);
    CHECK(s->capacity.get(k_private_ipv4_address) == Quantity::from_units(14));
    CHECK(s->capacity.pods() == 110);  // Windows: no ENI-limited pod density
    CHECK(s->capacity.get(Resource::ephemeral_storage) == Quantity::from_units(50LL << 30));  // /dev/sda1 50Gi
  }
}

// A node group with amiFamily Windows2025 (an ASG of Windows Server 2025 m5.xlarge) under the
// Cluster Autoscaler: its node is a Windows node with 14 addresses, so of 20 Windows pods 14 run
// on it and the other 6 make the CA add one node, built from that node (a ready node of the group
// is the CA's template). A group at zero would need the node-template/label/kubernetes.io/os and
// node-template/resources tags, as upstream's AWS template (buildGenericLabels) says linux.
TEST_CASE("cluster autoscaler: a node group with amiFamily Windows2025 comes up Windows", "[sim][ca][windows]") {
  const std::string doc =
      "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  region: us-east-1\n"
      "  zones: [us-east-1a]\n  duration: 5m\n  autoscalers: [cluster-autoscaler]\n  nodeGroups:\n"
      "    - {name: win, instanceType: m5.xlarge, amiFamily: Windows2025, minSize: 1, maxSize: 5}\n---\n";
  auto r = run_text(doc + windows_deployment(20), "cluster-autoscaler");
  CHECK(r.summary.pods_pending_at_end == 0);
  CHECK(r.launches.size() == 1);
  CHECK(r.summary.final_nodes == 2);
  const sim::NodeSize* s = size_of(r, "m5.xlarge");
  REQUIRE(s != nullptr);
  CHECK(s->capacity.get(k_private_ipv4_address) == Quantity::from_units(14));
  CHECK(s->capacity.pods() == 110);
}

// types.go ephemeralStorage: with instanceStorePolicy RAID0 the node's ephemeral storage is the
// instance store, "%dG" of its total size: m5d.2xlarge 300G, allocatable 300G - 1Gi kube-reserved
// - 10 % eviction threshold = 268,926,258,176 bytes >= 200Gi; m5d.xlarge (150G) is too small and
// m5.xlarge has no instance store (root volume 20Gi). Without RAID0 every type has the 20Gi root
// volume and the pod cannot run.
TEST_CASE("karpenter: instanceStorePolicy RAID0 puts ephemeral storage on the NVMe instance store",
          "[sim][karpenter][instance-store]") {
  const std::string reqs =
      "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.xlarge, m5d.xlarge, m5d.2xlarge]}, "
      "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]";
  const std::string pod =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: scratch}\nspec:\n  containers:\n"
      "    - {name: c, resources: {requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 200Gi}}}\n---\n";
  const std::string disruption = "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}";
  SECTION("RAID0") {
    auto r = run_text(scenario_doc("v1.14", "5m") +
                      node_pool_v1("default", reqs, disruption, "",
                                   ec2_node_class_v1("default", "al2023@latest", "  instanceStorePolicy: RAID0\n")) +
                      pod);
    CHECK(r.summary.pods_pending_at_end == 0);
    REQUIRE(r.launches.size() == 1);
    CHECK(r.launches[0].instance_type == "m5d.2xlarge");
    const sim::NodeSize* s = size_of(r, "m5d.2xlarge");
    REQUIRE(s != nullptr);
    CHECK(s->capacity.get(Resource::ephemeral_storage) == Quantity::from_units(300'000'000'000));
    CHECK(s->allocatable.get(Resource::ephemeral_storage) == Quantity::from_units(268'926'258'176));
  }
  SECTION("without RAID0 the pod stays pending") {
    auto r = run_text(scenario_doc("v1.14", "5m") + node_pool_v1("default", reqs, disruption) + pod);
    CHECK(r.launches.empty());
    CHECK(r.summary.pods_pending_at_end == 1);
    REQUIRE(r.pending_workloads.size() == 1);
    CHECK_THAT(r.pending_workloads[0].reason,
               Catch::Contains("incompatible with nodepool \"default\", no instance type has enough resources") &&
                   Catch::Contains("ephemeral-storage=200Gi"));
  }
}
