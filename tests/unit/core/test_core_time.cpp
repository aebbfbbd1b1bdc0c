// core/time: Duration and SimTime arithmetic, Go-style parse_duration (the subset capsim accepts),
// format_clock for log lines and format_duration's shortest rendering.
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "capsim/core/time.hpp"

using capsim::Duration;
using capsim::format_clock;
using capsim::format_duration;
using capsim::parse_duration;
using capsim::SimTime;

namespace {
std::optional<std::int64_t> parse_ms(const char* s) {
  auto d = parse_duration(s);
  if (!d) return std::nullopt;
  return d->ms;
}
}  // namespace

TEST_CASE("duration constructors and arithmetic are exact milliseconds", "[core]") {
  CHECK(Duration::millis(1500).ms == 1500);
  CHECK(Duration::seconds(30).ms == 30'000);
  CHECK(Duration::minutes(2).ms == 120'000);
  CHECK(Duration::hours(720).ms == 2'592'000'000LL);
  CHECK((Duration::seconds(1) + Duration::millis(250)).ms == 1250);
  CHECK((Duration::seconds(1) - Duration::millis(250)).ms == 750);
  CHECK((Duration::seconds(3) * 4).ms == 12'000);
  CHECK(Duration::millis(1500).seconds_f() == Approx(1.5));
  CHECK(Duration::seconds(59) < Duration::minutes(1));
  CHECK(Duration::minutes(1) == Duration::seconds(60));
}

TEST_CASE("sim time arithmetic with durations", "[core]") {
  const SimTime t0{10'000};
  const SimTime t1 = t0 + Duration::seconds(5);
  CHECK(t1.ms == 15'000);
  CHECK((t1 - Duration::seconds(15)).ms == 0);
  CHECK((t1 - t0) == Duration::seconds(5));
  CHECK((t0 - t1) == Duration::seconds(-5));
  CHECK(t0 < t1);
  CHECK(t1.seconds_f() == Approx(15.0));
}

TEST_CASE("parse_duration accepts Go duration strings", "[core]") {
  CHECK(parse_ms("30s") == 30'000);
  CHECK(parse_ms("1m30s") == 90'000);
  CHECK(parse_ms("1h30m") == 5'400'000);
  CHECK(parse_ms("720h") == 2'592'000'000LL);
  CHECK(parse_ms("1.5s") == 1500);
  CHECK(parse_ms("500ms") == 500);
  CHECK(parse_ms("0") == 0);
  CHECK(parse_ms("0s") == 0);
  CHECK(parse_ms("1h0m0s") == 3'600'000);  // Go's own Duration.String() output
  CHECK(parse_ms("2h45m30s250ms") == 9'930'250);
  CHECK(parse_ms("0.5h") == 1'800'000);
  CHECK(parse_ms(".5m") == 30'000);  // Go accepts a fraction without a leading digit
  CHECK(parse_ms("1.s") == 1000);    // ... and a trailing dot
  CHECK(parse_ms("1.25m") == 75'000);
  CHECK(parse_ms("10s10s") == 20'000);  // repeated units add up, as in Go
  CHECK(parse_ms("015s") == 15'000);
}

TEST_CASE("parse_duration truncates below a millisecond", "[core]") {
  CHECK(parse_ms("1.9ms") == 1);
  CHECK(parse_ms("0.0001s") == 0);
  CHECK(parse_ms("1.0000000001s") == 1000);  // long fractions do not overflow
}

TEST_CASE("parse_duration rejects malformed input", "[core]") {
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("5"));    // a unit is required except for "0"
  CHECK_FALSE(parse_duration("00"));   // Go: missing unit in duration "00"
  CHECK_FALSE(parse_duration("1d"));   // no day unit in Go
  CHECK_FALSE(parse_duration("1w"));
  CHECK_FALSE(parse_duration("1H"));   // units are case-sensitive
  CHECK_FALSE(parse_duration("1mss"));
  CHECK_FALSE(parse_duration("s"));
  CHECK_FALSE(parse_duration("."));
  CHECK_FALSE(parse_duration(".s"));
  CHECK_FALSE(parse_duration("1h 30m"));
  CHECK_FALSE(parse_duration(" 1s"));
  CHECK_FALSE(parse_duration("1s "));
  CHECK_FALSE(parse_duration("soon"));
  CHECK_FALSE(parse_duration("1.2.3s"));
  // Outside the subset: signs and sub-millisecond units.
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("+1s"));
  CHECK_FALSE(parse_duration("1us"));
  CHECK_FALSE(parse_duration("1ns"));
}

TEST_CASE("parse_duration rejects values beyond int64 milliseconds", "[core]") {
  // Go's limit (int64 nanoseconds) is about 2562047h; capsim counts milliseconds, so more fits.
  CHECK(parse_ms("2562047h") == 2'562'047LL * 3'600'000LL);
  CHECK(parse_ms("1000000000000h") == 3'600'000'000'000'000'000LL);
  CHECK(parse_ms("2000000h2000000h") == 4'000'000LL * 3'600'000LL);
  // Go reports "invalid duration" on overflow; so does capsim, for the int64 millisecond total.
  CHECK_FALSE(parse_duration("1000000000000h1000000000000h1000000000000h"));
  CHECK_FALSE(parse_duration("1000000000000h1000000000000h999999999999h999999999999m"));
  CHECK_FALSE(parse_duration("9999999999999h"));
  CHECK_FALSE(parse_duration("99999999999999999999s"));
  // Just below and above INT64_MAX ms (9223372036854775807).
  CHECK(parse_ms("2562047788015h215ms") == 9'223'372'036'854'000'215LL);
  CHECK(parse_ms("2562047788015h775807ms") == 9'223'372'036'854'775'807LL);
  CHECK_FALSE(parse_duration("2562047788015h775808ms"));
  CHECK_FALSE(parse_duration("2562047788015.9999h"));
}

TEST_CASE("format_clock renders HH:MM:SS.mmm", "[core]") {
  CHECK(format_clock(SimTime{0}) == "00:00:00.000");
  CHECK(format_clock(SimTime{330'000}) == "00:05:30.000");
  CHECK(format_clock(SimTime{3'723'004}) == "01:02:03.004");
  CHECK(format_clock(SimTime{25 * 3'600'000LL}) == "25:00:00.000");  // hours exceed 24
  CHECK(format_clock(SimTime{100 * 3'600'000LL + 999}) == "100:00:00.999");
  CHECK(format_clock(SimTime{-1500}) == "-00:00:01.500");
}

TEST_CASE("format_duration renders the shortest form", "[core]") {
  CHECK(format_duration(Duration{0}) == "0s");
  CHECK(format_duration(Duration::seconds(30)) == "30s");
  CHECK(format_duration(Duration::seconds(90)) == "1m30s");
  CHECK(format_duration(Duration::hours(2)) == "2h");
  CHECK(format_duration(Duration::hours(720)) == "720h");
  CHECK(format_duration(Duration::millis(1500)) == "1.5s");
  CHECK(format_duration(Duration::millis(1050)) == "1.05s");
  CHECK(format_duration(Duration::millis(500)) == "0.5s");
  CHECK(format_duration(Duration::millis(1)) == "0.001s");
  CHECK(format_duration(Duration::hours(1) + Duration::seconds(1)) == "1h1s");
  CHECK(format_duration(Duration::hours(1) + Duration::minutes(5)) == "1h5m");
  CHECK(format_duration(Duration::seconds(-90)) == "-1m30s");
}

TEST_CASE("format_duration output parses back to the same duration", "[core]") {
  for (std::int64_t ms : {0LL, 1LL, 10LL, 999LL, 1000LL, 1001LL, 59'999LL, 60'000LL, 3'599'999LL, 3'600'000LL,
                          86'400'123LL, 2'592'000'000LL}) {
    const std::string s = format_duration(Duration{ms});
    INFO(s);
    auto back = parse_duration(s);
    REQUIRE(back);
    CHECK(back->ms == ms);
  }
}
