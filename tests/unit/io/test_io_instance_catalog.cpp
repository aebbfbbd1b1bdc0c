// Scenario spec.instanceCatalog: the built-in fake catalogs of Karpenter's test provider
// (karpenter-fake, karpenter-fake-assorted, karpenter-fake-N) replace the EC2 catalog for the
// validation of regions, zones and instance types (region "test", zones test-zone-1..3).
#include <catch2/catch.hpp>

#include "capsim/catalog/fake_provider.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "support/scenario_runner.hpp"
#include "unit/io/io_scenario_test_support.hpp"

using namespace capsim;
using capsim::io::test::load_errors;
using capsim::io::test::rendered;
using capsim::io::test::single_error;
using capsim::io::test::tiny_catalog;

namespace {

std::string scenario(const std::string& spec_lines) {
  return "apiVersion: capsim.dev/v1alpha1\n"  // 1
         "kind: Scenario\n"                   // 2
         "metadata: {name: t}\n"              // 3
         "spec:\n" +                          // 4
         spec_lines;                          // 5...
}

// A NodePool (document starting after `---`) with an instance-type requirement.
std::string node_pool(const std::string& type) {
  return "---\napiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\nspec:\n  template:\n    spec:\n"
         "      requirements: [{key: node.kubernetes.io/instance-type, operator: In, values: [" +
         type +
         "]}]\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n---\n"
         "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec: {amiSelectorTerms: [{alias: al2023@latest}], "
         "role: KarpenterNodeRole, subnetSelectorTerms: [{tags: {a: b}}], securityGroupSelectorTerms: [{tags: {a: b}}]}\n";
}

}  // namespace

TEST_CASE("instanceCatalog selects a fake catalog: region test, its zones and types", "[io]") {
  auto sc = io::load_scenario_text(
      scenario("  instanceCatalog: karpenter-fake-assorted\n  zones: [test-zone-1, test-zone-3]\n"
               "  nodeGroups:\n    - {name: base, instanceType: 2-cpu-4-mem-amd64-linux-test-zone-1-on-demand}\n"
               "  failures:\n    insufficientCapacity:\n"
               "      - {instanceTypes: [1-cpu-1-mem-amd64-linux-test-zone-1-spot], zones: [test-zone-1]}\n") +
          node_pool("4-cpu-8-mem-arm64-windows-test-zone-3-spot"),
      "x.yaml", *tiny_catalog());
  CHECK(sc.instance_catalog == "karpenter-fake-assorted");
  CHECK(sc.region == "test");
  CHECK(sc.zones == std::vector<std::string>{"test-zone-1", "test-zone-3"});
  REQUIRE(sc.node_groups.size() == 1);
  CHECK(sc.node_groups[0].instance_type == "2-cpu-4-mem-amd64-linux-test-zone-1-on-demand");
}

TEST_CASE("instanceCatalog: every name form, and the default", "[io]") {
  for (const std::string name : {"karpenter-fake", "karpenter-fake-assorted", "karpenter-fake-1", "karpenter-fake-400",
                                 "karpenter-fake-10000"}) {
    auto sc = io::load_scenario_text(scenario("  instanceCatalog: " + name + "\n"), "x.yaml", *tiny_catalog());
    CHECK(sc.instance_catalog == name);
    CHECK(sc.region == "test");
  }
  auto sc = io::load_scenario_text(scenario("  instanceCatalog: aws\n  region: us-east-1\n"), "x.yaml", *tiny_catalog());
  CHECK(sc.instance_catalog == "aws");
  CHECK(io::load_scenario_text(scenario("  duration: 1m\n"), "x.yaml", *tiny_catalog()).instance_catalog == "aws");
}

TEST_CASE("instanceCatalog errors", "[io]") {
  CHECK(single_error(scenario("  instanceCatalog: karpenter-fake-0\n")) ==
        "scenarios/x.yaml:5:20: error: spec.instanceCatalog: expected \"aws\", \"karpenter-fake\", "
        "\"karpenter-fake-assorted\", \"karpenter-fake-N\" (N from 1 to 10000) or the name of an InstanceCatalog "
        "document of this file, got \"karpenter-fake-0\"");
  CHECK(single_error(scenario("  instanceCatalog: karpenter-fake-10001\n")).find("got \"karpenter-fake-10001\"") !=
        std::string::npos);
  CHECK(single_error(scenario("  instanceCatalog: karpenter-fake\n  region: us-east-1\n")) ==
        "scenarios/x.yaml:6:11: error: spec.region: region \"us-east-1\" is not the region of instanceCatalog "
        "\"karpenter-fake\", expected \"test\"");
  CHECK(single_error(scenario("  instanceCatalog: karpenter-fake\n  zones: [test-zone-1, us-east-1a]\n")) ==
        "scenarios/x.yaml:6:24: error: spec.zones[1]: zone \"us-east-1a\" is not in region \"test\", expected one of "
        "\"test-zone-1\", \"test-zone-2\", \"test-zone-3\"");
  // EC2 types are unknown to a fake catalog, and fake types to the EC2 catalog.
  CHECK(single_error(scenario("  instanceCatalog: karpenter-fake\n  nodeGroups:\n    - {name: base, instanceType: m5.large}\n")) ==
        "scenarios/x.yaml:7:34: error: spec.nodeGroups[0].instanceType: unknown instance type \"m5.large\"");
  const auto diags = load_errors(scenario("  instanceCatalog: karpenter-fake-10\n") + node_pool("default-instance-type"));
  INFO(Catch::Detail::stringify(rendered(diags)));
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message == "unknown instance type \"default-instance-type\"");
  CHECK(single_error(scenario("  region: us-east-1\n") + node_pool("fake-it-0")).find("unknown instance type \"fake-it-0\"") !=
        std::string::npos);
}

