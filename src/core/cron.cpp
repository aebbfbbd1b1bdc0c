#include "capsim/core/cron.hpp"

#include <cstdio>

#include <charconv>
#include <vector>

namespace capsim {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::optional<int> value_of(std::string_view s, const char* const* names, int name_base) {
  if (names) {
    for (int i = 0; names[i]; ++i) {
      std::string_view n = names[i];
      if (s.size() == n.size()) {
        bool eq = true;
        for (std::size_t k = 0; k < s.size(); ++k)
          if ((s[k] | 0x20) != n[k]) eq = false;
        if (eq) return i + name_base;
      }
    }
  }
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// One field: comma-separated items of "*", "a", "a-b", each optionally "/step".
template <std::size_t N>
bool parse_field(std::string_view f, int lo, int hi, const char* const* names, int name_base, std::bitset<N>& bits,
                 bool& star) {
  star = false;
  for (auto item : split(f, ',')) {
    int step = 1;
    auto slash = item.find('/');
    std::string_view range = item;
    if (slash != std::string_view::npos) {
      auto st = value_of(item.substr(slash + 1), nullptr, 0);
      if (!st || *st <= 0) return false;
      step = *st;
      range = item.substr(0, slash);
    }
    int a, b;
    if (range == "*" || range == "?") {
      a = lo;
      b = hi;
      if (slash == std::string_view::npos) star = true;
    } else {
      auto dash = range.find('-');
      auto x = value_of(range.substr(0, dash), names, name_base);
      if (!x) return false;
      a = *x;
      b = a;
      if (dash != std::string_view::npos) {
        auto y = value_of(range.substr(dash + 1), names, name_base);
        if (!y) return false;
        b = *y;
      } else if (slash != std::string_view::npos) {
        b = hi;
      }
    }
    if (a < lo || b > hi || a > b) return false;
    for (int v = a; v <= b; v += step) bits.set(static_cast<std::size_t>(v));
  }
  return true;
}

constexpr const char* k_months[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", nullptr};
constexpr const char* k_days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", nullptr};

}  // namespace

void civil_from_days(std::int64_t z, int& year, int& month, int& day) {
  // Howard Hinnant's days-to-civil algorithm.
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

namespace {
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
}  // namespace

std::optional<std::int64_t> parse_rfc3339_utc(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':' || (s[19] != 'Z' && s[19] != 'z'))
    return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, v);
    if (ec != std::errc() || p != s.data() + pos + len) return std::nullopt;
    return v;
  };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *se > 59)
    return std::nullopt;
  int cy, cm, cd;
  civil_from_days(days_from_civil(*y, *mo, *d), cy, cm, cd);
  if (cd != *d) return std::nullopt;  // e.g. February 30
  return days_from_civil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60 + *se;
}

std::string format_rfc3339_utc(std::int64_t t) {
  const std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  const std::int64_t s = t - days * 86400;
  int y, mo, d;
  civil_from_days(days, y, mo, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, static_cast<int>(s / 3600),
                static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return buf;
}

std::optional<CronSchedule> CronSchedule::parse(std::string_view text, std::string* error) {
  std::string_view spec = text;
  if (spec == "@yearly" || spec == "@annually") spec = "0 0 1 1 *";
  else if (spec == "@monthly") spec = "0 0 1 * *";
  else if (spec == "@weekly") spec = "0 0 * * 0";
  else if (spec == "@daily" || spec == "@midnight") spec = "0 0 * * *";
  else if (spec == "@hourly") spec = "0 * * * *";
  std::vector<std::string_view> fields;
  for (auto f : split(spec, ' '))
    if (!f.empty()) fields.push_back(f);
  auto fail = [&](const std::string& why) -> std::optional<CronSchedule> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (fields.size() != 5) return fail("expected 5 fields (minute hour day-of-month month day-of-week), got " + std::to_string(fields.size()));
  CronSchedule c;
  bool star = false;
  if (!parse_field(fields[0], 0, 59, nullptr, 0, c.m_minute, star)) return fail("bad minute field \"" + std::string(fields[0]) + "\"");
  if (!parse_field(fields[1], 0, 23, nullptr, 0, c.m_hour, star)) return fail("bad hour field \"" + std::string(fields[1]) + "\"");
  if (!parse_field(fields[2], 1, 31, nullptr, 0, c.m_dom, c.m_dom_star)) return fail("bad day-of-month field \"" + std::string(fields[2]) + "\"");
  if (!parse_field(fields[3], 1, 12, k_months, 1, c.m_month, star)) return fail("bad month field \"" + std::string(fields[3]) + "\"");
  std::bitset<8> dow;
  if (!parse_field(fields[4], 0, 7, k_days, 0, dow, c.m_dow_star)) return fail("bad day-of-week field \"" + std::string(fields[4]) + "\"");
  for (std::size_t i = 0; i < 7; ++i) c.m_dow[i] = dow[i];
  if (dow[7]) c.m_dow[0] = true;  // 7 = Sunday
  return c;
}

bool CronSchedule::fires_at(std::int64_t unix_minute) const {
  std::int64_t days = unix_minute >= 0 ? unix_minute / 1440 : (unix_minute - 1439) / 1440;
  std::int64_t in_day = unix_minute - days * 1440;
  if (!m_minute[static_cast<std::size_t>(in_day % 60)] || !m_hour[static_cast<std::size_t>(in_day / 60)]) return false;
  int y, m, d;
  civil_from_days(days, y, m, d);
  if (!m_month[static_cast<std::size_t>(m)]) return false;
  const auto wd = static_cast<std::size_t>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  const bool dom_ok = m_dom[static_cast<std::size_t>(d)];
  const bool dow_ok = m_dow[wd];
  // Vixie cron rule (robfig/cron too): if either day field is restricted, a match of either counts.
  if (m_dom_star || m_dow_star) return dom_ok && dow_ok;
  return dom_ok || dow_ok;
}

bool CronSchedule::active_at(std::int64_t unix_ms, std::int64_t duration_ms) const {
  std::int64_t m = unix_ms >= 0 ? unix_ms / 60000 : (unix_ms - 59999) / 60000;
  for (; m * 60000 > unix_ms - duration_ms; --m)
    if (fires_at(m)) return true;
  return false;
}

}  // namespace capsim
