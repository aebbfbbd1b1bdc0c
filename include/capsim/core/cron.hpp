// Standard 5-field cron schedules (minute hour day-of-month month day-of-week; *, lists, ranges,
// steps, names, and the @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly macros), in UTC,
// as Karpenter's disruption budgets use them (robfig/cron standard parser).
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capsim {

class CronSchedule {
 public:
  // nullopt and a reason in `error` when malformed.
  static std::optional<CronSchedule> parse(std::string_view text, std::string* error = nullptr);
  // True when the schedule fires at the minute starting at `unix_minute` (minutes since epoch, UTC).
  bool fires_at(std::int64_t unix_minute) const;
  // True when the schedule fired at some instant in (now - duration, now], times in Unix
  // milliseconds: Karpenter's Budget.IsActive (schedule.Next(now - duration) is not after now).
  bool active_at(std::int64_t unix_ms, std::int64_t duration_ms) const;

 private:
  std::bitset<60> m_minute;
  std::bitset<24> m_hour;
  std::bitset<32> m_dom;    // 1..31
  std::bitset<13> m_month;  // 1..12
  std::bitset<7> m_dow;     // 0..6, Sunday = 0
  bool m_dom_star{false};
  bool m_dow_star{false};
};

// Days since 1970-01-01 -> (year, month 1..12, day 1..31), proleptic Gregorian.
void civil_from_days(std::int64_t days, int& year, int& month, int& day);
// Parses "2026-01-05T00:00:00Z" (UTC only) into seconds since the epoch.
std::optional<std::int64_t> parse_rfc3339_utc(std::string_view text);
// The inverse: seconds since the epoch -> "2026-01-05T00:00:00Z".
std::string format_rfc3339_utc(std::int64_t unix_seconds);

}  // namespace capsim
