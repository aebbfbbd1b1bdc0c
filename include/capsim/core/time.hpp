// Simulated time: SimTime (an instant) and Duration, both int64 milliseconds. Parsing of Go-style
// duration strings ("30s", "1h30m", "720h", "500ms") as Kubernetes and Karpenter write them.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capsim {

struct Duration {
  std::int64_t ms{0};

  static constexpr Duration millis(std::int64_t v) { return Duration{v}; }
  static constexpr Duration seconds(std::int64_t v) { return Duration{v * 1000}; }
  static constexpr Duration minutes(std::int64_t v) { return Duration{v * 60'000}; }
  static constexpr Duration hours(std::int64_t v) { return Duration{v * 3'600'000}; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration{ms + o.ms}; }
  constexpr Duration operator-(Duration o) const { return Duration{ms - o.ms}; }
  constexpr Duration operator*(std::int64_t k) const { return Duration{ms * k}; }
  constexpr double seconds_f() const { return static_cast<double>(ms) / 1000.0; }
};

struct SimTime {
  std::int64_t ms{0};

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(Duration d) const { return SimTime{ms + d.ms}; }
  constexpr SimTime operator-(Duration d) const { return SimTime{ms - d.ms}; }
  constexpr Duration operator-(SimTime o) const { return Duration{ms - o.ms}; }
  constexpr double seconds_f() const { return static_cast<double>(ms) / 1000.0; }
};

// Parses a Go time.ParseDuration string restricted to whole milliseconds: a sequence of
// <decimal><unit> with units h, m, s, ms; "0" alone is accepted. Returns nullopt when malformed.
std::optional<Duration> parse_duration(std::string_view text);

// "HH:MM:SS.mmm" (hours may exceed 24), as used in log lines: [t=00:05:30.000 karpenter].
std::string format_clock(SimTime t);

// Shortest Go-style rendering: "30s", "1m30s", "2h", "1.5s".
std::string format_duration(Duration d);

}  // namespace capsim