TEST_CASE("fake catalogs by name, restricted to zones", "[catalog]") {
  CHECK(catalog::is_fake_catalog_name("karpenter-fake"));
  CHECK(catalog::is_fake_catalog_name("karpenter-fake-assorted"));
  CHECK(catalog::is_fake_catalog_name("karpenter-fake-400"));
  CHECK_FALSE(catalog::is_fake_catalog_name("aws"));
  CHECK_FALSE(catalog::is_fake_catalog_name("karpenter-fake-"));
  CHECK_FALSE(catalog::is_fake_catalog_name("karpenter-fake-01"));
  CHECK_FALSE(catalog::is_fake_catalog_name("karpenter-fake-4x"));
  CHECK(catalog::fake_catalog_instance_types("karpenter-fake")->size() == 6);
  CHECK(catalog::fake_catalog_instance_types("karpenter-fake-assorted")->size() == 1344);
  CHECK(catalog::fake_catalog_instance_types("karpenter-fake-400")->size() == 400);
  CHECK_FALSE(catalog::fake_catalog_instance_types("aws").has_value());

  // test-zone-3 has on-demand offerings only on the default types; assorted types live in one zone.
  auto defaults = catalog::fake_types_in_zones(catalog::fake_default_instance_types(), {"test-zone-3"});
  REQUIRE(defaults.size() == 6);
  CHECK(defaults.front().name == "arm-instance-type");  // sorted by name
  for (const auto& it : defaults) {
    REQUIRE(it.offerings.size() == 1);
    CHECK(it.offerings[0].capacity_type == "on-demand");
    CHECK(it.requirements.get(label::k_zone)->values() == std::vector<std::string>{"test-zone-3"});
    CHECK(it.requirements.get(label::k_capacity_type)->values() == std::vector<std::string>{"on-demand"});
  }
  auto assorted = catalog::fake_types_in_zones(catalog::fake_assorted_instance_types(), {"test-zone-1", "test-zone-2"});
  CHECK(assorted.size() == 896);  // two of the three zones
}

// ---------------------------------------------------------------------------------------------
// Inline catalogs: kind InstanceCatalog in the scenario file, selected by spec.instanceCatalog.

namespace {

// An InstanceCatalog "mine" (region test) with `small` (2 CPU / 4 GiB / 10 pods; spot $0.05
// unavailable, on-demand $0.10 in test-zone-a; on-demand $0.12 in test-zone-b) and `big`
// (8 CPU / 32 GiB, a label, an overhead; on-demand $0.40 in test-zone-a).
const char* const k_inline_catalog =
    "---\napiVersion: capsim.dev/v1alpha1\nkind: InstanceCatalog\nmetadata: {name: mine}\nspec:\n"
    "  instanceTypes:\n"
    "    - name: small\n"
    "      capacity: {cpu: \"2\", memory: 4Gi, pods: \"10\"}\n"
    "      offerings:\n"
    "        - {zone: test-zone-a, capacityType: spot, price: 0.05, available: false}\n"
    "        - {zone: test-zone-a, capacityType: on-demand, price: 0.10}\n"
    "        - {zone: test-zone-b, capacityType: on-demand, price: 0.12}\n"
    "    - name: big\n"
    "      capacity: {cpu: \"8\", memory: 32Gi, pods: \"50\"}\n"
    "      overhead: {cpu: 200m, memory: 500Mi}\n"
    "      labels: {tier: large}\n"
    "      offerings: [{zone: test-zone-a, capacityType: on-demand, price: 0.40}]\n";

}  // namespace

