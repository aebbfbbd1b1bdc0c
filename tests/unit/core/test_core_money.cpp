// core/money: nano-USD rounding, hourly prices charged per millisecond, and EC2 per-second billing
// with its 60 s minimum.
#include <catch2/catch.hpp>

#include "capsim/core/money.hpp"

using capsim::billed_cost;
using capsim::cost_for;
using capsim::Duration;
using capsim::Money;

TEST_CASE("money from_usd rounds to the nearest nano-USD", "[core]") {
  CHECK(Money::from_usd(0.768).nano_usd == 768'000'000);
  CHECK(Money::from_usd(1.0).nano_usd == 1'000'000'000);
  CHECK(Money::from_usd(0.0).nano_usd == 0);
  CHECK(Money::from_usd(0.0116).nano_usd == 11'600'000);  // t3.micro-style prices are not exact in binary
  CHECK(Money::from_usd(0.0000000004).nano_usd == 0);
  CHECK(Money::from_usd(0.0000000006).nano_usd == 1);
  CHECK(Money::from_usd(-0.5).nano_usd == -500'000'000);
  CHECK(Money::from_usd(32.7726).nano_usd == 32'772'600'000);
}

TEST_CASE("money arithmetic and comparison", "[core]") {
  Money a{1'500};
  const Money b{500};
  CHECK((a + b).nano_usd == 2'000);
  CHECK((a - b).nano_usd == 1'000);
  a += b;
  CHECK(a.nano_usd == 2'000);
  CHECK(b < a);
  CHECK(Money{7} == Money{7});
  CHECK(Money{1'250'000'000}.usd() == Approx(1.25));
}

TEST_CASE("cost_for charges the hourly price per millisecond", "[core]") {
  const Money price = Money::from_usd(0.768);
  CHECK(cost_for(price, Duration::hours(1)).nano_usd == 768'000'000);
  CHECK(cost_for(price, Duration::seconds(30)).nano_usd == 6'400'000);
  CHECK(cost_for(price, Duration::seconds(60)).nano_usd == 12'800'000);
  CHECK(cost_for(price, Duration::hours(720)).nano_usd == 552'960'000'000LL);
  CHECK(cost_for(price, Duration{0}).nano_usd == 0);
  CHECK(cost_for(price, Duration{-5'000}).nano_usd == 0);
  CHECK(cost_for(Money{0}, Duration::hours(5)).nano_usd == 0);
}

TEST_CASE("cost_for rounds half up to the nearest nano-USD", "[core]") {
  // 1 nano-USD per hour for half an hour is 0.5 -> 1; for 0.4999... h it rounds down.
  CHECK(cost_for(Money{1}, Duration::millis(1'800'000)).nano_usd == 1);
  CHECK(cost_for(Money{1}, Duration::millis(1'799'999)).nano_usd == 0);
  // 0.0116 USD/h for 1 ms = 3.222... nano-USD
  CHECK(cost_for(Money{11'600'000}, Duration::millis(1)).nano_usd == 3);
  // 3 nano-USD per hour for 1 h 30 min = 4.5 -> 5
  CHECK(cost_for(Money{3}, Duration::minutes(90)).nano_usd == 5);
}

TEST_CASE("cost_for does not overflow on large prices and long runs", "[core]") {
  // 100 USD/h for 10 years: the product price * ms exceeds int64 before the division.
  const Money price = Money::from_usd(100.0);
  const Duration ten_years = Duration::hours(24 * 3650);
  CHECK(cost_for(price, ten_years).nano_usd == 100'000'000'000LL * 24 * 3650);
}

TEST_CASE("billed_cost applies the 60 s minimum", "[core]") {
  const Money price = Money::from_usd(0.768);
  // 30 s is billed as 60 s: 0.768 / 60 = 0.0128 USD exactly.
  CHECK(billed_cost(price, Duration::seconds(30)).nano_usd == 12'800'000);
  CHECK(billed_cost(price, Duration::seconds(30)) == Money::from_usd(0.0128));
  CHECK(billed_cost(price, Duration::millis(1)).nano_usd == 12'800'000);
  CHECK(billed_cost(price, Duration::seconds(60)).nano_usd == 12'800'000);
  // Beyond the minimum, per-second (here per-millisecond) billing.
  CHECK(billed_cost(price, Duration::seconds(61)).nano_usd == 13'013'333);
  CHECK(billed_cost(price, Duration::seconds(3600)).nano_usd == 768'000'000);
  CHECK(billed_cost(price, Duration::seconds(3600)) == Money::from_usd(0.768));
}

TEST_CASE("billed_cost honours a custom minimum", "[core]") {
  const Money price = Money::from_usd(3.6);  // 1 000 000 nano-USD per second
  CHECK(billed_cost(price, Duration::seconds(10), Duration::seconds(0)).nano_usd == 10'000'000);
  CHECK(billed_cost(price, Duration::seconds(10), Duration::minutes(10)).nano_usd == 600'000'000);
  CHECK(billed_cost(price, Duration::minutes(11), Duration::minutes(10)).nano_usd == 660'000'000);
}
