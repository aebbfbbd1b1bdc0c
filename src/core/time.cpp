#include "capsim/core/time.hpp"

#include <cstdio>
#include <limits>

namespace capsim {

std::optional<Duration> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s == "0") return Duration{0};
  // Go time.ParseDuration units, in milliseconds (sub-millisecond units are not modelled).
  std::int64_t total_ms = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::int64_t whole = 0;
    std::int64_t frac = 0;
    std::int64_t frac_scale = 1;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      const int digit = s[i] - '0';
      if (whole > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return std::nullopt;
      whole = whole * 10 + digit;
      ++i;
    }
    bool had_digits = i > start;
    if (i < s.size() && s[i] == '.') {
      ++i;
      std::size_t fstart = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (frac_scale < 1'000'000'000LL) {
          frac = frac * 10 + (s[i] - '0');
          frac_scale *= 10;
        }
        ++i;
      }
      had_digits = had_digits || i > fstart;
    }
    if (!had_digits) return std::nullopt;
    std::size_t ustart = i;
    while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z'))) ++i;
    std::string_view unit = s.substr(ustart, i - ustart);
    std::int64_t unit_ms = 0;
    if (unit == "h") unit_ms = 3'600'000;
    else if (unit == "m") unit_ms = 60'000;
    else if (unit == "s") unit_ms = 1000;
    else if (unit == "ms") unit_ms = 1;
    else return std::nullopt;
    // Go: "invalid duration" when the total overflows int64 (here: int64 milliseconds).
    const std::int64_t frac_ms = (frac * unit_ms) / frac_scale;
    const std::int64_t room = std::numeric_limits<std::int64_t>::max() - total_ms;
    if (frac_ms > room || whole > (room - frac_ms) / unit_ms) return std::nullopt;
    total_ms += whole * unit_ms + frac_ms;
  }
  return Duration{total_ms};
}

std::string format_clock(SimTime t) {
  std::int64_t ms = t.ms;
  const char* sign = "";
  if (ms < 0) {
    sign = "-";
    ms = -ms;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%02lld:%02lld:%02lld.%03lld", sign, static_cast<long long>(ms / 3'600'000),
                static_cast<long long>(ms / 60'000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string format_duration(Duration d) {
  if (d.ms == 0) return "0s";
  std::string out;
  std::int64_t ms = d.ms;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  std::int64_t h = ms / 3'600'000;
  std::int64_t m = ms / 60'000 % 60;
  std::int64_t s = ms / 1000 % 60;
  std::int64_t rest = ms % 1000;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s || rest) {
    out += std::to_string(s);
    if (rest) {
      char buf[8];
      std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(rest));
      std::string f = buf;
      while (f.back() == '0') f.pop_back();
      out += f;
    }
    out += "s";
  }
  return out;
}

}  // namespace capsim
