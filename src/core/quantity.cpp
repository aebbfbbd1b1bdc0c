#include "capsim/core/quantity.hpp"

#include <cstdio>
#include <limits>

namespace capsim {
namespace {

__extension__ typedef unsigned __int128 u128;

// value = mantissa (an integer of digits) * 10^dec_exp * 2^bin_exp, converted to milli-units,
// rounding up any fraction of a milli-unit (resource.Quantity.MilliValue rounds up). `inexact`: non-zero
// digits beyond the kept precision were dropped, so the true value is slightly above the mantissa.
std::optional<Quantity> to_milli(bool negative, u128 mantissa, int dec_exp, int bin_exp, bool inexact) {
  const u128 limit = static_cast<u128>(std::numeric_limits<std::int64_t>::max());
  int e10 = dec_exp + 3;  // milli
  u128 num = mantissa;
  u128 den = 1;
  for (int i = 0; i < bin_exp; ++i) {
    num <<= 1;
    if (num > limit * 1'000'000'000'000'000'000ULL) return std::nullopt;
  }
  for (; e10 > 0; --e10) {
    num *= 10;
    if (num > limit * 1'000'000'000'000'000'000ULL) return std::nullopt;
  }
  for (; e10 < 0; ++e10) {
    if (den > num) break;  // ceil(num / (den * 10^k)) is already 0 or 1 for every k
    den *= 10;
  }
  u128 q = (num + den - 1) / den;
  if (inexact && q * den == num) ++q;
  if (q > limit) return std::nullopt;
  auto v = static_cast<std::int64_t>(q);
  return Quantity{negative ? -v : v};
}

}  // namespace

std::optional<Quantity> parse_quantity(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::size_t i = 0;
  bool negative = false;
  if (s[i] == '+' || s[i] == '-') {
    negative = s[i] == '-';
    ++i;
  }
  u128 mantissa = 0;
  int dec_exp = 0;
  int digits = 0;
  bool seen_dot = false;
  bool inexact = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (digits < 30) {
        mantissa = mantissa * 10 + static_cast<unsigned>(c - '0');
        if (seen_dot) --dec_exp;
        if (mantissa != 0) ++digits;
      } else if (!seen_dot) {
        ++dec_exp;  // drop excess precision of huge integers
        inexact = inexact || c != '0';
      } else {
        inexact = inexact || c != '0';
      }
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
  }
  if (i == 0 || (i == 1 && (s[0] == '+' || s[0] == '-'))) return std::nullopt;
  if (s[i - 1] == '.' && i >= 1 && (i == 1 || !(s[i - 2] >= '0' && s[i - 2] <= '9'))) return std::nullopt;
  std::string_view suffix = s.substr(i);
  int bin_exp = 0;
  if (suffix.empty()) {
  } else if (suffix == "Ki") bin_exp = 10;
  else if (suffix == "Mi") bin_exp = 20;
  else if (suffix == "Gi") bin_exp = 30;
  else if (suffix == "Ti") bin_exp = 40;
  else if (suffix == "Pi") bin_exp = 50;
  else if (suffix == "Ei") bin_exp = 60;
  else if (suffix == "n") dec_exp -= 9;
  else if (suffix == "u") dec_exp -= 6;
  else if (suffix == "m") dec_exp -= 3;
  else if (suffix == "k") dec_exp += 3;
  else if (suffix == "M") dec_exp += 6;
  else if (suffix == "G") dec_exp += 9;
  else if (suffix == "T") dec_exp += 12;
  else if (suffix == "P") dec_exp += 15;
  else if (suffix == "E") dec_exp += 18;
  else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string_view ex = suffix.substr(1);
    bool eneg = false;
    if (!ex.empty() && (ex[0] == '+' || ex[0] == '-')) {
      eneg = ex[0] == '-';
      ex.remove_prefix(1);
    }
    if (ex.empty() || ex.size() > 3) return std::nullopt;
    int e = 0;
    for (char c : ex) {
      if (c < '0' || c > '9') return std::nullopt;
      e = e * 10 + (c - '0');
    }
    dec_exp += eneg ? -e : e;
  } else {
    return std::nullopt;
  }
  if (mantissa != 0 && dec_exp > 40) return std::nullopt;  // far beyond int64 milli-units
  return to_milli(negative, mantissa, dec_exp, bin_exp, inexact);
}

std::string format_cpu(Quantity q) {
  if (q.milli % 1000 == 0) return std::to_string(q.milli / 1000);
  return std::to_string(q.milli) + "m";
}

std::string format_bytes(Quantity q) {
  if (q.milli % 1000 != 0) return std::to_string(q.milli) + "m";
  std::int64_t b = q.milli / 1000;
  static constexpr const char* k_suffix[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  if (b == 0) return "0";
  int best = -1;
  std::int64_t v = b;
  for (int k = 0; k < 6; ++k) {
    if (v % 1024 != 0) break;
    v /= 1024;
    best = k;
  }
  if (best < 0) return std::to_string(b);
  // Prefer Mi/Gi readability: use the largest suffix that divides exactly, but not beyond Gi
  // unless the value is a whole number of Ti.
  return std::to_string(v) + k_suffix[best];
}

}  // namespace capsim
