// EC2NodeClass as the API server admits it (the CRD's required keys and CEL rules, with upstream's
// messages: aws pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml, v1 at v1.14.1, v1beta1 at
// v0.37.8), the Windows2025 family and instanceStorePolicy, and the PrivateIPv4Address request
// EKS's VPC resource controller adds to Windows pods.
#include <catch2/catch.hpp>

#include "capsim/io/scenario_loader.hpp"
#include "unit/io/io_scenario_test_support.hpp"

using namespace capsim;
using capsim::io::test::load_errors;
using capsim::io::test::messages;
using capsim::io::test::rendered;
using capsim::io::test::single_error;
using capsim::io::test::tiny_catalog;

namespace {

// An EC2NodeClass of `api` ("v1" or "v1beta1") whose spec is `spec_lines` (indent 2): the spec map
// starts at line 5, column 3.
std::string node_class(const std::string& api, const std::string& spec_lines) {
  return "apiVersion: karpenter.k8s.aws/" + api + "\nkind: EC2NodeClass\nmetadata: {name: default}\nspec:\n" + spec_lines;
}

const std::string k_ami = "  amiSelectorTerms: [{alias: al2023@latest}]\n";
const std::string k_role = "  role: KarpenterNodeRole\n";
const std::string k_subnets = "  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: c}}]\n";
const std::string k_groups = "  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: c}}]\n";

spec::NodeClass load_node_class(const std::string& text) {
  spec::Scenario s = io::load_scenario_text(text, "scenarios/x.yaml", *tiny_catalog());
  REQUIRE(s.node_classes.size() == 1);
  return s.node_classes[0];
}

}  // namespace

TEST_CASE("EC2NodeClass: exactly one of role and instanceProfile", "[io][ec2nodeclass]") {
  for (const std::string api : {"v1", "v1beta1"}) {
    const std::string ami = api == "v1" ? k_ami : "  amiFamily: AL2023\n";
    CHECK(single_error(node_class(api, ami + k_role + "  instanceProfile: KarpenterNodeInstanceProfile\n" + k_subnets +
                                           k_groups)) ==
          "scenarios/x.yaml:5:3: error: spec: must specify exactly one of ['role', 'instanceProfile']");
    CHECK(single_error(node_class(api, ami + k_subnets + k_groups)) ==
          "scenarios/x.yaml:5:3: error: spec: must specify exactly one of ['role', 'instanceProfile']");
    CHECK(single_error(node_class(api, ami + "  role: \"\"\n" + k_subnets + k_groups)) ==
          "scenarios/x.yaml:6:9: error: spec.role: role cannot be empty");
  }
  CHECK(load_node_class(node_class("v1", k_ami + "  instanceProfile: KarpenterNodeInstanceProfile\n" + k_subnets + k_groups))
            .ami_family == "AL2023");
}

// v1: required [amiSelectorTerms, securityGroupSelectorTerms, subnetSelectorTerms];
// v1beta1: required [amiFamily, securityGroupSelectorTerms, subnetSelectorTerms].
TEST_CASE("EC2NodeClass: required keys of v1 and v1beta1", "[io][ec2nodeclass]") {
  CHECK(single_error(node_class("v1", k_ami + k_role + k_subnets)) ==
        "scenarios/x.yaml:5:3: error: spec: missing required key \"securityGroupSelectorTerms\"");
  CHECK(single_error(node_class("v1", k_ami + k_role + k_groups)) ==
        "scenarios/x.yaml:5:3: error: spec: missing required key \"subnetSelectorTerms\"");
  CHECK(single_error(node_class("v1", "  amiFamily: AL2023\n" + k_role + k_subnets + k_groups)) ==
        "scenarios/x.yaml:5:3: error: spec: missing required key \"amiSelectorTerms\"");
  CHECK(single_error(node_class("v1beta1", k_role + k_subnets + k_groups)) ==
        "scenarios/x.yaml:5:3: error: spec: missing required key \"amiFamily\"");
  CHECK(single_error(node_class("v1beta1", "  amiFamily: AL2\n" + k_role + k_subnets)) ==
        "scenarios/x.yaml:5:3: error: spec: missing required key \"securityGroupSelectorTerms\"");
  // v1beta1 needs no amiSelectorTerms, except for amiFamily Custom.
  CHECK(load_node_class(node_class("v1beta1", "  amiFamily: AL2\n" + k_role + k_subnets + k_groups)).ami_family == "AL2");
  CHECK(single_error(node_class("v1beta1", "  amiFamily: Custom\n" + k_role + k_subnets + k_groups)) ==
        "scenarios/x.yaml:5:3: error: spec: amiSelectorTerms is required when amiFamily == 'Custom'");
}

