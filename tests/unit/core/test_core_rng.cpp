// core/rng: FNV-1a stream hashing, xoshiro256** seeded through splitmix64, and capsim's own
// distributions. Exact values pin the algorithm: results must not change across libraries or
// refactorings, or every seeded scenario output would change.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "capsim/core/rng.hpp"

using capsim::Rng;
using capsim::stable_hash;

TEST_CASE("stable_hash is FNV-1a 64", "[core]") {
  // Published FNV-1a test vectors.
  CHECK(stable_hash("") == 0xcbf29ce484222325ULL);
  CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(stable_hash("foobar") == 0x85944171f73967e8ULL);
  // Chaining through the basis hashes a concatenation.
  CHECK(stable_hash("bar", stable_hash("foo")) == stable_hash("foobar"));
}

TEST_CASE("rng first values are pinned", "[core]") {
  // Reference values computed independently from the xoshiro256** / splitmix64 / FNV-1a definitions.
  Rng r(42, "arrivals");
  CHECK(r.next_u64() == 0x2e466cd1037d97fdULL);
  CHECK(r.next_u64() == 0x56b0d787ef363d94ULL);
  CHECK(r.next_u64() == 0x066738753c9ea3e8ULL);

  Rng z(0, "");
  CHECK(z.next_u64() == 0x21382ef092ed7068ULL);
  CHECK(z.next_u64() == 0x5b54c052757adf62ULL);

  Rng u(42, "arrivals");
  CHECK(u.uniform01() == 0x1.723366881bec8p-3);  // top 53 bits of the first draw

  Rng d(42, "arrivals");
  std::vector<std::int64_t> dice;
  for (int i = 0; i < 10; ++i) dice.push_back(d.uniform_int(1, 6));
  CHECK(dice == std::vector<std::int64_t>{6, 5, 5, 6, 2, 5, 2, 4, 1, 1});
}

TEST_CASE("rng same seed and stream give the same sequence", "[core]") {
  Rng a(7, "spot-interruptions");
  Rng b(7, "spot-interruptions");
  for (int i = 0; i < 1000; ++i) REQUIRE(a.next_u64() == b.next_u64());
  CHECK(a.uniform01() == b.uniform01());
  CHECK(a.exponential(30.0) == b.exponential(30.0));
  CHECK(a.uniform_int(-5, 5) == b.uniform_int(-5, 5));
}

TEST_CASE("rng different streams or seeds give different sequences", "[core]") {
  Rng a(7, "arrivals");
  Rng b(7, "departures");
  Rng c(8, "arrivals");
  int same_ab = 0;
  int same_ac = 0;
  for (int i = 0; i < 100; ++i) {
    const auto va = a.next_u64();
    same_ab += va == b.next_u64() ? 1 : 0;
    same_ac += va == c.next_u64() ? 1 : 0;
  }
  CHECK(same_ab == 0);
  CHECK(same_ac == 0);
}

TEST_CASE("rng uniform01 is at least 0 and below 1", "[core]") {
  Rng r(1, "u");
  double sum = 0;
  for (int i = 0; i < 100'000; ++i) {
    const double v = r.uniform01();
    REQUIRE(v >= 0.0);
    REQUIRE(v < 1.0);
    sum += v;
  }
  CHECK(sum / 100'000 == Approx(0.5).margin(0.01));
}

TEST_CASE("rng uniform_int stays in bounds and is roughly uniform", "[core]") {
  Rng r(12345, "uniform");
  std::array<int, 10> counts{};
  constexpr int k_draws = 100'000;
  for (int i = 0; i < k_draws; ++i) {
    const std::int64_t v = r.uniform_int(-3, 6);
    REQUIRE(v >= -3);
    REQUIRE(v <= 6);
    ++counts[static_cast<std::size_t>(v + 3)];
  }
  // Expected 10 000 each; the standard deviation is ~95, so +-600 is a loose, deterministic bound.
  for (int c : counts) {
    CHECK(c > 9'400);
    CHECK(c < 10'600);
  }
  // Chi-square with 9 degrees of freedom: 99.9th percentile is 27.9.
  double chi2 = 0;
  for (int c : counts) chi2 += (c - 10'000.0) * (c - 10'000.0) / 10'000.0;
  CHECK(chi2 < 27.9);
}

TEST_CASE("rng uniform_int edge ranges", "[core]") {
  Rng r(3, "edges");
  CHECK(r.uniform_int(5, 5) == 5);
  CHECK(r.uniform_int(5, 4) == 5);  // empty range: lo
  bool saw0 = false;
  bool saw1 = false;
  for (int i = 0; i < 200; ++i) {
    const auto v = r.uniform_int(0, 1);
    REQUIRE((v == 0 || v == 1));
    saw0 = saw0 || v == 0;
    saw1 = saw1 || v == 1;
  }
  CHECK(saw0);
  CHECK(saw1);
  // The full int64 range and ranges near the limits do not overflow.
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  bool negative = false;
  bool positive = false;
  for (int i = 0; i < 64; ++i) {
    const auto v = r.uniform_int(lo, hi);
    negative = negative || v < 0;
    positive = positive || v > 0;
  }
  CHECK(negative);
  CHECK(positive);
  for (int i = 0; i < 100; ++i) {
    const auto v = r.uniform_int(hi - 2, hi);
    REQUIRE(v >= hi - 2);
    const auto w = r.uniform_int(lo, lo + 2);
    REQUIRE(w <= lo + 2);
  }
}

TEST_CASE("rng exponential has the requested mean", "[core]") {
  Rng r(2024, "exp");
  constexpr int k_draws = 100'000;
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < k_draws; ++i) {
    const double v = r.exponential(30.0);
    REQUIRE(v >= 0.0);
    REQUIRE(std::isfinite(v));
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / k_draws;
  // Standard error of the mean is 30 / sqrt(1e5) ~ 0.095; allow 2 %.
  CHECK(mean == Approx(30.0).epsilon(0.02));
  // Variance of an exponential is mean^2.
  CHECK(sum_sq / k_draws - mean * mean == Approx(900.0).epsilon(0.05));
}

TEST_CASE("rng bernoulli", "[core]") {
  Rng r(9, "coin");
  int heads = 0;
  for (int i = 0; i < 100'000; ++i) heads += r.bernoulli(0.25) ? 1 : 0;
  CHECK(heads > 24'000);
  CHECK(heads < 26'000);
  CHECK_FALSE(r.bernoulli(0.0));
  CHECK(r.bernoulli(1.0));
}
