// core/quantity: Kubernetes resource.Quantity parsing into exact milli-units (MilliValue rounds
// fractions of a milli-unit away from zero), Value(), and the CPU / memory formatting.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>

#include "capsim/core/quantity.hpp"

using capsim::format_bytes;
using capsim::format_cpu;
using capsim::parse_quantity;
using capsim::Quantity;

namespace {
constexpr std::int64_t k_ki = 1024;
constexpr std::int64_t k_mi = 1024 * k_ki;
constexpr std::int64_t k_gi = 1024 * k_mi;
constexpr std::int64_t k_ti = 1024 * k_gi;

std::optional<std::int64_t> milli(const char* s) {
  auto q = parse_quantity(s);
  if (!q) return std::nullopt;
  return q->milli;
}
}  // namespace

TEST_CASE("quantity plain decimals and milli suffix", "[core]") {
  CHECK(milli("500m") == 500);
  CHECK(milli("1") == 1000);
  CHECK(milli("1.5") == 1500);
  CHECK(milli("0.1") == 100);
  CHECK(milli("0") == 0);
  CHECK(milli("0.0") == 0);
  CHECK(milli("100") == 100'000);
  CHECK(milli("2000m") == 2000);
  CHECK(milli("0.5m") == 1);  // rounds up
  CHECK(milli(".5") == 500);  // Kubernetes accepts a missing leading zero
  CHECK(milli("5.") == 5000); // ... and a trailing dot
  CHECK(milli("007") == 7000);
  CHECK(milli("1.0001") == 1001);  // 1000.1 milli rounds up
}

TEST_CASE("quantity signs", "[core]") {
  CHECK(milli("-1") == -1000);
  CHECK(milli("+2") == 2000);
  CHECK(milli("-500m") == -500);
  CHECK(milli("-0") == 0);
  CHECK(milli("-1.5Gi") == -1536 * k_mi * 1000);
}

TEST_CASE("quantity binary suffixes", "[core]") {
  CHECK(milli("1Ki") == k_ki * 1000);
  CHECK(milli("512Mi") == 512 * k_mi * 1000);
  CHECK(milli("512Mi") == 536'870'912'000LL);
  CHECK(milli("1Gi") == k_gi * 1000);
  CHECK(milli("1.5Gi") == 1536 * k_mi * 1000);
  CHECK(milli("0.5Ki") == 512'000);
  CHECK(milli("2Ti") == 2 * k_ti * 1000);
  CHECK(milli("1Pi") == 1024 * k_ti * 1000);
  CHECK(Quantity::from_mib(512).milli == 512 * k_mi * 1000);
}

TEST_CASE("quantity decimal SI suffixes", "[core]") {
  CHECK(milli("1k") == 1'000'000);
  CHECK(milli("1M") == 1'000'000'000);
  CHECK(milli("1G") == 1'000'000'000'000LL);
  CHECK(milli("2T") == 2'000'000'000'000'000LL);
  CHECK(milli("1P") == 1'000'000'000'000'000'000LL);
  CHECK(milli("1.5k") == 1'500'000);
  CHECK(milli("250u") == 1);  // 0.25 milli rounds up
  CHECK(milli("1000u") == 1);
  CHECK(milli("1001u") == 2);
  CHECK(milli("100n") == 1);  // MilliValue rounds up
  CHECK(milli("1n") == 1);
  CHECK(milli("1000000n") == 1);
  CHECK(milli("-100n") == -1);  // rounded away from zero, as Kubernetes does
}

TEST_CASE("quantity decimal exponents", "[core]") {
  CHECK(milli("1e3") == 1'000'000);
  CHECK(milli("1E3") == 1'000'000);
  CHECK(milli("1e+3") == 1'000'000);
  CHECK(milli("1e-3") == 1);
  CHECK(milli("5e-4") == 1);
  CHECK(milli("1.5e2") == 150'000);
  CHECK(milli("12e0") == 12'000);
}

TEST_CASE("quantity rejects malformed input", "[core]") {
  for (const char* bad : {"", "abc", "1.2.3", "1Qi", "Mi", ".", "1e", "1e+", "1E-", "+", "-", "-.", "1K", "1ki",
                          "1mi", "1 ", " 1", "1 Gi", "1GiB", "1.5.Gi", "1e3Mi", "1ee3", "1e3.5", "--1", "+-1", "0x10",
                          "1,5", "1Gi1", "1e1000"}) {
    INFO("input: \"" << bad << "\"");
    CHECK_FALSE(parse_quantity(bad));
  }
}

TEST_CASE("quantity rejects values that overflow int64 milli-units", "[core]") {
  CHECK_FALSE(parse_quantity("9223372036854775807"));  // fine as units, not as milli-units
  CHECK_FALSE(parse_quantity("99999999999999999999999999999999999999"));
  CHECK_FALSE(parse_quantity("1E"));   // 10^18 units
  CHECK_FALSE(parse_quantity("1Ei"));  // 2^60 units
  CHECK_FALSE(parse_quantity("10000P"));
  CHECK_FALSE(parse_quantity("1e100"));
  CHECK_FALSE(parse_quantity("-1e100"));
  // The largest whole number of units that fits.
  CHECK(milli("9223372036854775") == 9'223'372'036'854'775'000LL);
  CHECK(milli("9223372036854775807m") == std::numeric_limits<std::int64_t>::max());
  CHECK_FALSE(parse_quantity("9223372036854775808m"));
  CHECK(milli("8Pi") == 8 * 1024 * k_ti * 1000);
}

TEST_CASE("quantity keeps exact rounding with very long fractions", "[core]") {
  // More significant digits than the parser keeps: anything beyond an exact milli still rounds up.
  CHECK(milli("1.000000000000000000000000000000000001") == 1001);
  CHECK(milli("0.500000000000000000000000000000000000") == 500);
  CHECK(milli("0.000000000000000000000000000000000000") == 0);
  CHECK(milli("0.00000000000000000000000001") == 1);
  CHECK(milli("1e-50") == 1);   // tiny positive values still round up to one milli-unit
  CHECK(milli("1e-999") == 1);
  CHECK(milli("-1e-50") == -1);
  CHECK(milli("0e50") == 0);
}

TEST_CASE("quantity value() rounds whole units up", "[core]") {
  CHECK(Quantity::from_milli(1500).value() == 2);
  CHECK(Quantity::from_milli(1000).value() == 1);
  CHECK(Quantity::from_milli(1).value() == 1);
  CHECK(Quantity::from_milli(0).value() == 0);
  CHECK(Quantity::from_units(3).milli == 3000);
  CHECK(Quantity::from_milli(-1500).value() == -1);  // ceil for negatives
  CHECK(Quantity::from_milli(1) < Quantity::from_milli(2));
}

TEST_CASE("format_cpu renders millicores or whole cores", "[core]") {
  CHECK(format_cpu(Quantity::from_milli(500)) == "500m");
  CHECK(format_cpu(Quantity::from_milli(2000)) == "2");
  CHECK(format_cpu(Quantity::from_milli(1500)) == "1500m");
  CHECK(format_cpu(Quantity::from_milli(0)) == "0");
  CHECK(format_cpu(Quantity::from_milli(-250)) == "-250m");
  CHECK(format_cpu(Quantity::from_units(96)) == "96");
}

TEST_CASE("format_bytes picks the largest exact binary suffix", "[core]") {
  CHECK(format_bytes(*parse_quantity("512Mi")) == "512Mi");
  CHECK(format_bytes(*parse_quantity("1Gi")) == "1Gi");
  CHECK(format_bytes(*parse_quantity("1.5Gi")) == "1536Mi");
  CHECK(format_bytes(*parse_quantity("30310Mi")) == "30310Mi");
  CHECK(format_bytes(*parse_quantity("2Ti")) == "2Ti");
  CHECK(format_bytes(*parse_quantity("1Ki")) == "1Ki");
  CHECK(format_bytes(*parse_quantity("1000")) == "1000");
  CHECK(format_bytes(*parse_quantity("1G")) == "1000000000");
  CHECK(format_bytes(Quantity{0}) == "0");
  CHECK(format_bytes(Quantity::from_milli(500)) == "500m");
  CHECK(format_bytes(*parse_quantity("-1Gi")) == "-1Gi");
}

TEST_CASE("format output parses back to the same quantity", "[core]") {
  for (const char* s : {"500m", "2", "1536Mi", "1Gi", "123", "7Ti", "1", "0"}) {
    INFO(s);
    auto q = parse_quantity(s);
    REQUIRE(q);
    CHECK(parse_quantity(format_cpu(*q)) == q);
    CHECK(parse_quantity(format_bytes(*q)) == q);
  }
}
