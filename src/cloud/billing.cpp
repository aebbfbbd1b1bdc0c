#include "capsim/cloud/billing.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace capsim::cloud {
namespace {

__extension__ typedef __int128 i128;

// EC2 and EBS bill per second with a 60-second minimum.
Duration billed_time(Duration running) { return running < Duration::seconds(60) ? Duration::seconds(60) : running; }

// `usd_per_month` for `running`, in nano-USD rounded half up (a month is k_hours_per_month).
Money monthly_cost(double usd_per_month, Duration running) {
  const i128 nano_per_month = static_cast<i128>(std::llround(usd_per_month * 1e9));
  const i128 den = static_cast<i128>(k_hours_per_month * 3'600'000.0);
  return Money{static_cast<std::int64_t>((nano_per_month * running.ms + den / 2) / den)};
}

// Two decimals from 1 up, three significant digits below (0.0964 instance-hours).
std::string amount(double v) { return v >= 1 || v == 0 ? fmt::format("{:.2f}", v) : fmt::format("{:.3g}", v); }
std::string hours(double ms) { return amount(ms / 3'600'000.0); }

std::string usd(double v) {
  std::string s = fmt::format("{:.4f}", v);
  while (s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return "$" + s;
}

// Provisioned IOPS and throughput beyond the baseline, per month (us-east-1): gp3 IOPS above
// 3,000 at 0.005, throughput above 125 MiB/s at 0.04; io1 every IOPS at 0.065; io2 tiered 0.065 up
// to 32,000, 0.0455 to 64,000, 0.03185 above.
double provisioned_per_month(const Volume& v) {
  if (v.volume_type == "gp3")
    return static_cast<double>(std::max<std::int64_t>(0, v.iops - 3000)) * 0.005 +
           static_cast<double>(std::max<std::int64_t>(0, v.throughput_mibps - 125)) * 0.04;
  if (v.volume_type == "io1") return static_cast<double>(v.iops) * 0.065;
  if (v.volume_type == "io2") {
    const auto tier = [&](std::int64_t lo, std::int64_t hi) {
      return static_cast<double>(std::clamp<std::int64_t>(v.iops - lo, 0, hi - lo));
    };
    return tier(0, 32'000) * 0.065 + tier(32'000, 64'000) * 0.0455 + tier(64'000, INT64_MAX) * 0.03185;
  }
  return 0;
}

struct VolumeTotals {
  double gib_ms{0};
  Money cost;
};

}  // namespace

double ebs_rate(const BillingRates& rates, std::string_view volume_type) {
  if (auto it = rates.ebs_usd_per_gib_month.find(volume_type); it != rates.ebs_usd_per_gib_month.end()) return it->second;
  if (volume_type == "gp3") return 0.08;
  if (volume_type == "gp2") return 0.10;
  if (volume_type == "io1" || volume_type == "io2") return 0.125;
  if (volume_type == "st1") return 0.045;
  if (volume_type == "sc1") return 0.015;
  return 0.05;  // standard
}

Bill compute_bill(const std::vector<BilledInstance>& instances, Duration cluster_time, const BillingRates& rates) {
  Money od, spot, licence;
  double od_ms = 0, spot_ms = 0, windows_ms = 0;
  std::map<std::string, Money, std::less<>> od_by_family;
  std::map<std::string, VolumeTotals, std::less<>> ebs;  // by volume type
  for (const auto& i : instances) {
    const Duration t = billed_time(i.running);
    const Money c = cost_for(i.price_per_hour, t);
    if (i.capacity_type == "spot") {
      spot += c;
      spot_ms += static_cast<double>(t.ms);
    } else {
      od += c;
      od_ms += static_cast<double>(t.ms);
      od_by_family[i.family] += c;
    }
    if (i.windows) {
      auto w = rates.windows_on_demand.find(i.instance_type);
      const Money per_hour = w != rates.windows_on_demand.end()
                                 ? w->second - i.on_demand_list_price
                                 : Money{rates.windows_licence_per_vcpu_hour.nano_usd * i.vcpu};
      licence += cost_for(per_hour, t);
      windows_ms += static_cast<double>(t.ms);
    }
    for (const auto& v : i.volumes) {
      auto& e = ebs[v.volume_type];
      e.gib_ms += static_cast<double>(v.size_gib) * static_cast<double>(t.ms);
      e.cost += monthly_cost(ebs_rate(rates, v.volume_type) * static_cast<double>(v.size_gib) + provisioned_per_month(v), t);
    }
  }
  Money discount;
  std::string discount_detail;
  for (const auto& [family, cost] : od_by_family) {
    auto f = rates.family_discounts.find(family);
    const double share = f != rates.family_discounts.end() ? f->second : rates.on_demand_discount;
    discount += Money{std::llround(static_cast<double>(cost.nano_usd) * share)};
  }
  if (!rates.family_discounts.empty())
    discount_detail = fmt::format("{:g} % off on-demand, per family where given", rates.on_demand_discount * 100);
  else
    discount_detail = fmt::format("{:g} % off on-demand", rates.on_demand_discount * 100);

  Bill b;
  const auto add = [&](std::string item, std::string detail, Money cost) {
    if (cost.nano_usd != 0) b.lines.push_back({std::move(item), std::move(detail), cost});
  };
  add("EC2 on-demand instances", hours(od_ms) + " instance-hours", od);
  add("EC2 spot instances", hours(spot_ms) + " instance-hours", spot);
  add("Windows Server licences", hours(windows_ms) + " instance-hours, licence included", licence);
  add("On-demand discount", discount_detail, Money{-discount.nano_usd});
  b.instances = od + spot + licence - discount;
  for (const auto& [type, e] : ebs)
    add("EBS " + type + " volumes",
        amount(e.gib_ms / (k_hours_per_month * 3'600'000.0)) + " GiB-months at " + usd(ebs_rate(rates, type)),
        e.cost);
  if (rates.eks_support != "none") {
    const double rate = rates.eks_support == "extended" ? 0.60 : 0.10;
    add("EKS cluster fee", rates.eks_support + " support, " + hours(static_cast<double>(cluster_time.ms)) + " h at " + usd(rate),
        cost_for(Money::from_usd(rate), cluster_time));
  }
  for (const auto& l : b.lines) b.total += l.cost;
  return b;
}

}  // namespace capsim::cloud
