#include "capsim/sweep/plan.hpp"

#include <cmath>
#include <cstdlib>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/core/sha256.hpp"
#include "capsim/core/version.hpp"

namespace capsim::sweep {
namespace {

// A list value at u in [0, 1).
const std::string& pick(const std::vector<std::string>& values, double u) {
  auto i = static_cast<std::size_t>(u * static_cast<double>(values.size()));
  return values[std::min(i, values.size() - 1)];
}

std::string value_at(const spec::SweepParameter& p, double u) {
  return p.range ? spec::sweep_range_value(*p.range, u) : pick(p.values, u);
}

std::vector<Point> grid_points(const spec::SweepSpec& sw) {
  std::size_t n = 1;
  for (const auto& p : sw.parameters) n *= p.values.size();
  std::vector<Point> points(n);
  for (std::size_t i = 0; i < n; ++i) {
    points[i].index = i;
    points[i].values.resize(sw.parameters.size());
    // Mixed radix, the last parameter the fastest digit.
    std::size_t rest = i;
    for (std::size_t k = sw.parameters.size(); k-- > 0;) {
      const auto& vals = sw.parameters[k].values;
      points[i].values[k] = vals[rest % vals.size()];
      rest /= vals.size();
    }
  }
  return points;
}

std::vector<Point> sampled_points(const spec::SweepSpec& sw) {
  Rng rng(sw.seed, "sweep/plan");
  const std::size_t n = sw.samples;
  std::vector<Point> points(n);
  for (std::size_t i = 0; i < n; ++i) {
    points[i].index = i;
    points[i].values.resize(sw.parameters.size());
  }
  for (std::size_t k = 0; k < sw.parameters.size(); ++k) {
    const auto& p = sw.parameters[k];
    if (sw.method == spec::SweepMethod::random) {
      for (std::size_t i = 0; i < n; ++i) points[i].values[k] = value_at(p, rng.uniform01());
      continue;
    }
    // Latin hypercube: one point per stratum, strata shuffled (Fisher-Yates).
    std::vector<std::size_t> strata(n);
    for (std::size_t i = 0; i < n; ++i) strata[i] = i;
    for (std::size_t i = n; i > 1; --i)
      std::swap(strata[i - 1], strata[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(i) - 1))]);
    for (std::size_t i = 0; i < n; ++i)
      points[i].values[k] = value_at(p, (static_cast<double>(strata[i]) + rng.uniform01()) / static_cast<double>(n));
  }
  return points;
}

}  // namespace

std::uint64_t run_seed(std::uint64_t sweep_seed, int repetition) {
  return derive_seed(sweep_seed, static_cast<std::uint64_t>(repetition));
}

RunRef Plan::run(std::size_t run_id) const {
  const auto reps = static_cast<std::size_t>(spec.repetitions);
  RunRef r;
  r.run_id = run_id;
  r.point = run_id / reps;
  r.repetition = static_cast<int>(run_id % reps);
  r.seed = run_seed(spec.seed, r.repetition);
  return r;
}

Plan make_plan(spec::SweepSpec sw, std::string base_text, std::string sweep_text) {
  Plan plan;
  plan.points = sw.method == spec::SweepMethod::grid ? grid_points(sw) : sampled_points(sw);
  plan.spec_hash = sha256_hex(sweep_text);
  std::string& c = plan.canonical;
  c = "capsim sweep plan 1\ncapsim " + std::string(k_version) + "\nsweep-sha256 " + plan.spec_hash + "\nbase-sha256 " +
      sha256_hex(base_text) + "\nmethod " + std::string(spec::to_string(sw.method)) + "\nseed " +
      std::to_string(sw.seed) + "\nrepetitions " + std::to_string(sw.repetitions) + "\n";
  for (const auto& p : sw.parameters) {
    c += "parameter " + p.name;
    for (const auto& path : p.paths) c += " " + path;
    c += "\n";
  }
  for (const auto& pt : plan.points) {
    c += "point " + std::to_string(pt.index);
    for (const auto& v : pt.values) c += "\t" + v;
    c += "\n";
  }
  plan.sweep_id = sha256_hex(c);
  plan.spec = std::move(sw);
  plan.base_text = std::move(base_text);
  plan.sweep_text = std::move(sweep_text);
  return plan;
}

