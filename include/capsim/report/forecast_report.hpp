// `capsim forecast` output (docs/forecast.md): the backtest of every model, the chosen one and why,
// the forecast's daily totals with their intervals, the cost through the autoscalers, a what-if's
// difference and a budget - as a table, Markdown, versioned JSON, or an HTML page with the history,
// the forecast median, the interval band and a "now" marker, and the cumulative cost per autoscaler.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capsim/forecast/backtest.hpp"
#include "capsim/forecast/demand.hpp"

namespace capsim::report {

struct ForecastContext {
  std::string source;  // the trace, as given
  std::string series;  // vcpu | memory | pods | arrivals
  std::vector<forecast::AutoscalerCost> costs;  // through the autoscalers (--scenario), if run
  std::string cluster;                          // the cluster scenario, as given
  double scale{1.0};
  std::vector<std::string> what_if;                     // the edits, as given (--what-if)
  std::vector<forecast::AutoscalerCost> what_if_costs;  // the edited cluster's, per autoscaler
  std::vector<forecast::WhatIfDiff> diffs;
  std::optional<double> budget_usd;                     // for the horizon (--budget)
  std::vector<forecast::ClassProfile> classes;          // the history's workload classes (traces)
  std::string only_class;                               // the forecast is of this class alone (--class)
};

std::string forecast_table(const forecast::ForecastResult& r, const ForecastContext& ctx);
std::string forecast_markdown(const forecast::ForecastResult& r, const ForecastContext& ctx);
std::string forecast_json(const forecast::ForecastResult& r, const ForecastContext& ctx);
// `history` is the series the forecast was made from; the chart shows its last 14 days. With costs,
// a second chart: each autoscaler's cumulative cost (median and band; what-if dashed) and the budget.
std::string forecast_html(const forecast::ForecastResult& r, const ForecastContext& ctx, const std::vector<double>& history);

}  // namespace capsim::report
