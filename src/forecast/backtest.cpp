#include "capsim/forecast/backtest.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <span>

#include "capsim/core/diagnostic.hpp"
#include "capsim/forecast/models.hpp"

namespace capsim::forecast {
namespace {

[[noreturn]] void refuse(const std::string& msg) { throw InputError({Diagnostic{"", 0, 0, Severity::error, "", msg}}); }

double sum(std::span<const double> v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// One model's forecast of `h` hours from origin `o`, trained on y[0, o): the errors (actual -
// forecast) and both totals.
struct OriginRun {
  std::vector<double> errors;
  double forecast_total{0};
  double actual_total{0};
};

OriginRun at_origin(const Model& m, const std::vector<double>& y, std::size_t o, std::size_t h) {
  OriginRun r;
  const auto f = m.forecast(std::span<const double>(y.data(), o), h);
  r.errors.resize(h);
  for (std::size_t i = 0; i < h; ++i) r.errors[i] = y[o + i] - f[i];
  r.forecast_total = sum(f);
  r.actual_total = sum(std::span<const double>(y.data() + o, h));
  return r;
}

}  // namespace

Interval interval_of(const std::vector<double>& xs, double level) {
  Interval iv;
  if (xs.empty()) return iv;
  iv.mean = sum(xs) / static_cast<double>(xs.size());
  iv.median = quantile(xs, 0.5);
  iv.lower = quantile(xs, (1 - level) / 2);
  iv.upper = quantile(xs, 1 - (1 - level) / 2);
  return iv;
}

double quantile(std::vector<double> xs, double q) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  const double pos = q * static_cast<double>(xs.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, xs.size() - 1);
  return xs[lo] + (pos - static_cast<double>(lo)) * (xs[hi] - xs[lo]);
}

ForecastResult forecast_series(const std::vector<double>& y, const ForecastOptions& opts) {
  const std::size_t T = y.size();
  if (opts.level < 0.5 || opts.level > 0.99) refuse("the interval level must be from 50 % to 99 %");
  if (opts.horizon_hours < 1) refuse("the horizon must be at least one hour");
  if (T < k_min_history_hours)
    refuse("a forecast needs at least two weekly cycles of history (" + std::to_string(k_min_history_hours) + " hours), got " +
           std::to_string(T) + " hours");
  // The first evaluated origin needs two calibration origins before its day, the horizon's paths
  // two origins a horizon back, each with two weekly cycles of history.
  const std::size_t need_backtest = k_min_history_hours + 24 * opts.eval_days + 25;
  const std::size_t need_paths = k_min_history_hours + opts.horizon_hours + 1;
  if (T < std::max(need_backtest, need_paths))
    refuse("a " + std::to_string(opts.horizon_hours) + "-hour forecast with a " + std::to_string(opts.eval_days) +
           "-day backtest needs at least " + std::to_string(std::max(need_backtest, need_paths)) + " hours of history, got " +
           std::to_string(T));
  ForecastResult res;
  res.history_hours = T;
  res.level = opts.level;
  const auto zoo = model_zoo();
  // MASE scale: the 24 h seasonal naive's in-sample mean absolute error before the first origin.
  const std::size_t first_origin = T - 24 * opts.eval_days;
  double scale = 0;
  for (std::size_t t = 24; t < first_origin; ++t) scale += std::fabs(y[t] - y[t - 24]);
  scale /= static_cast<double>(first_origin - 24);
  if (scale <= 0) scale = 1;
  for (const auto& m : zoo) {
    std::map<std::size_t, OriginRun> runs;  // by origin
    auto run = [&](std::size_t o) -> const OriginRun& {
      auto it = runs.find(o);
      if (it == runs.end()) it = runs.emplace(o, at_origin(*m, y, o, 24)).first;
      return it->second;
    };
    ModelScore s;
    s.model = m->name();
    double abs_err = 0, ape = 0, bias = 0;
    std::size_t covered = 0;
    for (std::size_t k = opts.eval_days; k >= 1; --k) {
      const std::size_t o = T - 24 * k;
      const OriginRun& r = run(o);
      for (double e : r.errors) abs_err += std::fabs(e);
      ape += std::fabs(r.forecast_total - r.actual_total) / std::fabs(r.actual_total);
      bias += (r.forecast_total - r.actual_total) / std::fabs(r.actual_total);
      // Paths from earlier origins' errors, each trained on its own past.
      std::vector<double> totals;
      for (std::size_t j = 0; j < opts.calibration_origins && o >= k_min_history_hours + 24 + j; ++j) {
        const OriginRun& c = run(o - 24 - j);
        totals.push_back(r.forecast_total + (c.actual_total - c.forecast_total));
      }
      const Interval iv = interval_of(totals, opts.level);
      if (r.actual_total >= iv.lower && r.actual_total <= iv.upper) ++covered;
      ++s.origins;
    }
    s.mase = abs_err / static_cast<double>(24 * s.origins) / scale;
    s.mape_daily = 100 * ape / static_cast<double>(s.origins);
    s.bias_daily = 100 * bias / static_cast<double>(s.origins);
    s.coverage = static_cast<double>(covered) / static_cast<double>(s.origins);
    res.scores.push_back(std::move(s));
  }
  // Selection.
  std::size_t baseline = res.scores[0].mase <= res.scores[1].mase ? 0 : 1;  // snaive-24h, snaive-168h
  std::size_t best = 0;
  for (std::size_t i = 1; i < res.scores.size(); ++i)
    if (res.scores[i].mase < res.scores[best].mase) best = i;
  if (best <= 1 || !(res.scores[best].mase < res.scores[baseline].mase)) best = baseline;
  res.chosen = res.scores[best].model;
  res.why = best == baseline ? res.chosen + " (no model beat the seasonal naive's MASE " + num(res.scores[baseline].mase) + ")"
                             : res.chosen + ": lowest MASE " + num(res.scores[best].mase) + " vs " +
                                   res.scores[baseline].model + " " + num(res.scores[baseline].mase) + " over " +
                                   std::to_string(res.scores[best].origins) + " daily origins";
  // The forecast and its paths.
  const Model& m = *zoo[best];
  const std::size_t H = opts.horizon_hours;
  res.point = m.forecast(std::span<const double>(y.data(), T), H);
  for (std::size_t j = 0; j < opts.calibration_origins; ++j) {
    if (T < H + j + k_min_history_hours) break;
    const std::size_t o = T - H - j;
    const OriginRun c = at_origin(m, y, o, H);
    std::vector<double> path(H);
    for (std::size_t i = 0; i < H; ++i) path[i] = res.point[i] + c.errors[i];
    res.paths.push_back(std::move(path));
  }
  const std::size_t days = (H + 23) / 24;
  for (std::size_t d = 0; d < days; ++d) {
    std::vector<double> totals;
    for (const auto& p : res.paths)
      totals.push_back(sum(std::span<const double>(p.data() + 24 * d, std::min<std::size_t>(24, H - 24 * d))));
    res.daily.push_back(interval_of(totals, opts.level));
  }
  std::vector<double> totals;
  for (const auto& p : res.paths) totals.push_back(sum(p));
  res.total = interval_of(totals, opts.level);
  return res;
}

}  // namespace capsim::forecast
