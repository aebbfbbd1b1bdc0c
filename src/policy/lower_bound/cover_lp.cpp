// Dual simplex on the 3-row covering LP (see cover_lp.hpp). Columns 0..n-1 are instance types
// (a_j, price c_j >= 0); columns n..n+2 are the surplus variables (-e_k, cost 0). The basis
// inverse is recomputed from scratch every iteration (3x3, partial pivoting): cheap, and no
// error accumulates along the pivots.
#include "capsim/policy/lower_bound/cover_lp.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "capsim/core/diagnostic.hpp"

namespace capsim::policy::lower_bound {
namespace {

using Vec3 = std::array<double, 3>;
using Mat3 = std::array<Vec3, 3>;  // row-major

constexpr double k_bytes_per_gib = 1073741824.0;

// Inverse by Gauss-Jordan elimination with partial pivoting; false if singular.
bool invert(Mat3 m, Mat3& inv) {
  inv = Mat3{Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}};
  for (std::size_t c = 0; c < 3; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < 3; ++r)
      if (std::fabs(m[r][c]) > std::fabs(m[p][c])) p = r;
    if (m[p][c] == 0.0) return false;
    std::swap(m[p], m[c]);
    std::swap(inv[p], inv[c]);
    const double f = m[c][c];
    for (std::size_t k = 0; k < 3; ++k) {
      m[c][k] /= f;
      inv[c][k] /= f;
    }
    for (std::size_t r = 0; r < 3; ++r) {
      if (r == c || m[r][c] == 0.0) continue;
      const double g = m[r][c];
      for (std::size_t k = 0; k < 3; ++k) {
        m[r][k] -= g * m[c][k];
        inv[r][k] -= g * inv[c][k];
      }
    }
  }
  return true;
}

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

}  // namespace

CoverSolution solve_cover_lp(const std::vector<CoverColumn>& columns, const CoverDemand& demand) {
  CoverSolution sol;
  const Vec3 d{std::max<double>(0.0, static_cast<double>(demand.cpu_millis) / 1000.0),
               std::max<double>(0.0, static_cast<double>(demand.memory_bytes) / k_bytes_per_gib),
               std::max<double>(0.0, static_cast<double>(demand.pods))};
  if (d[0] == 0.0 && d[1] == 0.0 && d[2] == 0.0) return sol;

  const std::size_t n = columns.size();
  auto column = [&](std::size_t j) -> Vec3 {
    if (j < n) return Vec3{columns[j].cpu_cores, columns[j].memory_gib, columns[j].pods};
    Vec3 v{0, 0, 0};
    v[j - n] = -1.0;
    return v;
  };
  auto cost = [&](std::size_t j) { return j < n ? columns[j].price_usd_per_hour : 0.0; };

  const double feas_tol = 1e-9 * (1.0 + std::max({d[0], d[1], d[2]}));
  std::array<std::size_t, 3> basis{n, n + 1, n + 2};
  Mat3 binv{};
  Vec3 xb{};
  const std::size_t max_iterations = 64 + 16 * (n + 3);
  for (std::size_t iter = 0;; ++iter) {
    CAPSIM_ASSERT(iter < max_iterations, "lower-bound LP: the dual simplex did not terminate");
    Mat3 b{};
    for (std::size_t k = 0; k < 3; ++k) {
      const Vec3 a = column(basis[k]);
      for (std::size_t r = 0; r < 3; ++r) b[r][k] = a[r];
    }
    CAPSIM_ASSERT(invert(b, binv), "lower-bound LP: singular basis");
    for (std::size_t r = 0; r < 3; ++r) xb[r] = dot(binv[r], d);
    // Leaving row (Bland): the primal-infeasible basic variable with the smallest index.
    std::size_t leave = 3;
    for (std::size_t r = 0; r < 3; ++r)
      if (xb[r] < -feas_tol && (leave == 3 || basis[r] < basis[leave])) leave = r;
    if (leave == 3) break;  // primal feasible and dual feasible: optimal
    // Simplex multipliers y = c_B B^-1 and the leaving row of B^-1 A.
    Vec3 y{0, 0, 0};
    for (std::size_t r = 0; r < 3; ++r)
      for (std::size_t k = 0; k < 3; ++k) y[k] += cost(basis[r]) * binv[r][k];
    std::size_t enter = n + 3;
    double best_ratio = 0;
    for (std::size_t j = 0; j < n + 3; ++j) {
      if (j == basis[0] || j == basis[1] || j == basis[2]) continue;
      const Vec3 a = column(j);
      const double alpha = dot(binv[leave], a);
      const double scale = std::max({std::fabs(a[0]), std::fabs(a[1]), std::fabs(a[2]), 1e-300});
      if (alpha >= -1e-12 * scale * (1.0 + std::fabs(binv[leave][0]) + std::fabs(binv[leave][1]) + std::fabs(binv[leave][2])))
        continue;
      const double reduced = std::max(0.0, cost(j) - dot(y, a));
      const double ratio = reduced / -alpha;
      // Ratio ties (to rounding) go to the smallest index: j ascends, so only a clearly smaller
      // ratio replaces the incumbent.
      if (enter == n + 3 || ratio < best_ratio - 1e-12 * (1.0 + best_ratio)) {
        enter = j;
        best_ratio = ratio;
      }
    }
    if (enter == n + 3) {  // the dual is unbounded: no mix covers the demand
      sol.feasible = false;
      return sol;
    }
    basis[leave] = enter;
  }
  for (std::size_t r = 0; r < 3; ++r) {
    if (basis[r] >= n) continue;
    const double x = std::max(0.0, xb[r]);
    if (x > 0.0) sol.mix.emplace_back(basis[r], x);
  }
  std::sort(sol.mix.begin(), sol.mix.end());
  for (const auto& [j, x] : sol.mix) {
    sol.cost_usd_per_hour += columns[j].price_usd_per_hour * x;
    sol.instances += x;
  }
  return sol;
}

std::vector<std::size_t> undominated_columns(const std::vector<CoverColumn>& columns) {
  auto dominates = [&](std::size_t k, std::size_t j) {
    const CoverColumn& a = columns[k];
    const CoverColumn& b = columns[j];
    if (a.price_usd_per_hour > b.price_usd_per_hour || a.cpu_cores < b.cpu_cores || a.memory_gib < b.memory_gib ||
        a.pods < b.pods)
      return false;
    const bool identical = a.price_usd_per_hour == b.price_usd_per_hour && a.cpu_cores == b.cpu_cores &&
                           a.memory_gib == b.memory_gib && a.pods == b.pods;
    return !identical || k < j;
  };
  std::vector<std::size_t> out;
  for (std::size_t j = 0; j < columns.size(); ++j) {
    bool dominated = false;
    for (std::size_t k = 0; k < columns.size() && !dominated; ++k) dominated = k != j && dominates(k, j);
    if (!dominated) out.push_back(j);
  }
  return out;
}

}  // namespace capsim::policy::lower_bound
