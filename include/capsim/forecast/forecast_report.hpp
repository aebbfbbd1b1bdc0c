// `capsim forecast` output: the backtest of every model, the chosen one and why, and the forecast's
// daily totals with their intervals - as a table or versioned JSON (docs/forecast.md).
#pragma once

#include <string>

#include "capsim/forecast/backtest.hpp"

namespace capsim::forecast {

struct ReportContext {
  std::string source;  // the trace, as given
  std::string series;  // vcpu | memory | pods | arrivals
};

std::string forecast_table(const ForecastResult& r, const ReportContext& ctx);
std::string forecast_json(const ForecastResult& r, const ReportContext& ctx);

}  // namespace capsim::forecast
