// The bill of a run (cloud::compute_bill): instance lines, Windows licences, discounts, EBS and the
// EKS fee, with the list prices of aws.amazon.com/{ec2,ebs,eks}/pricing (us-east-1).
#include <catch2/catch.hpp>

#include "capsim/cloud/billing.hpp"

using namespace capsim;
using namespace capsim::cloud;

namespace {

BilledInstance instance(std::string type, std::string family, std::string capacity, double price, Duration running,
                        std::vector<Volume> volumes = {}) {
  BilledInstance b;
  b.instance_type = std::move(type);
  b.family = std::move(family);
  b.capacity_type = std::move(capacity);
  b.vcpu = 2;
  b.price_per_hour = Money::from_usd(price);
  b.on_demand_list_price = b.price_per_hour;
  b.running = running;
  b.volumes = std::move(volumes);
  return b;
}

const CostLine* line(const Bill& b, std::string_view item) {
  for (const auto& l : b.lines)
    if (l.item == item) return &l;
  return nullptr;
}

}  // namespace

TEST_CASE("bill: instances, a gp3 root volume and the EKS standard fee", "[billing]") {
  // m5.large on-demand $0.096/h for 2 h with Karpenter's AL2023 default root volume (20Gi gp3).
  const Bill b = compute_bill({instance("m5.large", "m5", "on-demand", 0.096, Duration::hours(2), {{"gp3", 20, 0, 0}})},
                              Duration::hours(2), BillingRates{});
  REQUIRE(b.lines.size() == 3);
  CHECK(b.lines[0] == CostLine{"EC2 on-demand instances", "2.00 instance-hours", Money{192'000'000}});
  // 20 GiB x $0.08 per GiB-month x 2 h / 730 h = $0.0043835616...
  CHECK(b.lines[1] == CostLine{"EBS gp3 volumes", "0.0548 GiB-months at $0.08", Money{4'383'562}});
  CHECK(b.lines[2] == CostLine{"EKS cluster fee", "standard support, 2.00 h at $0.1", Money{200'000'000}});
  CHECK(b.instances == Money{192'000'000});
  CHECK(b.total == Money{396'383'562});
}

TEST_CASE("bill: discounts apply to on-demand usage, per family where given", "[billing]") {
  BillingRates r;
  r.on_demand_discount = 0.10;
  r.family_discounts["m5"] = 0.30;
  r.eks_support = "none";
  const Bill b = compute_bill({instance("m5.large", "m5", "on-demand", 0.096, Duration::hours(2)),
                               instance("c5.large", "c5", "on-demand", 0.085, Duration::hours(1)),
                               instance("c5.large", "c5", "spot", 0.035, Duration::hours(1))},
                              Duration::hours(2), r);
  // m5: 30 % of $0.192 = $0.0576; c5 on-demand: 10 % of $0.085 = $0.0085; spot: none.
  const CostLine* d = line(b, "On-demand discount");
  REQUIRE(d != nullptr);
  CHECK(d->cost == Money{-66'100'000});
  CHECK(d->detail == "10 % off on-demand, per family where given");
  CHECK(line(b, "EC2 spot instances")->cost == Money{35'000'000});
  CHECK(b.instances == Money{192'000'000 + 85'000'000 + 35'000'000 - 66'100'000});
  CHECK(line(b, "EKS cluster fee") == nullptr);
  CHECK(b.total == b.instances);
}

TEST_CASE("bill: Windows instances pay the licence on top of the Linux price", "[billing]") {
  BillingRates r;
  r.eks_support = "none";
  auto w = instance("m5.large", "m5", "on-demand", 0.096, Duration::hours(1));
  w.windows = true;
  // 2 vCPU x $0.046 = $0.092/h: m5.large Windows $0.188 in us-east-1.
  Bill b = compute_bill({w}, Duration::hours(1), r);
  CHECK(line(b, "Windows Server licences")->cost == Money{92'000'000});
  CHECK(b.instances == Money{188'000'000});
  // A price file's Windows price for the type replaces the rule.
  r.windows_on_demand["m5.large"] = Money::from_usd(0.200);
  b = compute_bill({w}, Duration::hours(1), r);
  CHECK(line(b, "Windows Server licences")->cost == Money{104'000'000});
}

TEST_CASE("bill: provisioned IOPS and throughput, io2 tiers, other volume types", "[billing]") {
  BillingRates r;
  r.eks_support = "extended";
  const Duration month = Duration::hours(730);
  // gp3 100 GiB, 6,000 IOPS, 250 MiB/s for a month: 8 + 3,000 x 0.005 + 125 x 0.04 = $28.
  Bill b = compute_bill({instance("m5.large", "m5", "on-demand", 0.0, month, {{"gp3", 100, 6000, 250}})}, month, r);
  CHECK(line(b, "EBS gp3 volumes")->cost == Money{28'000'000'000});
  // io2 10 GiB, 40,000 IOPS: 1.25 + 32,000 x 0.065 + 8,000 x 0.0455 = $2,445.25.
  b = compute_bill({instance("m5.large", "m5", "on-demand", 0.0, month, {{"io2", 10, 40'000, 0}})}, month, r);
  CHECK(line(b, "EBS io2 volumes")->cost == Money{2'445'250'000'000});
  // gp2 and sc1 by size only; an override replaces the list rate.
  r.ebs_usd_per_gib_month["gp2"] = 0.119;
  b = compute_bill({instance("m5.large", "m5", "on-demand", 0.0, month, {{"gp2", 100, 0, 0}, {"sc1", 1000, 0, 0}})}, month, r);
  CHECK(line(b, "EBS gp2 volumes")->cost == Money{11'900'000'000});
  CHECK(line(b, "EBS gp2 volumes")->detail == "100.00 GiB-months at $0.119");
  CHECK(line(b, "EBS sc1 volumes")->cost == Money{15'000'000'000});
  CHECK(line(b, "EKS cluster fee")->cost == Money{438'000'000'000});  // $0.60 x 730 h
}

TEST_CASE("bill: an instance and its volumes are charged at least 60 seconds", "[billing]") {
  BillingRates r;
  r.eks_support = "none";
  const Bill b =
      compute_bill({instance("m5.large", "m5", "on-demand", 0.096, Duration::seconds(30), {{"gp3", 730, 0, 0}})},
                   Duration::seconds(30), r);
  CHECK(line(b, "EC2 on-demand instances")->cost == Money{1'600'000});  // $0.096 / 60
  // 730 GiB x $0.08 / 730 h / 60 = $0.001333...
  CHECK(line(b, "EBS gp3 volumes")->cost == Money{1'333'333});
}
