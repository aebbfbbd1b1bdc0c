// Money as exact integer nano-USD; prices are USD per hour. Per-second billing with a minimum
// charge is computed here so every policy and report bills the same way.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "capsim/core/time.hpp"

namespace capsim {

struct Money {
  std::int64_t nano_usd{0};

  static Money from_usd(double usd);
  constexpr auto operator<=>(const Money&) const = default;
  constexpr Money operator+(Money o) const { return Money{nano_usd + o.nano_usd}; }
  constexpr Money operator-(Money o) const { return Money{nano_usd - o.nano_usd}; }
  Money& operator+=(Money o) {
    nano_usd += o.nano_usd;
    return *this;
  }
  constexpr double usd() const { return static_cast<double>(nano_usd) / 1e9; }
};

// Hourly price (nano-USD per hour) charged for `running`, rounded to the nearest nano-USD.
Money cost_for(Money price_per_hour, Duration running);

// EC2 Linux per-second billing: at least `minimum` (60 s) is charged once an instance runs.
Money billed_cost(Money price_per_hour, Duration running, Duration minimum = Duration::seconds(60));

// One line of a bill (cloud/billing.hpp): what was charged for, how it was computed, how much.
struct CostLine {
  std::string item;    // "EC2 on-demand instances", "EBS gp3 volumes", "EKS cluster fee" ...
  std::string detail;  // "12.5 instance-hours", "40 GiB-months at $0.08", "10 % off on-demand" ...
  Money cost;          // negative for a discount
  bool operator==(const CostLine&) const = default;
};

}  // namespace capsim