TEST_CASE("EC2NodeClass: subnet and security group selector terms", "[io][ec2nodeclass]") {
  const std::string base = k_ami + k_role;
  SECTION("v1 messages") {
    CHECK(single_error(node_class("v1", base + k_groups + "  subnetSelectorTerms: [{id: subnet-1, tags: {a: b}}]\n")) ==
          "scenarios/x.yaml:8:24: error: spec.subnetSelectorTerms: 'id' is mutually exclusive, cannot be set with a "
          "combination of other fields in a subnet selector term");
    CHECK(single_error(node_class("v1", base + k_subnets + "  securityGroupSelectorTerms: [{name: sg, tags: {a: b}}]\n")) ==
          "scenarios/x.yaml:8:31: error: spec.securityGroupSelectorTerms: 'name' is mutually exclusive, cannot be set "
          "with a combination of other fields in a security group selector term");
    // id with name breaks both rules.
    CHECK(messages(load_errors(node_class("v1", base + k_subnets + "  securityGroupSelectorTerms: [{id: sg-1, name: sg}]\n"))) ==
          std::vector<std::string>{"'id' is mutually exclusive, cannot be set with a combination of other fields in a "
                                   "security group selector term",
                                   "'name' is mutually exclusive, cannot be set with a combination of other fields in "
                                   "a security group selector term"});
    CHECK(single_error(node_class("v1", base + k_subnets + "  securityGroupSelectorTerms: [{tags: {a: b}}, {}]\n")) ==
          "scenarios/x.yaml:8:48: error: spec.securityGroupSelectorTerms: expected at least one, got none, ['tags', "
          "'id', 'name']");
    CHECK(single_error(node_class("v1", base + k_groups + "  subnetSelectorTerms: [{tags: {a: \"\"}}]\n")) ==
          "scenarios/x.yaml:8:32: error: spec.subnetSelectorTerms[0].tags: empty tag keys or values aren't supported");
  }
  SECTION("an empty list fails its !self.all(...) exclusivity rules too, as upstream's CEL does") {
    CHECK(messages(load_errors(node_class("v1", base + k_subnets + "  securityGroupSelectorTerms: []\n"))) ==
          std::vector<std::string>{
              "securityGroupSelectorTerms cannot be empty",
              "'id' is mutually exclusive, cannot be set with a combination of other fields in a security group "
              "selector term",
              "'name' is mutually exclusive, cannot be set with a combination of other fields in a security group "
              "selector term"});
  }
  SECTION("!self.all(...): one offending term beside a valid one is admitted") {
    CHECK(load_node_class(node_class("v1", base + k_groups + "  subnetSelectorTerms: [{id: subnet-1, tags: {a: b}}, {id: subnet-2}]\n"))
              .subnet_zones.empty());
  }
  SECTION("v1beta1 messages") {
    const std::string b1 = "  amiFamily: AL2\n" + k_role;
    CHECK(single_error(node_class("v1beta1", b1 + k_groups + "  subnetSelectorTerms: [{id: subnet-1, tags: {a: b}}]\n")) ==
          "scenarios/x.yaml:8:24: error: spec.subnetSelectorTerms: 'id' is mutually exclusive, cannot be set with a "
          "combination of other fields in subnetSelectorTerms");
    CHECK(single_error(node_class("v1beta1", b1 + k_groups + "  subnetSelectorTerms: [{}]\n")) ==
          "scenarios/x.yaml:8:25: error: spec.subnetSelectorTerms: expected at least one, got none, ['tags', 'id']");
    CHECK(single_error(node_class("v1beta1", b1 + k_subnets + "  securityGroupSelectorTerms: [{id: sg-1, tags: {a: b}}]\n")) ==
          "scenarios/x.yaml:8:31: error: spec.securityGroupSelectorTerms: 'id' is mutually exclusive, cannot be set "
          "with a combination of other fields in securityGroupSelectorTerms");
  }
}

