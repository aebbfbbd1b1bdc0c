// Kubernetes resource quantities held exactly as int64 milli-units ("500m" CPU = 500,
// "512Mi" memory = 536870912000). Parsing follows k8s.io/apimachinery resource.Quantity
// (binary Ki..Ei, decimal n/u/m/k/M/G/T/P/E, exponents); fractions below a milli round up,
// as Quantity.MilliValue() does.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capsim {

struct Quantity {
  std::int64_t milli{0};

  static constexpr Quantity from_milli(std::int64_t m) { return Quantity{m}; }
  static constexpr Quantity from_units(std::int64_t u) { return Quantity{u * 1000}; }
  static constexpr Quantity from_mib(std::int64_t mib) { return Quantity{mib * 1024 * 1024 * 1000}; }

  constexpr auto operator<=>(const Quantity&) const = default;
  // Whole units, rounded up (Quantity.Value()).
  constexpr std::int64_t value() const { return milli >= 0 ? (milli + 999) / 1000 : milli / 1000; }
};

// Parses a Kubernetes quantity; nullopt when malformed or out of range.
std::optional<Quantity> parse_quantity(std::string_view text);

// CPU-style: "500m", "2", "1500m".
std::string format_cpu(Quantity q);
// Memory-style: the largest binary suffix that divides exactly ("512Mi", "30310Mi", "1Gi"), else bytes.
std::string format_bytes(Quantity q);

}  // namespace capsim
