// Whole replays of the generated month (bench/replay-month.yaml) and the engine against a bare
// binary heap of the same events.
//
//   BM_Replay/<autoscaler>/<pods>/<hours>: the month's parameters scaled to `pods` pods over 30
//     days (initial pods 0.9 % of them), replayed for the first `hours` hours by one autoscaler.
//     Counters: trace events replayed per second, simulated time / wall time, peak RSS (MiB).
//   BM_BareHeap / BM_EngineSameEvents: N events at random times run through a std::priority_queue
//     of (time, phase, seq) and through engine::Engine; the ratio is the engine's overhead.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <queue>
#include <sstream>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/engine/engine.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "capsim/workload/trace_generator.hpp"

namespace {

using capsim::Duration;
using capsim::SimTime;

std::string bench_text(const std::string& file) {
  std::ifstream in(std::string(CAPSIM_SOURCE_DIR) + "/bench/" + file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// One replay: `file` (a bench/ scenario) scaled to `pods` over 30 days, the first `hours` hours,
// under the controller-time preset `model`. The month keeps 0.9 % of its pods running at t = 0;
// the cold shape starts empty.
void replay(benchmark::State& state, const std::string& autoscaler, const std::string& file, const std::string& model) {
  const std::int64_t pods = state.range(0);
  const std::int64_t hours = state.range(1);
  auto cat = capsim::catalog::Catalog::embedded();
  capsim::spec::Scenario s = capsim::io::load_scenario_text(bench_text(file), "bench/" + file, *cat);
  s.duration = Duration::hours(hours);
  capsim::spec::set_controller_time(s, *capsim::spec::controller_time_preset(model));
  auto& gen = *s.timeline.front().replay.generate;
  if (gen.initial_pods > 0) gen.initial_pods = pods * 9 / 1000;
  gen.pods = pods;
  capsim::sim::SimOptions opts;
  opts.catalog = cat;
  opts.keep_decisions = false;  // as `capsim run` without --out: bounded memory
  // The trace events inside the replayed window (creations and deletions).
  std::int64_t events = 0;
  {
    capsim::workload::TraceGenerator g(gen);
    while (auto e = g.next()) {
      if (e->at >= s.duration) break;
      ++events;
    }
  }
  std::size_t nodes = 0;
  for (auto _ : state) {
    auto r = capsim::sim::run_autoscaler(s, autoscaler, opts);
    nodes = static_cast<std::size_t>(r.summary.peak_nodes);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * events);
  state.counters["trace_events"] = static_cast<double>(events);
  state.counters["peak_nodes"] = static_cast<double>(nodes);
  state.counters["sim_hours"] = static_cast<double>(hours);
  // simulated seconds per wall second: the framework divides a rate counter by the wall time.
  state.counters["sim_per_wall"] =
      benchmark::Counter(static_cast<double>(hours) * 3600.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["peak_rss_mib"] = peak_rss_mib();
}

void BM_Replay(benchmark::State& state, const std::string& autoscaler) { replay(state, autoscaler, "replay-month.yaml", "instant"); }
// The month under the typical controller-time model (docs/controller-time.md).
void BM_ReplayTypical(benchmark::State& state, const std::string& autoscaler) {
  replay(state, autoscaler, "replay-month.yaml", "typical");
}
// The second shape (bench/replay-cold.yaml): a cold start, m5.2xlarge groups with balancing.
void BM_ReplayCold(benchmark::State& state, const std::string& autoscaler) { replay(state, autoscaler, "replay-cold.yaml", "instant"); }
void BM_ReplayColdTypical(benchmark::State& state, const std::string& autoscaler) {
  replay(state, autoscaler, "replay-cold.yaml", "typical");
}

// The engine and a bare heap over the same plan: N events at random times in (1 s, 1 day) and
// random phases, each handler adding its index to a sink.
struct Plan {
  std::vector<std::int64_t> times;
  std::vector<int> phases;
};

Plan make_plan(std::size_t n) {
  capsim::Rng rng(2024, "bench-replay-heap");
  Plan p;
  for (std::size_t i = 0; i < n; ++i) {
    p.times.push_back(rng.uniform_int(1'000, 86'400'000));
    p.phases.push_back(static_cast<int>(rng.uniform_int(0, 4)));
  }
  return p;
}

void BM_BareHeap(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Plan plan = make_plan(n);
  struct Ev {
    std::int64_t t;
    int phase;
    std::uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Ev& o) const {
      if (t != o.t) return t > o.t;
      if (phase != o.phase) return phase > o.phase;
      return seq > o.seq;
    }
  };
  std::uint64_t sink = 0;
  for (auto _ : state) {
    std::priority_queue<Ev, std::vector<Ev>, std::greater<>> q;
    for (std::size_t i = 0; i < n; ++i) q.push(Ev{plan.times[i], plan.phases[i], i, [&sink, i] { sink += i; }});
    while (!q.empty()) {
      auto fn = std::move(const_cast<Ev&>(q.top()).fn);
      q.pop();
      fn();
    }
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void BM_EngineSameEvents(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Plan plan = make_plan(n);
  std::uint64_t sink = 0;
  for (auto _ : state) {
    capsim::engine::Engine eng;
    for (std::size_t i = 0; i < n; ++i)
      eng.schedule(SimTime{plan.times[i]}, static_cast<capsim::engine::Phase>(plan.phases[i]), [&sink, i] { sink += i; });
    eng.run_until(SimTime{86'400'000});
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

}  // namespace

BENCHMARK(BM_BareHeap)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineSameEvents)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// (pods over the month, replayed hours). 1 day / 7 days / 30 days at 10k, 100k and 1M pods.
#define CAPSIM_REPLAY_ARGS                                                                                \
  ->Args({10'000, 24})->Args({10'000, 168})->Args({10'000, 720})->Args({100'000, 24})->Args({100'000, 168}) \
      ->Args({100'000, 720})->Args({1'000'000, 1})->Args({1'000'000, 24})->Args({1'000'000, 168})           \
      ->Args({1'000'000, 720})->Iterations(1)->Unit(benchmark::kSecond)
BENCHMARK_CAPTURE(BM_Replay, karpenter, std::string("karpenter")) CAPSIM_REPLAY_ARGS;
BENCHMARK_CAPTURE(BM_Replay, cluster_autoscaler, std::string("cluster-autoscaler")) CAPSIM_REPLAY_ARGS;
// The 1M-pod rows of both shapes under both controller-time models: 1 day and 30 days.
#define CAPSIM_SHAPE_ARGS ->Args({1'000'000, 24})->Args({1'000'000, 720})->Iterations(1)->Unit(benchmark::kSecond)
BENCHMARK_CAPTURE(BM_ReplayTypical, karpenter, std::string("karpenter")) CAPSIM_SHAPE_ARGS;
BENCHMARK_CAPTURE(BM_ReplayTypical, cluster_autoscaler, std::string("cluster-autoscaler")) CAPSIM_SHAPE_ARGS;
BENCHMARK_CAPTURE(BM_ReplayCold, karpenter, std::string("karpenter")) CAPSIM_SHAPE_ARGS;
BENCHMARK_CAPTURE(BM_ReplayCold, cluster_autoscaler, std::string("cluster-autoscaler")) CAPSIM_SHAPE_ARGS;
BENCHMARK_CAPTURE(BM_ReplayColdTypical, karpenter, std::string("karpenter")) CAPSIM_SHAPE_ARGS;
BENCHMARK_CAPTURE(BM_ReplayColdTypical, cluster_autoscaler, std::string("cluster-autoscaler")) CAPSIM_SHAPE_ARGS;