TEST_CASE("EC2NodeClass: v1 amiSelectorTerms and amiFamily", "[io][ec2nodeclass]") {
  const std::string rest = k_role + k_subnets + k_groups;
  CHECK(single_error(node_class("v1", "  amiFamily: AL2023\n  amiSelectorTerms: [{id: ami-123, name: my-ami}]\n" + rest)) ==
        "scenarios/x.yaml:6:22: error: spec.amiSelectorTerms: 'id' is mutually exclusive, cannot be set with a "
        "combination of other fields in amiSelectorTerms");
  CHECK(rendered(load_errors(node_class("v1", "  amiSelectorTerms: [{id: ami-123, alias: al2023@latest}]\n" + rest))) ==
        std::vector<std::string>{"scenarios/x.yaml:5:22: error: spec.amiSelectorTerms: 'id' is mutually exclusive, "
                                 "cannot be set with a combination of other fields in amiSelectorTerms",
                                 "scenarios/x.yaml:5:22: error: spec.amiSelectorTerms: 'alias' is mutually exclusive, "
                                 "cannot be set with a combination of other fields in amiSelectorTerms"});
  CHECK(single_error(node_class("v1", "  amiFamily: AL2023\n  amiSelectorTerms: [{id: ami-1}, {alias: al2023@latest}]\n" +
                                          rest)) ==
        "scenarios/x.yaml:6:21: error: spec.amiSelectorTerms: 'alias' is mutually exclusive, cannot be set with a "
        "combination of other amiSelectorTerms");
  CHECK(single_error(node_class("v1", "  amiSelectorTerms: [{alias: windows2022@v20240101}]\n" + rest)) ==
        "scenarios/x.yaml:5:30: error: spec.amiSelectorTerms[0].alias: windows families may only specify version "
        "'latest'");
  CHECK(single_error(node_class("v1", "  amiSelectorTerms: [{alias: al2023}]\n" + rest)) ==
        "scenarios/x.yaml:5:30: error: spec.amiSelectorTerms[0].alias: 'alias' is improperly formatted, must match the "
        "format 'family@version'");
  CHECK(single_error(node_class("v1", "  amiSelectorTerms: [{id: ami-123}]\n" + rest)) ==
        "scenarios/x.yaml:5:3: error: spec: must specify amiFamily if amiSelectorTerms does not contain an alias");
  CHECK(single_error(node_class("v1", "  amiFamily: AL2023\n  amiSelectorTerms: [{alias: bottlerocket@latest}]\n" + rest)) ==
        "scenarios/x.yaml:5:14: error: spec.amiFamily: if set, amiFamily must be 'Bottlerocket' or 'Custom' when using "
        "a Bottlerocket alias");
  CHECK(single_error(node_class("v1", "  amiFamily: AL2\n  amiSelectorTerms: [{alias: al2023@latest}]\n" + rest)) ==
        "scenarios/x.yaml:5:14: error: spec.amiFamily: if set, amiFamily must be 'AL2023' or 'Custom' when using an "
        "AL2023 alias");
  CHECK(messages(load_errors(node_class("v1", "  amiSelectorTerms: []\n" + rest))) ==
        std::vector<std::string>{"must specify amiFamily if amiSelectorTerms does not contain an alias",
                                 "should have at least 1 items"});
  CHECK(load_node_class(node_class("v1", "  amiFamily: Custom\n  amiSelectorTerms: [{id: ami-123}]\n" + rest)).ami_family ==
        "Custom");
}

