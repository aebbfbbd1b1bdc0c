#include "capsim/core/rng.hpp"

#include <cmath>

namespace capsim {
namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

std::uint64_t stable_hash(std::string_view s, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t value) {
  std::uint64_t x = seed;
  std::uint64_t y = splitmix64(x) ^ value;
  return splitmix64(y);
}

Rng::Rng(std::uint64_t seed, std::string_view stream) {
  std::uint64_t x = seed ^ stable_hash(stream);
  for (auto& s : m_s) s = splitmix64(x);
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
  const std::uint64_t t = m_s[1] << 17;
  m_s[2] ^= m_s[0];
  m_s[3] ^= m_s[1];
  m_s[1] ^= m_s[2];
  m_s[0] ^= m_s[3];
  m_s[2] ^= t;
  m_s[3] = rotl(m_s[3], 45);
  return result;
}

double Rng::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

std::int64_t Rng::uniform_int(std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return lo;
  // Unsigned arithmetic: hi - lo overflows int64 for ranges wider than INT64_MAX.
  const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
  if (range == 0) return static_cast<std::int64_t>(next_u64());
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % range);
  std::uint64_t v;
  do {
    v = next_u64();
  } while (v >= limit);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + v % range);
}

double Rng::exponential(double mean) { return -mean * std::log1p(-uniform01()); }

}  // namespace capsim
