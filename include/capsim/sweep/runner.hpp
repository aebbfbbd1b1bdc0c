// Running a sweep's runs and the files that carry them: a shard's runs (on `jobs` threads, each
// run a full scenario simulation with its parameters applied and its seed set), the shard file
// (deterministic JSON: no wall-clock fields, so a retried worker rewrites the same bytes), and the
// merge of shard files into one result that is byte-identical however the runs were sharded.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/sweep/plan.hpp"

namespace capsim::sweep {

struct RunOutcome {
  RunRef ref;
  bool ok{false};
  std::string error;  // the run's failure (bad values, an invariant), when !ok
  // autoscaler -> summary metric (spec::k_expectation_metrics) -> value
  std::map<std::string, std::map<std::string, double>> metrics;
  double wall_s{0};  // for the log only; never written to a result file
};

// One run: the base scenario with the point's values set, its seed, every autoscaler it lists.
// Failures are returned, not thrown.
RunOutcome execute_run(const Plan& plan, std::size_t run_id, const std::shared_ptr<const catalog::Catalog>& cat);

// The runs of `shard` on `jobs` threads (at least 1), in run-id order. `on_done` (optional) is
// called, under a lock, as each run finishes (the shard log).
std::vector<RunOutcome> run_shard(const Plan& plan, Shard shard, int jobs, const std::shared_ptr<const catalog::Catalog>& cat,
                                  const std::function<void(const RunOutcome&)>& on_done = {});

// The shard file: {schemaVersion, kind: "capsim-sweep-shard", sweepId, specHash, capsimVersion,
// shardIndex, shardCount, runCount, plan, runs}.
std::string shard_json(const Plan& plan, Shard shard, const std::vector<RunOutcome>& runs);
// "shard-<index>-of-<count>.json" (and .log).
std::string shard_file_name(Shard shard, const std::string& extension = ".json");

struct MergeResult {
  std::string json;                    // the merged result (capsim-sweep-result)
  std::vector<std::size_t> missing;    // shard indices absent
  std::size_t failed_runs{0};
};
// Merges shard files (name, text): runs sorted by run id, nothing of the sharding kept, so the
// result is the same bytes for any shard count. Throws InputError when a file is not a shard file,
// the files belong to different sweeps (sweep id, spec hash, shard count or capsim version), or a
// shard or a run appears twice. Missing shards are listed and the result marked partial.
MergeResult merge_shards(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace capsim::sweep
