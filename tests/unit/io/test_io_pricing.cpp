// spec.pricing of the Scenario document and its price file; EBS volumes of EC2NodeClass
// blockDeviceMappings (spec::EbsVolume) for the bill.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "io_scenario_test_support.hpp"

using namespace capsim;
using namespace capsim::io;
using namespace capsim::io::test;

namespace {

std::string pricing_doc(const std::string& pricing) {
  return "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: p}\nspec:\n  region: us-east-1\n"
         "  pricing:\n" + pricing;
}

struct PriceDir {
  std::filesystem::path dir;
  explicit PriceDir(const std::string& name) : dir(std::filesystem::temp_directory_path() / ("capsim-test-pricing-" + name)) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~PriceDir() { std::filesystem::remove_all(dir); }
  std::string write(const std::string& file, const std::string& text) const {
    std::ofstream(dir / file) << text;
    return (dir / file).string();
  }
};

}  // namespace

TEST_CASE("spec.pricing: discounts, spot prices, the EKS fee and EBS rates", "[io][pricing]") {
  const auto sc = load_scenario_text(pricing_doc("    onDemandDiscount: 12%\n"
                                                 "    familyDiscounts: {m5: 0.3}\n"
                                                 "    spotPrices:\n"
                                                 "      c6i.large: 0.035\n"
                                                 "      m5.large: {us-east-1b: 0.04}\n"
                                                 "    eksClusterFee: extended\n"
                                                 "    ebs: {gp3: 0.0952}\n"),
                                     "scenarios/p.yaml", *tiny_catalog());
  CHECK(sc.pricing.on_demand_discount == Approx(0.12));
  CHECK(sc.pricing.family_discounts.at("m5") == Approx(0.3));
  CHECK(sc.pricing.eks_support == "extended");
  CHECK(sc.pricing.ebs_usd_per_gib_month.at("gp3") == Approx(0.0952));
  REQUIRE(sc.pricing.prices.size() == 2);
  CHECK(sc.pricing.prices[0].instance_type == "c6i.large");
  CHECK(sc.pricing.prices[0].capacity_type == "spot");
  CHECK(sc.pricing.prices[0].zone.empty());
  CHECK(sc.pricing.prices[0].price == Money{35'000'000});
  CHECK(sc.pricing.prices[0].source == "spec.pricing.spotPrices");
  CHECK(sc.pricing.prices[1].zone == "us-east-1b");
}

TEST_CASE("spec.pricing errors are located", "[io][pricing]") {
  CHECK(rendered(load_errors(pricing_doc("    onDemandDiscount: 120%\n"
                                         "    familyDiscounts: {m9: 10%}\n"
                                         "    spotPrices: {m5.huge: 0.1, m5.large: {us-east-1z: 0.1}}\n"
                                         "    eksClusterFee: premium\n"
                                         "    ebs: {gp4: 0.1}\n"))) ==
        std::vector<std::string>{
            "scenarios/x.yaml:7:23: error: spec.pricing.onDemandDiscount: expected a share such as \"12%\" or 0.12 (from 0 to "
            "100 %), got \"120%\"",
            "scenarios/x.yaml:8:27: error: spec.pricing.familyDiscounts.m9: unknown instance family \"m9\" (families are such "
            "as \"m5\", \"c6i\")",
            "scenarios/x.yaml:9:18: error: spec.pricing.spotPrices[\"m5.huge\"]: unknown instance type \"m5.huge\"",
            "scenarios/x.yaml:9:43: error: spec.pricing.spotPrices[\"m5.large\"].us-east-1z: zone \"us-east-1z\" is not in "
            "region \"us-east-1\", expected one of \"us-east-1a\", \"us-east-1b\", \"us-east-1c\"",
            "scenarios/x.yaml:10:20: error: spec.pricing.eksClusterFee: expected one of \"standard\", \"extended\", \"none\", got "
            "\"premium\"",
            "scenarios/x.yaml:11:11: error: spec.pricing.ebs: unknown key \"gp4\", did you mean \"gp3\"?"});
}

