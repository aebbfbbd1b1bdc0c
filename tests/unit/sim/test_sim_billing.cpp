// The bill of a run (spec.pricing, cloud::compute_bill) and the prices' sources, on the EC2 catalog.
#include <catch2/catch.hpp>

#include "capsim/core/money.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;
using namespace capsim::test;

namespace {

// A v1 NodePool over `requirements` with its EC2NodeClass, whose spec gets `node_class_extra`.
std::string pool(const std::string& requirements, const std::string& node_class_extra = "") {
  return "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\nspec:\n  template:\n    spec:\n"
         "      requirements: " + requirements +
         "\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n"
         "  disruption: {consolidationPolicy: WhenEmpty, consolidateAfter: 30s}\n---\n"
         "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec:\n"
         "  amiSelectorTerms: [{alias: al2023@latest}]\n  role: KarpenterNodeRole\n"
         "  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: c}}]\n"
         "  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: c}}]\n" + node_class_extra + "---\n";
}

const std::string k_m5_large_od =
    "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
    "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]";

// The web Deployment goes at 5 m: its m5.large runs from 3 s to 350 s (347 s), as in
// test_sim_karpenter.cpp's per-second billing case.
const std::string k_delete_at_5m = "  timeline:\n    - {at: 5m, delete: {kind: Deployment, name: web}}\n";

const CostLine* line(const sim::AutoscalerResult& r, std::string_view item) {
  for (const auto& l : r.bill)
    if (l.item == item) return &l;
  return nullptr;
}

}  // namespace

TEST_CASE("bill: a run's instances, default root volume and EKS fee; cost stays the instances'", "[sim][billing]") {
  auto r = run_text(scenario_doc("v1.14", "10m", k_delete_at_5m) + pool(k_m5_large_od) + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.launches.size() == 1);
  REQUIRE(r.bill.size() == 3);
  CHECK(r.bill[0] == CostLine{"EC2 on-demand instances", "0.0964 instance-hours", Money{9'253'333}});
  // AL2023's default root volume, 20Gi gp3: $1.60 a month for 347 s of 730 h.
  CHECK(r.bill[1] == CostLine{"EBS gp3 volumes", "0.00264 GiB-months at $0.08", Money{211'263}});
  // The EKS fee is for the whole 10 minutes the cluster exists.
  CHECK(r.bill[2] == CostLine{"EKS cluster fee", "standard support, 0.167 h at $0.1", Money{16'666'667}});
  CHECK(r.summary.cost == Money{9'253'333});
  CHECK(r.summary.total_cost == Money{9'253'333 + 211'263 + 16'666'667});
  REQUIRE(r.prices.size() == 1);
  CHECK(r.prices[0].instance_type == "m5.large");
  CHECK(r.prices[0].price_per_hour == Money{96'000'000});
  CHECK(r.prices[0].source == "karpenter zz_generated.pricing_aws.go, as of 2026-07-20");
  CHECK(r.prices[0].nodes == 1);
}

TEST_CASE("bill: a gp3 volume of blockDeviceMappings adds its cost line", "[sim][billing]") {
  const std::string bdm =
      "  blockDeviceMappings:\n"
      "    - {deviceName: /dev/xvda, ebs: {volumeSize: 100Gi, volumeType: gp3, iops: 6000, throughput: 250}}\n";
  auto r = run_text(scenario_doc("v1.14", "10m", k_delete_at_5m + "  pricing: {eksClusterFee: none}\n") +
                    pool(k_m5_large_od, bdm) + deployment("web", 1, "500m", "512Mi"));
  // 100 GiB x $0.08 + 3,000 IOPS x $0.005 + 125 MiB/s x $0.04 = $28 a month, for 347 s of 730 h.
  const CostLine* ebs = line(r, "EBS gp3 volumes");
  REQUIRE(ebs != nullptr);
  CHECK(ebs->cost == Money{3'697'108});
  CHECK(line(r, "EKS cluster fee") == nullptr);
  CHECK(r.summary.total_cost == Money{9'253'333 + 3'697'108});
}

TEST_CASE("bill: an on-demand discount lowers the cost, not the decisions", "[sim][billing]") {
  auto r = run_text(scenario_doc("v1.14", "10m", k_delete_at_5m + "  pricing: {onDemandDiscount: 10%}\n") +
                    pool(k_m5_large_od) + deployment("web", 1, "500m", "512Mi"));
  REQUIRE(r.launches.size() == 1);
  CHECK(r.launches[0].price_per_hour == Money{96'000'000});  // Karpenter launched at the list price
  const CostLine* d = line(r, "On-demand discount");
  REQUIRE(d != nullptr);
  CHECK(d->cost == Money{-925'333});
  CHECK(r.summary.cost == Money{9'253'333 - 925'333});
}

// aws getCapacityType (instance.go) chooses spot when any option has a spot offering; the catalog
// has none for c8i, so spec.pricing.spotPrices gives Karpenter one and the launch goes spot.
TEST_CASE("spot prices from spec.pricing change the decision and name their source", "[sim][billing]") {
  const std::string c8i =
      "[{key: karpenter.k8s.aws/instance-family, operator: In, values: [c8i]}, "
      "{key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}]";
  auto before = run_text(scenario_doc("v1.14", "5m") + pool(c8i) + deployment("web", 2, "1", "1Gi"));
  REQUIRE(before.launches.size() == 1);
  CHECK(before.launches[0].capacity_type == "on-demand");
  auto after = run_text(scenario_doc("v1.14", "5m", "  pricing: {spotPrices: {c8i.xlarge: 0.05}}\n") + pool(c8i) +
                        deployment("web", 2, "1", "1Gi"));
  REQUIRE(after.launches.size() == 1);
  CHECK(after.launches[0].capacity_type == "spot");
  CHECK(after.launches[0].instance_type == "c8i.xlarge");
  CHECK(after.launches[0].price_per_hour == Money{50'000'000});
  REQUIRE(after.prices.size() == 1);
  CHECK(after.prices[0].source == "spec.pricing.spotPrices");
  CHECK(!after.prices[0].zone.empty());
}

TEST_CASE("bill: Windows nodes pay the Windows licence", "[sim][billing]") {
  const std::string win =
      "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}, "
      "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}, "
      "{key: kubernetes.io/os, operator: In, values: [windows]}]";
  std::string p = pool(win);
  p.replace(p.find("al2023@latest"), std::string("al2023@latest").size(), "windows2022@latest");
  auto r = run_text(scenario_doc("v1.14", "10m", k_delete_at_5m + "  pricing: {eksClusterFee: none}\n") + p +
                    deployment("web", 1, "500m", "512Mi", "      nodeSelector: {kubernetes.io/os: windows}\n"));
  REQUIRE(r.launches.size() == 1);
  const CostLine* l = line(r, "Windows Server licences");
  REQUIRE(l != nullptr);
  // 2 vCPU x $0.046 = $0.092 an hour for the node's billed time.
  const Duration billed = r.terminations.at(0).terminated_at - r.launches[0].launched_at;
  CHECK(l->cost == cost_for(Money{92'000'000}, billed));
  CHECK(r.summary.cost == cost_for(Money{96'000'000}, billed) + cost_for(Money{92'000'000}, billed));
  // Windows2022's default root volume is 50Gi.
  CHECK(line(r, "EBS gp3 volumes")->cost == Money{(4'000'000'000 * billed.ms + 1'314'000'000) / 2'628'000'000});
}
