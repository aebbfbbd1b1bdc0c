// The versioned JSON result (schemaVersion 1, docs/result-schema.md) and the stable JSON and
// number rendering every report writer shares: keys sorted, 2-space indent, decimals rounded
// through integers and printed in plain fixed notation, so golden diffs are clean.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "capsim/core/money.hpp"
#include "capsim/core/time.hpp"

namespace capsim::sim {
struct RunResult;
}  // namespace capsim::sim

namespace capsim::report {

inline constexpr int k_result_schema_version = 1;

// The whole run as one JSON document: keys sorted, 2-space indent, trailing newline.
std::string to_json(const sim::RunResult& run);

// The same document as a tree (what to_json renders).
nlohmann::json result_json(const sim::RunResult& run);

// Renders `value` with keys in std::map (byte) order. indent < 0: one line, no spaces (JSONL);
// indent >= 0: nlohmann's pretty layout with that many spaces. Floats print as the shortest
// decimal that round-trips, always in fixed notation with a point ("0.1", "3.0", "0.0000001");
// non-finite floats print as null. Invalid UTF-8 in strings is replaced by U+FFFD. No newline.
std::string dump_stable(const nlohmann::json& value, int indent);

// `value` rounded to `decimals` (0..9) places, half away from zero, via an integer; values too
// large for that (|value| * 10^decimals >= 2^53) and non-finite values are returned unchanged.
// -0 becomes +0. The result prints cleanly through dump_stable / format_number.
double round_to(double value, int decimals);

// Money in USD rounded to 6 decimals (micro-USD, half away from zero) by integer arithmetic.
double usd_6(Money m);

// Milliseconds as seconds (exact to 3 decimals).
double seconds_3(Duration d);
double seconds_3(SimTime t);

// Shortest round-trip decimal in fixed notation. With `force_point` an integral value keeps ".0"
// ("3.0"), otherwise it prints bare ("3"). Non-finite values print as "nan", "inf", "-inf".
std::string format_number(double value, bool force_point);

}  // namespace capsim::report
