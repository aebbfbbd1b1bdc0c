// Event-queue throughput: schedule N events at random times (1 s .. 1 day, capsim::Rng) and run
// them all, with and without cancelling 10 % of them first; plus a steady-state "hold" loop where
// every handler schedules its successor. items/s counts events scheduled and run.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "capsim/core/rng.hpp"
#include "capsim/engine/engine.hpp"

namespace {

using capsim::Duration;
using capsim::SimTime;
using capsim::engine::Engine;
using capsim::engine::EventId;
using capsim::engine::Phase;

constexpr std::int64_t k_min_ms = 1'000;
constexpr std::int64_t k_max_ms = 86'400'000;

struct Plan {
  std::vector<SimTime> times;
  std::vector<Phase> phases;
  std::vector<bool> cancel;
};

Plan make_plan(std::size_t n, double cancel_fraction) {
  capsim::Rng rng(2024, "bench-event-queue");
  Plan p;
  p.times.reserve(n);
  p.phases.reserve(n);
  p.cancel.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    p.times.push_back(SimTime{rng.uniform_int(k_min_ms, k_max_ms)});
    p.phases.push_back(static_cast<Phase>(rng.uniform_int(0, 4)));
    p.cancel.push_back(rng.bernoulli(cancel_fraction));
  }
  return p;
}

void run_plan(benchmark::State& state, double cancel_fraction) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Plan plan = make_plan(n, cancel_fraction);
  std::vector<EventId> ids(n);
  std::uint64_t sink = 0;
  std::size_t ran = 0;
  for (auto _ : state) {
    Engine eng;
    for (std::size_t i = 0; i < n; ++i) ids[i] = eng.schedule(plan.times[i], plan.phases[i], [&sink, i] { sink += i; });
    if (cancel_fraction > 0)
      for (std::size_t i = 0; i < n; ++i)
        if (plan.cancel[i]) eng.cancel(ids[i]);
    ran = eng.run_until(SimTime{k_max_ms});
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
  state.counters["ran"] = static_cast<double>(ran);
}

void bm_schedule_run(benchmark::State& state) { run_plan(state, 0.0); }
void bm_schedule_cancel10_run(benchmark::State& state) { run_plan(state, 0.10); }

// Hold model: `width` events pending at all times; each handler schedules one successor 1 s ..
// 1 h later, so the queue stays at `width` while 1M events run.
void bm_hold(benchmark::State& state) {
  const auto width = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t k_events = 1'000'000;
  for (auto _ : state) {
    Engine eng;
    capsim::Rng rng(7, "bench-hold");
    std::size_t remaining = k_events;
    std::function<void()> handler = [&] {
      if (remaining == 0) return;
      --remaining;
      eng.schedule_after(Duration{rng.uniform_int(1'000, 3'600'000)}, Phase::workload, handler);
    };
    for (std::size_t i = 0; i < width; ++i) eng.schedule(SimTime{rng.uniform_int(0, 3'600'000)}, Phase::workload, handler);
    while (eng.run_next()) {
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(k_events));
}

}  // namespace

BENCHMARK(bm_schedule_run)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_schedule_cancel10_run)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_hold)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
