// Choosing a model by rolling-origin backtest and forecasting with intervals from sample paths
// (../shared/reference/forecast-and-sweeps.md sections 1.4-1.7).
//
// Backtest: every model forecasts the next 24 h from each of the last `eval_days` daily origins,
// trained only on the history before the origin. Scores: MASE (mean absolute error over those
// hours, scaled by the in-sample mean absolute error of the 24 h seasonal naive before the first
// origin), MAPE and bias of the daily totals, and the coverage of the daily totals' intervals.
// Intervals at an origin come from sample paths: the forecast plus the error trajectory of each
// calibration origin (backtest-calibrated errors per horizon): the origins of every hour of the
// week whose forecasts end before the evaluated day starts, each trained only on its own past, so
// no interval sees the day it covers and every hour of day and day of week is represented.
// Selection: the lowest MASE; a model whose MASE does not beat the better seasonal naive (24 h or
// 168 h) is never chosen - that seasonal naive is.
// The forecast: the chosen model from the whole history, and one sample path per calibration
// origin of the full horizon (the hourly origins of the week ending a horizon before now); every aggregate (each day's total, the horizon's total) is computed
// on each path, then its quantiles taken (linear interpolation between order statistics, R's
// type 7).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace capsim::forecast {

// Two weekly cycles: less history than this is refused.
inline constexpr std::size_t k_min_history_hours = 2 * 168;

struct ForecastOptions {
  std::size_t horizon_hours{168};
  double level{0.8};                   // central interval, 0.5 to 0.99
  std::size_t eval_days{7};            // backtest origins: the last N days
  std::size_t calibration_origins{168};  // hourly calibration origins (error trajectories) per interval, at most
};

struct ModelScore {
  std::string model;
  std::size_t origins{0};
  double mase{0};
  double mape_daily{0};  // percent
  double bias_daily{0};  // percent; positive: forecasts too high
  double coverage{0};    // share of the daily totals inside their interval (0 to 1)
};

struct Interval {
  double mean{0}, median{0}, lower{0}, upper{0};
};

struct ForecastResult {
  std::string chosen;
  std::string why;
  std::vector<ModelScore> scores;  // the zoo's order
  std::size_t history_hours{0};
  double level{0.8};
  std::vector<double> point;                // hourly, the horizon
  std::vector<std::vector<double>> paths;   // hourly sample paths
  std::vector<Interval> daily;              // each day of the horizon: its total
  Interval total;                           // the horizon's total
};

// What the forecast's demand paths cost through one autoscaler (sweep/forecast_cost.hpp): each
// aggregate over the paths' runs as mean, median and the interval at the forecast's level.
struct AutoscalerCost {
  std::string autoscaler;
  std::vector<Interval> daily_cost_usd;  // each day of the horizon
  Interval cost_usd;                     // the horizon
  Interval node_hours;
  Interval spot_share;
  Interval pending_p95_s;
  Interval evictions;
  std::vector<Interval> cumulative_cost_usd;  // cost up to the end of each day, per path
  std::vector<double> path_cost_usd;          // the horizon's cost of each path that ran (path order)
  std::size_t failed_paths{0};
};

// A what-if against the base (common random numbers: each path replays the same demand path with
// the same seed both ways): the two costs and their difference computed per path, then quantiled.
struct WhatIfDiff {
  std::string base_autoscaler, what_if_autoscaler;
  Interval base_cost_usd, what_if_cost_usd;
  Interval diff_usd;      // what-if - base
  Interval diff_percent;  // 100 (what-if - base) / base
  std::size_t paths{0};   // paths that ran both ways
};

// An interval over `xs` at `level`: mean, median, and the (1 - level) / 2 and 1 - (1 - level) / 2
// quantiles.
Interval interval_of(const std::vector<double>& xs, double level);

// The quantile q (0..1) of `xs` (R type 7). `xs` need not be sorted.
double quantile(std::vector<double> xs, double q);

// Throws InputError: history shorter than k_min_history_hours, too short for the backtest and the
// horizon's paths, or options out of range.
ForecastResult forecast_series(const std::vector<double>& y, const ForecastOptions& opts);

}  // namespace capsim::forecast