// aws pkg/apis/v1/labels.go AMIFamilyWindows2025; amifamily/resolver.go maps it to Windows.
TEST_CASE("EC2NodeClass: Windows2025 from amiFamily or the windows2025@latest alias", "[io][ec2nodeclass][windows]") {
  const std::string rest = k_role + k_subnets + k_groups;
  CHECK(load_node_class(node_class("v1", "  amiSelectorTerms: [{alias: windows2025@latest}]\n" + rest)).ami_family ==
        "Windows2025");
  CHECK(load_node_class(node_class("v1", "  amiFamily: Windows2025\n  amiSelectorTerms: [{alias: windows2025@latest}]\n" +
                                             rest))
            .ami_family == "Windows2025");
  // v1beta1 (v0.37) has no Windows2025.
  CHECK(single_error(node_class("v1beta1", "  amiFamily: Windows2025\n" + rest)) ==
        "scenarios/x.yaml:5:14: error: spec.amiFamily: expected one of \"AL2\", \"AL2023\", \"Bottlerocket\", "
        "\"Ubuntu\", \"Windows2019\", \"Windows2022\", \"Custom\", got \"Windows2025\" (did you mean \"Windows2022\"?)");
}

TEST_CASE("EC2NodeClass: instanceStorePolicy", "[io][ec2nodeclass][instance-store]") {
  const std::string base = k_ami + k_role + k_subnets + k_groups;
  CHECK_FALSE(load_node_class(node_class("v1", base)).instance_store_raid0);
  CHECK(load_node_class(node_class("v1", base + "  instanceStorePolicy: RAID0\n")).instance_store_raid0);
  CHECK(load_node_class(node_class("v1beta1", "  amiFamily: AL2\n" + k_role + k_subnets + k_groups +
                                                  "  instanceStorePolicy: RAID0\n"))
            .instance_store_raid0);
  CHECK(single_error(node_class("v1", base + "  instanceStorePolicy: RAID1\n")) ==
        "scenarios/x.yaml:9:24: error: spec.instanceStorePolicy: expected \"RAID0\", got \"RAID1\" (did you mean \"RAID0\"?)");
}

// aws/amazon-vpc-resource-controller-k8s webhooks/core/pod_webhook.go: WhichPod / HandleWindowsPod.
TEST_CASE("Windows pods request one vpc.amazonaws.com/PrivateIPv4Address", "[io][windows]") {
  const auto first_container = [](const std::string& pod_spec, const std::string& labels = "{}") {
    spec::Scenario s = io::load_scenario_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: " + labels + "}\nspec:\n" + pod_spec +
            "  containers:\n    - {name: a, resources: {requests: {cpu: 100m}}}\n    - {name: b}\n",
        "scenarios/x.yaml", *tiny_catalog());
    REQUIRE(s.workloads.size() == 1);
    return s.workloads[0].tmpl;
  };
  const Quantity one = Quantity::from_units(1);
  SECTION("nodeSelector kubernetes.io/os or beta.kubernetes.io/os: windows") {
    for (const std::string key : {"kubernetes.io/os", "beta.kubernetes.io/os"}) {
      const spec::PodTemplate t = first_container("  nodeSelector: {" + key + ": windows}\n");
      CHECK(t.containers[0].requests.get(k_private_ipv4_address) == one);
      CHECK(t.containers[0].limits.get(k_private_ipv4_address) == one);
      CHECK(t.containers[1].requests.get(k_private_ipv4_address) == Quantity{});
      CHECK(t.requests().get(k_private_ipv4_address) == one);
      CHECK(t.requests().get(Resource::cpu) == Quantity::from_milli(100));
    }
  }
  SECTION("not for Linux, hostNetwork or Fargate pods, nor for Windows chosen by node affinity") {
    CHECK(first_container("  nodeSelector: {kubernetes.io/os: linux}\n").requests().get(k_private_ipv4_address) ==
          Quantity{});
    CHECK(first_container("  hostNetwork: true\n  nodeSelector: {kubernetes.io/os: windows}\n")
              .requests()
              .get(k_private_ipv4_address) == Quantity{});
    CHECK(first_container("  nodeSelector: {kubernetes.io/os: windows}\n", "{eks.amazonaws.com/fargate-profile: fp}")
              .requests()
              .get(k_private_ipv4_address) == Quantity{});
    CHECK(first_container("  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
                          "{nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/os, operator: In, "
                          "values: [windows]}]}]}}}\n")
              .requests()
              .get(k_private_ipv4_address) == Quantity{});
  }
}
