// A sweep's plan: the points (one value per parameter) in a fixed order, the runs (point x
// repetition), each run's seed, the shard a run belongs to, and the sweep id. Pure: a function of
// the sweep spec, the base scenario's text and capsim's version, never of the shard, the thread
// or the machine (docs/sweep-format.md, "Plan").
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "capsim/spec/sweep.hpp"

namespace capsim::sweep {

struct Point {
  std::size_t index{0};
  std::vector<std::string> values;  // one YAML value text per parameter, in declaration order
};

struct RunRef {
  std::size_t run_id{0};
  std::size_t point{0};
  int repetition{0};
  std::uint64_t seed{0};  // the scenario seed of the run
};

struct Plan {
  spec::SweepSpec spec;
  std::string base_text;     // the base scenario file's bytes
  std::string sweep_text;    // the sweep file's bytes
  std::vector<Point> points;
  std::string canonical;     // the canonical plan text sweep_id hashes
  std::string sweep_id;      // SHA-256 of canonical (64 hex digits)
  std::string spec_hash;     // SHA-256 of the sweep file's bytes
  // `sweep run --controller-time`: every run's autoscalers under this model (part of the
  // canonical text, so shards run with and without it do not merge).
  std::optional<spec::ControllerTime> controller_time;

  std::size_t run_count() const { return points.size() * static_cast<std::size_t>(spec.repetitions); }
  // Run r is point r / repetitions, repetition r mod repetitions.
  RunRef run(std::size_t run_id) const;
};

// Grid: every combination, mixed radix over the parameters in declaration order (the first varies
// slowest). Random: `samples` points, each parameter drawn independently (a value uniformly from
// its list, or the range at a uniform u). LHS: `samples` points; per parameter (in declaration
// order) a random permutation of the strata 0..samples-1, and u = (stratum + uniform) / samples
// (a list value is the one at floor(u x size)). Both draw from Rng(seed, "sweep/plan") up front.
// `base_text` and `sweep_text` are the files' bytes (hashed into the id).
Plan make_plan(spec::SweepSpec spec, std::string base_text, std::string sweep_text);

// The scenario seed of repetition `rep`: derive_seed(sweep seed, rep). The point is deliberately
// not part of it, so every point's repetition r sees the same random streams (common random
// numbers); the scenario derives its named streams from this seed.
std::uint64_t run_seed(std::uint64_t sweep_seed, int repetition);

// A shard: run r belongs to shard r mod count (0-based index).
struct Shard {
  std::size_t index{0};
  std::size_t count{1};
};
std::vector<std::size_t> shard_runs(const Plan& plan, Shard shard);

// The shard from the environment of a batch engine (first match wins): JOB_COMPLETION_INDEX
// (Kubernetes Indexed Job; count from `count`); SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN with
// SLURM_ARRAY_TASK_COUNT; TEST_SHARD_INDEX / TEST_TOTAL_SHARDS; AWS_BATCH_JOB_ARRAY_INDEX (count
// from `count`). `getenv` is injected for tests. Throws InputError naming the variable when a
// value is not a number, the count is missing, or index >= count.
using Getenv = std::function<const char*(const char*)>;
// `source` receives the variables used, e.g. "SLURM_ARRAY_TASK_ID=5 - SLURM_ARRAY_TASK_MIN=1".
Shard shard_from_env(std::optional<std::size_t> count, const Getenv& getenv_fn, std::string* source = nullptr);

}  // namespace capsim::sweep
