// Forecast speed (issue 13 item 8): BM_ForecastDlrm - every model of the zoo backtested on the
// Alibaba 2025 DLRM trace's 744 hourly vCPU values (7 daily origins, a week of hourly calibration
// origins each), the choice, and the next week's 168 sample paths. The trace is read once, outside
// the timing.
#include <benchmark/benchmark.h>

#include <string>

#include "capsim/forecast/backtest.hpp"
#include "capsim/forecast/demand.hpp"
#include "capsim/io/trace_reader.hpp"

namespace {

void BM_ForecastDlrm(benchmark::State& state) {
  auto reader = capsim::io::open_trace(std::string(CAPSIM_SOURCE_DIR) +
                                           "/../shared/data/traces/alibaba-gpu-v2025-disaggregated_DLRM_trace.csv",
                                       capsim::io::TraceFormat::alibaba_dlrm);
  const auto demand = capsim::forecast::demand_from_trace(*reader);
  for (auto _ : state) {
    auto r = capsim::forecast::forecast_series(demand.vcpu, {});
    benchmark::DoNotOptimize(r.total.mean);
  }
}

}  // namespace

BENCHMARK(BM_ForecastDlrm)->Unit(benchmark::kMillisecond);