TEST_CASE("an InstanceCatalog document: its types, region and zones", "[io]") {
  auto sc = io::load_scenario_text(
      scenario("  instanceCatalog: mine\n  nodeGroups:\n    - {name: base, instanceType: big}\n") + k_inline_catalog,
      "x.yaml", *tiny_catalog());
  CHECK(sc.instance_catalog == "mine");
  CHECK(sc.region == "test");
  const auto* c = sc.inline_catalog();
  REQUIRE(c != nullptr);
  CHECK(c->zones() == std::vector<std::string>{"test-zone-a", "test-zone-b"});
  REQUIRE(c->types.size() == 2);
  CHECK(c->types[0].offerings.size() == 3);
  CHECK_FALSE(c->types[0].offerings[0].available);
  CHECK(c->types[1].labels == Labels{{"tier", "large"}});
  auto types = sim::synthetic_instance_types(sc);
  REQUIRE(types.has_value());
  REQUIRE(types->size() == 2);
  const auto& big = (*types)[1];
  CHECK(big.allocatable.cpu_millis() == 7800);
  CHECK(big.requirements.get("tier")->values() == std::vector<std::string>{"large"});
  // Only available offerings count for the zone / capacity-type requirements (fake.NewInstanceType).
  CHECK((*types)[0].requirements.get(label::k_capacity_type)->values() == std::vector<std::string>{"on-demand"});
}

TEST_CASE("InstanceCatalog errors", "[io]") {
  CHECK(single_error(scenario("  instanceCatalog: mine\n  nodeGroups:\n    - {name: base, instanceType: m5.large}\n") +
                     k_inline_catalog) ==
        "scenarios/x.yaml:7:34: error: spec.nodeGroups[0].instanceType: unknown instance type \"m5.large\"");
  CHECK(single_error(scenario("  instanceCatalog: mine\n  zones: [us-east-1a]\n") + k_inline_catalog) ==
        "scenarios/x.yaml:6:11: error: spec.zones[0]: zone \"us-east-1a\" is not in region \"test\", expected one of "
        "\"test-zone-a\", \"test-zone-b\"");
  const std::string head = scenario("  instanceCatalog: mine\n") +
                           "---\napiVersion: capsim.dev/v1alpha1\nkind: InstanceCatalog\nmetadata: {name: mine}\nspec:\n"
                           "  instanceTypes:\n";  // line 11
  CHECK(single_error(head + "    - {name: a, capacity: {cpu: \"1\"}}\n") ==
        "scenarios/x.yaml:12:7: error: spec.instanceTypes[0]: missing required key \"offerings\" (at least one zone, "
        "capacity type and price)");
  CHECK(single_error(head + "    - {name: a, offerings: [{zone: z, capacityType: reserved, price: 1}]}\n") ==
        "scenarios/x.yaml:12:53: error: spec.instanceTypes[0].offerings[0].capacityType: expected one of "
        "\"on-demand\", \"spot\", got \"reserved\"");
  CHECK(single_error(head + "    - {name: a, offerings: [{zone: z, capacityType: spot, price: -1}]}\n") ==
        "scenarios/x.yaml:12:66: error: spec.instanceTypes[0].offerings[0].price: expected a price of at least 0 (USD "
        "per hour)");
  CHECK(single_error(head + "    - {name: a, offerings: [{zone: z, capacityType: spot, price: 1}]}\n"
                            "    - {name: a, offerings: [{zone: z, capacityType: spot, price: 1}]}\n") ==
        "scenarios/x.yaml:13:14: error: spec.instanceTypes[1].name: duplicate instance type \"a\"");
}

TEST_CASE("a run on an InstanceCatalog: cheapest available offering, ICE fallback", "[io][sim]") {
  const std::string pool =
      "---\napiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\nspec:\n  template:\n    spec:\n"
      "      requirements: []\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n---\n"
      "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec: {amiSelectorTerms: [{alias: al2023@latest}], "
      "role: KarpenterNodeRole, subnetSelectorTerms: [{tags: {a: b}}], securityGroupSelectorTerms: [{tags: {a: b}}]}\n---\n";
  const std::string web = test::deployment("web", 1, "1", "1Gi");
  // The spot offering of `small` is unavailable: on-demand in test-zone-a, $0.10.
  auto r = test::run_text(scenario("  instanceCatalog: mine\n  duration: 5m\n") + k_inline_catalog + pool + web);
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].instance_type == "small");
  CHECK(r.launches[0].capacity_type == "on-demand");
  CHECK(r.launches[0].zone == "test-zone-a");
  CHECK(r.launches[0].price_per_hour == Money::from_usd(0.10));
  // With test-zone-a out of on-demand capacity, the next offering: test-zone-b at $0.12.
  auto ice = test::run_text(scenario("  instanceCatalog: mine\n  duration: 5m\n  failures:\n    insufficientCapacity:\n"
                                     "      - {instanceTypes: [small], zones: [test-zone-a]}\n") +
                            k_inline_catalog + pool + web);
  REQUIRE(ice.launches.size() == 1);
  CHECK(ice.launches[0].instance_type == "small");
  CHECK(ice.launches[0].zone == "test-zone-b");
  CHECK(ice.launches[0].price_per_hour == Money::from_usd(0.12));
}
