#include "capsim/forecast/models.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <limits>
#include <numbers>

namespace capsim::forecast {
namespace {

class SeasonalNaive final : public Model {
 public:
  explicit SeasonalNaive(std::size_t m) : m_m(m) {}
  std::string name() const override { return "snaive-" + std::to_string(m_m) + "h"; }
  std::vector<double> forecast(std::span<const double> y, std::size_t h) const override {
    std::vector<double> f(h);
    const std::size_t T = y.size();
    for (std::size_t i = 1; i <= h; ++i) {
      const std::size_t k = (i + m_m - 1) / m_m;
      f[i - 1] = y[T + i - m_m * k - 1];
    }
    return f;
  }

 private:
  std::size_t m_m;
};

class Drift final : public Model {
 public:
  explicit Drift(std::size_t window) : m_w(window) {}
  std::string name() const override { return "drift-" + std::to_string(m_w / 24) + "d"; }
  std::vector<double> forecast(std::span<const double> y, std::size_t h) const override {
    const std::size_t T = y.size();
    const std::size_t w = std::min(m_w, T - 1);
    const double g = (y[T - 1] - y[T - 1 - w]) / static_cast<double>(w);
    std::vector<double> f(h);
    for (std::size_t i = 1; i <= h; ++i) f[i - 1] = y[T - 1] + static_cast<double>(i) * g;
    return f;
  }

 private:
  std::size_t m_w;
};

class OlsFourier final : public Model {
 public:
  OlsFourier(std::size_t window, int kd, int kw) : m_w(window), m_kd(kd), m_kw(kw) {}
  std::string name() const override { return "ols-fourier-" + std::to_string(m_w / 24) + "d"; }
  std::vector<double> forecast(std::span<const double> y, std::size_t h) const override {
    const std::size_t n = std::min(m_w, y.size());
    const std::size_t start = y.size() - n;
    const auto cols = static_cast<Eigen::Index>(2 + 2 * m_kd + 2 * m_kw);
    auto row = [&](double t, Eigen::RowVectorXd& r) {
      r(0) = 1.0;
      r(1) = t / 24.0;  // trend per day keeps the columns on comparable scales
      Eigen::Index c = 2;
      for (int k = 1; k <= m_kd; ++k) {
        r(c++) = std::sin(2 * std::numbers::pi * k * t / 24.0);
        r(c++) = std::cos(2 * std::numbers::pi * k * t / 24.0);
      }
      for (int k = 1; k <= m_kw; ++k) {
        r(c++) = std::sin(2 * std::numbers::pi * k * t / 168.0);
        r(c++) = std::cos(2 * std::numbers::pi * k * t / 168.0);
      }
    };
    Eigen::MatrixXd X(static_cast<Eigen::Index>(n), cols);
    Eigen::VectorXd b(static_cast<Eigen::Index>(n));
    Eigen::RowVectorXd r(cols);
    for (std::size_t i = 0; i < n; ++i) {
      // Absolute hour indexes, so the seasonal phase is the series' own.
      row(static_cast<double>(start + i), r);
      X.row(static_cast<Eigen::Index>(i)) = r;
      b(static_cast<Eigen::Index>(i)) = y[start + i];
    }
    const Eigen::VectorXd beta = X.colPivHouseholderQr().solve(b);
    std::vector<double> f(h);
    for (std::size_t i = 0; i < h; ++i) {
      row(static_cast<double>(y.size() + i), r);
      f[i] = r.dot(beta);
    }
    return f;
  }

 private:
  std::size_t m_w;
  int m_kd, m_kw;
};

class HoltWinters final : public Model {
 public:
  std::string name() const override { return "holt-winters-damped"; }
  std::vector<double> forecast(std::span<const double> y, std::size_t h) const override {
    static constexpr double k_alpha[] = {0.1, 0.3, 0.5, 0.8};
    static constexpr double k_beta[] = {0.01, 0.05, 0.1, 0.2};
    static constexpr double k_gamma[] = {0.05, 0.1, 0.3};
    static constexpr double k_phi[] = {0.9, 0.95, 0.98};
    State best;
    double best_sse = std::numeric_limits<double>::infinity();
    for (double a : k_alpha)
      for (double bt : k_beta)
        for (double g : k_gamma)
          for (double p : k_phi) {
            State s = run(y, a, bt, g, p);
            if (s.sse < best_sse) {
              best_sse = s.sse;
              best = std::move(s);
            }
          }
    std::vector<double> f(h);
    double damp = 0;
    for (std::size_t i = 1; i <= h; ++i) {
      damp += std::pow(best.phi, static_cast<double>(i));
      f[i - 1] = best.level + damp * best.trend + best.season[(y.size() + i - 1) % k_m];
    }
    return f;
  }

 private:
  static constexpr std::size_t k_m = 24;
  struct State {
    double level{0}, trend{0}, phi{1}, sse{0};
    std::vector<double> season;  // by hour of the series mod m
  };
  // Initial level: the first day's mean; trend: the mean daily change over the first two days per
  // hour; season: the first day's deviations. One-step errors summed from the second day.
  static State run(std::span<const double> y, double a, double b, double g, double phi) {
    State s;
    s.phi = phi;
    s.season.assign(k_m, 0.0);
    double m1 = 0, m2 = 0;
    for (std::size_t i = 0; i < k_m; ++i) {
      m1 += y[i];
      m2 += y[k_m + i];
    }
    m1 /= k_m;
    m2 /= k_m;
    s.level = m1;
    s.trend = (m2 - m1) / k_m;
    for (std::size_t i = 0; i < k_m; ++i) s.season[i] = y[i] - m1;
    for (std::size_t t = k_m; t < y.size(); ++t) {
      const double& st = s.season[t % k_m];
      const double pred = s.level + phi * s.trend + st;
      const double e = y[t] - pred;
      s.sse += e * e;
      const double level = a * (y[t] - st) + (1 - a) * (s.level + phi * s.trend);
      const double trend = b * (level - s.level) + (1 - b) * phi * s.trend;
      s.season[t % k_m] = g * (y[t] - level) + (1 - g) * st;
      s.level = level;
      s.trend = trend;
    }
    return s;
  }
};

}  // namespace

std::unique_ptr<Model> seasonal_naive(std::size_t period) { return std::make_unique<SeasonalNaive>(period); }
std::unique_ptr<Model> drift(std::size_t window) { return std::make_unique<Drift>(window); }
std::unique_ptr<Model> ols_fourier(std::size_t window, int k_daily, int k_weekly) {
  return std::make_unique<OlsFourier>(window, k_daily, k_weekly);
}
std::unique_ptr<Model> holt_winters_damped() { return std::make_unique<HoltWinters>(); }

std::vector<std::unique_ptr<Model>> model_zoo() {
  std::vector<std::unique_ptr<Model>> z;
  z.push_back(seasonal_naive(24));
  z.push_back(seasonal_naive(168));
  z.push_back(drift(7 * 24));
  z.push_back(ols_fourier(14 * 24, 3, 2));
  z.push_back(holt_winters_damped());
  return z;
}

}  // namespace capsim::forecast
