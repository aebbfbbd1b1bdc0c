// Deterministic random numbers: xoshiro256** seeded through splitmix64 from (seed, stream name),
// with capsim's own distributions so results do not depend on the standard library.
#pragma once

#include <cstdint>
#include <string_view>

namespace capsim {

// FNV-1a 64-bit hash, stable across platforms (used for stream names and fixed spreads).
std::uint64_t stable_hash(std::string_view s, std::uint64_t basis = 14695981039346656037ULL);

// A seed derived from `seed` and `value` through splitmix64 (chain it for tuples): every input
// bit reaches every output bit, unlike XOR-ing small integers, which collide.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t value);

class Rng {
 public:
  Rng(std::uint64_t seed, std::string_view stream);

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform integer in [lo, hi] (inclusive), unbiased by rejection.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  // Exponential with the given mean (inverse transform).
  double exponential(double mean);
  bool bernoulli(double p) { return uniform01() < p; }

 private:
  std::uint64_t m_s[4];
};

}  // namespace capsim
