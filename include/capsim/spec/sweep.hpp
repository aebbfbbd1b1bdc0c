// A parameter sweep (kind: Sweep, docs/sweep-format.md) as plain structs: a base scenario, the
// parameters to vary (paths into the base scenario's documents with values or a range), how
// points are drawn (grid, random, Latin hypercube), repetitions, objectives and constraints.
// Values are kept as canonical YAML flow text ("5m", "[m5, c5]") so that plans, ids and shard
// files never need YAML; the io module applies them to the base documents.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capsim/spec/scenario.hpp"

namespace capsim::spec {

enum class SweepMethod : std::uint8_t { grid, random, lhs };
std::string_view to_string(SweepMethod m);

// A range for random and LHS sampling; both ends are the same kind of value.
struct SweepRange {
  enum class Kind : std::uint8_t { number, integer, duration };
  Kind kind{Kind::number};
  double low{0};   // durations in seconds
  double high{0};
  bool log{false};  // log-uniform (scale: log)
};

// The value a range takes at u in [0, 1] (linear, or log-uniform with scale: log), as YAML text:
// an integer range rounds to the nearest integer, a duration range to whole seconds ("137s", the
// form Karpenter's duration fields accept), a number keeps 6 significant digits.
std::string sweep_range_value(const SweepRange& r, double u);

struct SweepParameter {
  std::string name;                // `name`, else the last path segment
  std::vector<std::string> paths;  // `path`, or every entry of `paths` (all set to the same value)
  std::vector<std::string> values;  // canonical flow YAML text of each value
  std::vector<SourceLoc> value_locs;
  std::optional<SweepRange> range;
  SourceLoc loc;  // the parameter entry
};

struct SweepObjective {
  std::string metric;  // a summary metric (spec::k_expectation_metrics)
  bool minimize{true};
  SourceLoc loc;
};

// "<metric> <op> <number>", op one of <=, <, >=, >, ==.
struct SweepConstraint {
  std::string text;
  std::string metric;
  std::string op;
  double bound{0};
  SourceLoc loc;
};

struct SweepSpec {
  std::string name;
  std::string file;       // the sweep file as given
  std::string base;       // the base scenario file, resolved against the sweep file's directory
  SourceLoc base_loc;
  SweepMethod method{SweepMethod::grid};
  std::size_t samples{0};  // random / lhs
  std::uint64_t seed{1};
  int repetitions{1};
  std::vector<SweepParameter> parameters;
  std::vector<SweepObjective> objectives;  // default: costUsd and podPendingSeconds.p95, both min
  std::vector<SweepConstraint> constraints;
};

}  // namespace capsim::spec
