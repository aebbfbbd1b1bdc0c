// `capsim forecast` output (docs/forecast.md): the backtest of every model, the chosen one and why,
// the forecast's daily totals with their intervals - as a table, versioned JSON, or an HTML page
// with the history, the forecast median, the interval band and a "now" marker.
#pragma once

#include <string>
#include <vector>

#include "capsim/forecast/backtest.hpp"

namespace capsim::report {

struct ForecastContext {
  std::string source;  // the trace, as given
  std::string series;  // vcpu | memory | pods | arrivals
  std::vector<forecast::AutoscalerCost> costs;  // through the autoscalers (--scenario), if run
  std::string cluster;                          // the cluster scenario, as given
  double scale{1.0};
};

std::string forecast_table(const forecast::ForecastResult& r, const ForecastContext& ctx);
std::string forecast_json(const forecast::ForecastResult& r, const ForecastContext& ctx);
// `history` is the series the forecast was made from; the chart shows its last 14 days.
std::string forecast_html(const forecast::ForecastResult& r, const ForecastContext& ctx, const std::vector<double>& history);

}  // namespace capsim::report
