#include "capsim/core/money.hpp"

#include <cmath>

namespace capsim {
namespace {
__extension__ typedef __int128 i128;
}  // namespace

Money Money::from_usd(double usd) { return Money{static_cast<std::int64_t>(std::llround(usd * 1e9))}; }

Money cost_for(Money price_per_hour, Duration running) {
  if (running.ms <= 0) return Money{0};
  i128 num = static_cast<i128>(price_per_hour.nano_usd) * running.ms;
  i128 den = 3'600'000;
  return Money{static_cast<std::int64_t>((num + den / 2) / den)};
}

Money billed_cost(Money price_per_hour, Duration running, Duration minimum) {
  if (running.ms < 0) running = Duration{0};
  return cost_for(price_per_hour, running < minimum ? minimum : running);
}

}  // namespace capsim