std::vector<std::size_t> shard_runs(const Plan& plan, Shard shard) {
  std::vector<std::size_t> runs;
  for (std::size_t r = shard.index; r < plan.run_count(); r += shard.count) runs.push_back(r);
  return runs;
}

namespace {

std::size_t env_number(const Getenv& getenv_fn, const char* name) {
  const char* v = getenv_fn(name);
  std::string text = v ? v : "";
  char* end = nullptr;
  const unsigned long long n = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || !end || *end != '\0' || text.front() == '-')
    throw InputError({Diagnostic{"", 0, 0, Severity::error, "",
                                 std::string("--shard-from-env: ") + name + " is \"" + text + "\", expected a number >= 0"}});
  return static_cast<std::size_t>(n);
}

}  // namespace

Shard shard_from_env(std::optional<std::size_t> count, const Getenv& getenv_fn, std::string* source) {
  auto fail = [](const std::string& msg) {
    throw InputError({Diagnostic{"", 0, 0, Severity::error, "", "--shard-from-env: " + msg}});
  };
  auto set = [&](const std::string& s) {
    if (source) *source = s;
  };
  Shard sh;
  auto need_count = [&](const char* var) {
    if (!count) fail(std::string(var) + " is set: give the shard count with --shard-count");
    sh.count = *count;
  };
  if (getenv_fn("JOB_COMPLETION_INDEX")) {
    sh.index = env_number(getenv_fn, "JOB_COMPLETION_INDEX");
    need_count("JOB_COMPLETION_INDEX");
    set("JOB_COMPLETION_INDEX=" + std::to_string(sh.index));
  } else if (getenv_fn("SLURM_ARRAY_TASK_ID")) {
    const std::size_t id = env_number(getenv_fn, "SLURM_ARRAY_TASK_ID");
    const std::size_t min = getenv_fn("SLURM_ARRAY_TASK_MIN") ? env_number(getenv_fn, "SLURM_ARRAY_TASK_MIN") : 0;
    if (id < min) fail("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN");
    sh.index = id - min;
    if (getenv_fn("SLURM_ARRAY_TASK_COUNT")) sh.count = env_number(getenv_fn, "SLURM_ARRAY_TASK_COUNT");
    else need_count("SLURM_ARRAY_TASK_ID");
    if (count && *count != sh.count)
      fail("--shard-count " + std::to_string(*count) + " differs from SLURM_ARRAY_TASK_COUNT=" + std::to_string(sh.count));
    set("SLURM_ARRAY_TASK_ID=" + std::to_string(id) + " - SLURM_ARRAY_TASK_MIN=" + std::to_string(min));
  } else if (getenv_fn("TEST_SHARD_INDEX")) {
    sh.index = env_number(getenv_fn, "TEST_SHARD_INDEX");
    if (!getenv_fn("TEST_TOTAL_SHARDS")) fail("TEST_SHARD_INDEX is set but TEST_TOTAL_SHARDS is not");
    sh.count = env_number(getenv_fn, "TEST_TOTAL_SHARDS");
    set("TEST_SHARD_INDEX=" + std::to_string(sh.index));
  } else if (getenv_fn("AWS_BATCH_JOB_ARRAY_INDEX")) {
    sh.index = env_number(getenv_fn, "AWS_BATCH_JOB_ARRAY_INDEX");
    need_count("AWS_BATCH_JOB_ARRAY_INDEX");
    set("AWS_BATCH_JOB_ARRAY_INDEX=" + std::to_string(sh.index));
  } else {
    fail("none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, TEST_SHARD_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set");
  }
  if (sh.count < 1) fail("the shard count must be at least 1");
  if (sh.index >= sh.count)
    fail("shard index " + std::to_string(sh.index) + " is not below the shard count " + std::to_string(sh.count));
  return sh;
}

}  // namespace capsim::sweep
