// The bill of a run as AWS would send it: EC2 instances (on-demand and spot, at the prices the
// autoscalers launched at), the Windows Server licence of Windows instances, an on-demand discount
// (Savings Plans / EDP style), EBS volumes per GiB-month with provisioned IOPS and throughput, and
// the EKS cluster fee. Per-second billing with a 60 s minimum for instances and volumes (EC2 and
// EBS pricing pages). A run's "cost" everywhere else is the instance lines after the discount.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/core/money.hpp"
#include "capsim/core/time.hpp"

namespace capsim::cloud {

struct Volume {
  std::string volume_type{"gp3"};  // gp3 | gp2 | io1 | io2 | st1 | sc1 | standard
  std::int64_t size_gib{0};
  std::int64_t iops{0};              // provisioned; 0: the type's baseline
  std::int64_t throughput_mibps{0};  // gp3; 0: 125
};

struct BilledInstance {
  std::string instance_type;
  std::string family;
  std::string capacity_type;  // on-demand | spot
  int vcpu{0};
  bool windows{false};
  Money price_per_hour;  // the (Linux) price it was launched at
  Money on_demand_list_price;  // the Linux on-demand list price (for a Windows price given per type)
  Duration running;
  std::vector<Volume> volumes;
};

// Billing rates: us-east-1 list prices (aws.amazon.com/ebs/pricing, /eks/pricing, /ec2/pricing
// Windows; 2026) unless a scenario overrides them. EBS rates differ a little by region; capsim has
// no regional EBS data, so other regions use these unless spec.pricing.ebs gives them.
struct BillingRates {
  double on_demand_discount{0};  // fraction off on-demand instance usage (the Linux part)
  std::map<std::string, double, std::less<>> family_discounts;  // replaces the global one
  // Windows Server licence included: 0.046 USD per vCPU-hour on top of the Linux price (m5.large
  // us-east-1: Linux 0.096, Windows 0.188). Burstable types are priced differently by AWS; a
  // price file's Windows row for the type replaces the rule.
  Money windows_licence_per_vcpu_hour{Money::from_usd(0.046)};
  std::map<std::string, Money, std::less<>> windows_on_demand;  // instance type -> Windows price
  std::string eks_support{"standard"};  // standard 0.10 USD/h | extended 0.60 USD/h | none
  std::map<std::string, double, std::less<>> ebs_usd_per_gib_month;  // overrides of k_ebs_rates
};

// USD per GiB-month (us-east-1): gp3 0.08, gp2 0.10, io1 0.125, io2 0.125, st1 0.045, sc1 0.015,
// standard (magnetic) 0.05 (its per-I/O charge is not modelled). A month is 730 hours.
double ebs_rate(const BillingRates& rates, std::string_view volume_type);
inline constexpr double k_hours_per_month = 730.0;

// The lines, in a fixed order (instances on-demand, spot, Windows licences, discount, EBS per volume
// type, EKS), lines of zero left out; and the instance total after the discount.
struct Bill {
  std::vector<CostLine> lines;
  Money instances;
  Money total;
};
Bill compute_bill(const std::vector<BilledInstance>& instances, Duration cluster_time, const BillingRates& rates);

}  // namespace capsim::cloud
