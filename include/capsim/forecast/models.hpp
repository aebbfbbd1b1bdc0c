// The forecast model zoo (../shared/reference/forecast-and-sweeps.md section 1.4): each model is a
// pure function from an hourly history to a point forecast of the next hours. Intervals do not
// come from the models: they come from sample paths of backtest errors (backtest.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace capsim::forecast {

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  // Fits on `y` (hourly, oldest first; at least two weekly cycles) and forecasts the next `h` hours.
  virtual std::vector<double> forecast(std::span<const double> y, std::size_t h) const = 0;
};

// y[T + h] = y[T + h - m k], k = ceil(h / m): the value one season back (m = 24 or 168).
std::unique_ptr<Model> seasonal_naive(std::size_t period);
// y[T + h] = y[T] + h (y[T] - y[T - W]) / W over the last `window` hours.
std::unique_ptr<Model> drift(std::size_t window);
// OLS on the last `window` hours: level, linear trend, `k_daily` daily and `k_weekly` weekly
// Fourier pairs, solved with Eigen's ColPivHouseholderQR.
std::unique_ptr<Model> ols_fourier(std::size_t window, int k_daily, int k_weekly);
// Additive damped Holt-Winters with a daily season; alpha, beta, gamma and phi chosen on a fixed
// grid by the one-step squared error over the history.
std::unique_ptr<Model> holt_winters_damped();

// The zoo in its reporting order: snaive-24h, snaive-168h, drift-7d, ols-fourier-14d,
// holt-winters-damped.
std::vector<std::unique_ptr<Model>> model_zoo();

}  // namespace capsim::forecast