TEST_CASE("spec.pricing.priceFile: on-demand, spot and Windows prices for the scenario's region", "[io][pricing]") {
  PriceDir d("ok");
  d.write("prices.csv",
          "region,instance_type,capacity_type,zone,os,usd_per_hour\n"
          "us-east-1,m5.large,on-demand,,,0.09\n"
          "ap-northeast-2,m5.large,on-demand,,,0.5\n"
          "us-east-1,m5.large,spot,us-east-1a,,0.03\n"
          "us-east-1,m5.large,on-demand,,windows,0.18\n");
  const std::string file = d.write("s.yaml", pricing_doc("    priceFile: prices.csv\n"));
  const auto sc = load_scenario(file, *tiny_catalog());
  REQUIRE(sc.pricing.prices.size() == 3);  // the ap-northeast-2 row is another region's
  CHECK(sc.pricing.prices[0].price == Money{90'000'000});
  CHECK(sc.pricing.prices[0].source == "prices.csv:2");
  CHECK(sc.pricing.prices[1].capacity_type == "spot");
  CHECK(sc.pricing.prices[1].zone == "us-east-1a");
  CHECK(sc.pricing.prices[2].os == "windows");
  CHECK(sc.pricing.prices[2].source == "prices.csv:5");
}

TEST_CASE("spec.pricing.priceFile errors give the file, line and column", "[io][pricing]") {
  PriceDir d("bad");
  const std::string csv = d.write("prices.csv",
                                  "instance_type,capacity_type,zone,usd_per_hour\n"
                                  "m5.large,on-demand,us-east-1a,0.09\n"
                                  "m5.large,reserved,,0.09\n"
                                  "m5.large,spot,,cheap\n"
                                  "m5.mega,spot,,0.1\n");
  const std::string file = d.write("s.yaml", pricing_doc("    priceFile: prices.csv\n"));
  std::vector<Diagnostic> diags;
  try {
    (void)load_scenario(file, *tiny_catalog());
  } catch (const InputError& e) {
    diags = e.diagnostics();
  }
  CHECK(rendered(diags) ==
        std::vector<std::string>{
            csv + ":2:20: error: an on-demand price is regional: leave zone empty (spot prices may name a zone)",
            csv + ":3:10: error: expected capacity_type \"on-demand\" or \"spot\", got \"reserved\"",
            csv + ":4:16: error: expected a price in USD per hour such as 0.0416, got \"cheap\"",
            csv + ":5:1: error: unknown instance type \"m5.mega\""});
  d.write("prices.csv", "instance_type,price\n");
  diags.clear();
  try {
    (void)load_scenario(file, *tiny_catalog());
  } catch (const InputError& e) {
    diags = e.diagnostics();
  }
  CHECK(rendered(diags) == std::vector<std::string>{csv + ":1:15: error: unknown column \"price\" (columns: instance_type, "
                                                          "usd_per_hour, capacity_type, zone, region, os)"});
}

TEST_CASE("EC2NodeClass blockDeviceMappings give the node's EBS volumes; defaults per AMI family", "[io][pricing]") {
  const auto sc = load_scenario_text(
      "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: v}\nspec: {region: us-east-1}\n---\n"
      "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: big}\nspec:\n"
      "  amiSelectorTerms: [{alias: al2023@latest}]\n  role: r\n"
      "  subnetSelectorTerms: [{tags: {a: b}}]\n  securityGroupSelectorTerms: [{tags: {a: b}}]\n"
      "  blockDeviceMappings:\n"
      "    - {deviceName: /dev/xvda, ebs: {volumeSize: 100Gi, volumeType: gp3, iops: 6000, throughput: 250}}\n"
      "    - {deviceName: /dev/xvdb, ebs: {volumeSize: 1500G}}\n"
      "---\n"
      "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: br}\nspec:\n"
      "  amiSelectorTerms: [{alias: bottlerocket@latest}]\n  role: r\n"
      "  subnetSelectorTerms: [{tags: {a: b}}]\n  securityGroupSelectorTerms: [{tags: {a: b}}]\n",
      "scenarios/v.yaml", *tiny_catalog());
  const auto* big = sc.find_node_class("big");
  REQUIRE(big != nullptr);
  REQUIRE(big->volumes.size() == 2);
  CHECK(big->volumes[0].size_gib == 100);
  CHECK(big->volumes[0].volume_type == "gp3");
  CHECK(big->volumes[0].iops == 6000);
  CHECK(big->volumes[0].throughput_mibps == 250);
  CHECK(big->volumes[1].size_gib == 1397);  // 1500 GB rounded up to whole GiB; EC2's default type gp2
  CHECK(big->volumes[1].volume_type == "gp2");
  const auto* br = sc.find_node_class("br");
  REQUIRE(br != nullptr);
  REQUIRE(br->volumes.size() == 2);  // Bottlerocket: 4Gi root + 20Gi data, gp3
  CHECK(br->volumes[0].size_gib == 4);
  CHECK(br->volumes[1].size_gib == 20);
  CHECK(sc.not_modelled.empty());  // volumeType, iops and throughput are read now
}
