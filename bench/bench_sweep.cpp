// The sweep's own cost per run, without the simulations (bench/README.md, "Sweeps"):
//   BM_SweepOverhead/<runs>: load and validate bench/sweep-200.yaml's spec (the base scenario loaded
//     once per value), plan `runs` points (LHS), write the shard files of 7 shards for runs with
//     every metric of two autoscalers, and merge them. Reported per run (items = runs).
// `bench/sweep-speed.sh` times the whole 200-run sweep with -j 1 and -j 2.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "capsim/catalog/catalog.hpp"
#include "capsim/io/sweep_loader.hpp"
#include "capsim/spec/scenario.hpp"
#include "capsim/sweep/plan.hpp"
#include "capsim/sweep/runner.hpp"

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void BM_SweepOverhead(benchmark::State& state) {
  const auto runs = static_cast<std::size_t>(state.range(0));
  const std::string path = std::string(CAPSIM_SOURCE_DIR) + "/bench/sweep-200.yaml";
  std::string text = read(path);
  text.replace(text.find("samples: 200"), 12, "samples: " + std::to_string(runs));
  const auto cat = capsim::catalog::Catalog::embedded();
  for (auto _ : state) {
    auto sw = capsim::io::load_sweep_text(text, path, *cat);
    const std::string base = read(sw.base);
    const auto plan = capsim::sweep::make_plan(std::move(sw), base, text);
    std::vector<std::pair<std::string, std::string>> files;
    for (std::size_t i = 0; i < 7; ++i) {
      const capsim::sweep::Shard sh{i, 7};
      std::vector<capsim::sweep::RunOutcome> outcomes;
      for (auto r : capsim::sweep::shard_runs(plan, sh)) {
        capsim::sweep::RunOutcome o;
        o.ref = plan.run(r);
        o.ok = true;
        for (const char* a : {"cluster-autoscaler", "karpenter"})
          for (std::string_view m : capsim::spec::k_expectation_metrics) o.metrics[a][std::string(m)] = 12.345678 * static_cast<double>(r);
        outcomes.push_back(std::move(o));
      }
      files.emplace_back(capsim::sweep::shard_file_name(sh), capsim::sweep::shard_json(plan, sh, outcomes));
    }
    benchmark::DoNotOptimize(capsim::sweep::merge_shards(files).json.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * runs));
}

}  // namespace

BENCHMARK(BM_SweepOverhead)->Arg(200)->Arg(10'000)->Unit(benchmark::kMillisecond);
