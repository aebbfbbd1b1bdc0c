// The lower bound's covering LP (policy/lower_bound/cover_lp): exact optima on hand-made
// catalogs, degenerate and infeasible cases, zero demand, dominance, and agreement with a brute
// force over every basis on small random catalogs.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "capsim/policy/lower_bound/cover_lp.hpp"

using namespace capsim::policy::lower_bound;

namespace {

constexpr std::int64_t k_gib = 1024LL * 1024 * 1024;

CoverDemand demand(double cpu_cores, double memory_gib, std::int64_t pods) {
  return CoverDemand{static_cast<std::int64_t>(std::llround(cpu_cores * 1000)),
                     static_cast<std::int64_t>(std::llround(memory_gib * static_cast<double>(k_gib))), pods};
}

// Brute force: every choice of 3 columns among the types and the 3 surplus columns that forms a
// non-singular basis with a non-negative solution; the cheapest such vertex is the optimum.
std::optional<double> brute_force(const std::vector<CoverColumn>& cols, const CoverDemand& dm) {
  const std::array<double, 3> d{static_cast<double>(dm.cpu_millis) / 1000.0,
                                static_cast<double>(dm.memory_bytes) / static_cast<double>(k_gib),
                                static_cast<double>(dm.pods)};
  const std::size_t n = cols.size();
  auto column = [&](std::size_t j) -> std::array<double, 3> {
    if (j < n) return {cols[j].cpu_cores, cols[j].memory_gib, cols[j].pods};
    std::array<double, 3> v{0, 0, 0};
    v[j - n] = -1;
    return v;
  };
  std::optional<double> best;
  for (std::size_t a = 0; a < n + 3; ++a)
    for (std::size_t b = a + 1; b < n + 3; ++b)
      for (std::size_t c = b + 1; c < n + 3; ++c) {
        const auto ca = column(a), cb = column(b), cc = column(c);
        // Cramer's rule on [ca cb cc] x = d.
        auto det3 = [](const std::array<double, 3>& x, const std::array<double, 3>& y, const std::array<double, 3>& z) {
          return x[0] * (y[1] * z[2] - y[2] * z[1]) - y[0] * (x[1] * z[2] - x[2] * z[1]) + z[0] * (x[1] * y[2] - x[2] * y[1]);
        };
        const double det = det3(ca, cb, cc);
        if (std::fabs(det) < 1e-12) continue;
        const double xa = det3(d, cb, cc) / det, xb = det3(ca, d, cc) / det, xc = det3(ca, cb, d) / det;
        if (xa < -1e-9 || xb < -1e-9 || xc < -1e-9) continue;
        double cost = 0;
        if (a < n) cost += cols[a].price_usd_per_hour * xa;
        if (b < n) cost += cols[b].price_usd_per_hour * xb;
        if (c < n) cost += cols[c].price_usd_per_hour * xc;
        if (!best || cost < *best) best = cost;
      }
  return best;
}

// A deterministic pseudo-random stream (64-bit LCG), so the property test is reproducible.
struct Lcg {
  std::uint64_t s;
  double uniform(double lo, double hi) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (hi - lo) * static_cast<double>(s >> 11) / 9007199254740992.0;
  }
};

}  // namespace

TEST_CASE("lower-bound LP: one type covers the binding resource exactly", "[lower-bound][lp]") {
  // m5.xlarge under AL2023: 3.92 cores, 14162Mi, 58 pods, $0.192/h.
  std::vector<CoverColumn> cols{{0.192, 3.92, 14162.0 / 1024.0, 58}};
  auto s = solve_cover_lp(cols, demand(10, 1, 10));
  REQUIRE(s.feasible);
  REQUIRE(s.mix.size() == 1);
  CHECK(s.mix[0].first == 0);
  CHECK(s.mix[0].second == Approx(10.0 / 3.92).epsilon(1e-12));
  CHECK(s.cost_usd_per_hour == Approx(0.192 * 10.0 / 3.92).epsilon(1e-12));
  CHECK(s.instances == Approx(10.0 / 3.92).epsilon(1e-12));
  // Pods bind instead: 116 pods need 2 nodes' worth of pod slots.
  auto p = solve_cover_lp(cols, demand(1, 1, 116));
  CHECK(p.cost_usd_per_hour == Approx(0.192 * 2.0).epsilon(1e-12));
}

TEST_CASE("lower-bound LP: a CPU-heavy and a memory-heavy type mix at the vertex", "[lower-bound][lp]") {
  // A: 2 cores / 4 GiB, B: 4 cores / 2 GiB, both $1/h, 100 pods each. Demand 4 cores, 4 GiB:
  // 2a + 4b = 4 and 4a + 2b = 4 give a = b = 2/3, cost 4/3 (either type alone costs 2).
  std::vector<CoverColumn> cols{{1.0, 2, 4, 100}, {1.0, 4, 2, 100}};
  auto s = solve_cover_lp(cols, demand(4, 4, 1));
  REQUIRE(s.feasible);
  REQUIRE(s.mix.size() == 2);
  CHECK(s.mix[0].first == 0);
  CHECK(s.mix[1].first == 1);
  CHECK(s.mix[0].second == Approx(2.0 / 3.0).epsilon(1e-12));
  CHECK(s.mix[1].second == Approx(2.0 / 3.0).epsilon(1e-12));
  CHECK(s.cost_usd_per_hour == Approx(4.0 / 3.0).epsilon(1e-12));
  // Make B cost $0.5: B alone (2 nodes for 4 GiB) and the 2/3 + 2/3 mix both cost 1.0 (a tie);
  // at $0.4 B alone (0.8) wins.
  cols[1].price_usd_per_hour = 0.5;
  CHECK(solve_cover_lp(cols, demand(4, 4, 1)).cost_usd_per_hour == Approx(1.0).epsilon(1e-12));
  cols[1].price_usd_per_hour = 0.4;
  auto t = solve_cover_lp(cols, demand(4, 4, 1));
  REQUIRE(t.mix.size() == 1);
  CHECK(t.mix[0].first == 1);
  CHECK(t.mix[0].second == Approx(2.0).epsilon(1e-12));
  CHECK(t.cost_usd_per_hour == Approx(0.8).epsilon(1e-12));
}

TEST_CASE("lower-bound LP: three types, one per resource", "[lower-bound][lp]") {
  // Each type is rich in one resource: the optimum uses all three.
  std::vector<CoverColumn> cols{{1.0, 8, 1, 1}, {1.0, 1, 8, 1}, {1.0, 1, 1, 8}};
  auto s = solve_cover_lp(cols, demand(10, 10, 10));
  REQUIRE(s.feasible);
  REQUIRE(s.mix.size() == 3);
  // 8a + b + c = 10 and its permutations: a = b = c = 1, cost 3.
  for (const auto& [j, x] : s.mix) CHECK(x == Approx(1.0).epsilon(1e-12));
  CHECK(s.cost_usd_per_hour == Approx(3.0).epsilon(1e-12));
}

TEST_CASE("lower-bound LP: zero demand costs nothing", "[lower-bound][lp]") {
  std::vector<CoverColumn> cols{{0.096, 1.93, 6.74, 29}};
  auto s = solve_cover_lp(cols, CoverDemand{});
  CHECK(s.feasible);
  CHECK(s.mix.empty());
  CHECK(s.cost_usd_per_hour == 0.0);
  CHECK(s.instances == 0.0);
  // Also without any column at all.
  CHECK(solve_cover_lp({}, CoverDemand{}).feasible);
}

TEST_CASE("lower-bound LP: a demanded resource no type offers is infeasible", "[lower-bound][lp]") {
  std::vector<CoverColumn> cols{{1.0, 2, 0, 10}};
  CHECK_FALSE(solve_cover_lp(cols, demand(1, 1, 1)).feasible);
  CHECK(solve_cover_lp(cols, demand(1, 0, 1)).feasible);
  CHECK_FALSE(solve_cover_lp({}, demand(1, 0, 0)).feasible);
}

TEST_CASE("lower-bound LP: degenerate ties are broken by the smallest index", "[lower-bound][lp]") {
  // Identical columns: the first one is used, every time.
  std::vector<CoverColumn> same{{1.0, 2, 2, 10}, {1.0, 2, 2, 10}, {1.0, 2, 2, 10}};
  auto s = solve_cover_lp(same, demand(4, 2, 1));
  REQUIRE(s.mix.size() == 1);
  CHECK(s.mix[0].first == 0);
  CHECK(s.cost_usd_per_hour == Approx(2.0).epsilon(1e-12));
  // Every resource binds at once (a degenerate vertex): 2 nodes cover 4 cores, 4 GiB, 20 pods.
  std::vector<CoverColumn> one{{0.5, 2, 2, 10}};
  auto d = solve_cover_lp(one, demand(4, 4, 20));
  REQUIRE(d.mix.size() == 1);
  CHECK(d.mix[0].second == Approx(2.0).epsilon(1e-12));
  CHECK(d.cost_usd_per_hour == Approx(1.0).epsilon(1e-12));
  // Two types with the same price per core for a CPU-only demand: a tie, resolved the same way twice.
  std::vector<CoverColumn> per_core{{0.1, 1, 8, 100}, {0.2, 2, 8, 100}};
  auto a = solve_cover_lp(per_core, demand(6, 0, 0));
  auto b = solve_cover_lp(per_core, demand(6, 0, 0));
  CHECK(a.cost_usd_per_hour == Approx(0.6).epsilon(1e-12));
  CHECK(a.mix == b.mix);
}

TEST_CASE("lower-bound LP: dominated columns are dropped, identical ones keep the first", "[lower-bound][lp]") {
  std::vector<CoverColumn> cols{
      {1.0, 2, 2, 10},  // 0: dominated by 2 (cheaper, same resources)
      {1.0, 4, 1, 10},  // 1: kept (most CPU per dollar in its class)
      {0.9, 2, 2, 10},  // 2: kept
      {0.9, 2, 2, 10},  // 3: identical to 2, dropped
      {2.0, 1, 1, 1},   // 4: dominated by everything
  };
  CHECK(undominated_columns(cols) == std::vector<std::size_t>{1, 2});
  // The optimum over the undominated columns equals the optimum over all of them.
  std::vector<CoverColumn> kept{cols[1], cols[2]};
  for (auto dm : {demand(7, 3, 5), demand(1, 9, 40), demand(12, 12, 12)})
    CHECK(solve_cover_lp(kept, dm).cost_usd_per_hour == Approx(solve_cover_lp(cols, dm).cost_usd_per_hour).epsilon(1e-12));
}

TEST_CASE("lower-bound LP: agrees with a brute force over every basis on small random catalogs", "[lower-bound][lp]") {
  Lcg rng{42};
  for (int trial = 0; trial < 300; ++trial) {
    const int n = 1 + static_cast<int>(rng.uniform(0, 7));
    std::vector<CoverColumn> cols;
    for (int i = 0; i < n; ++i) {
      const double cores = std::round(rng.uniform(1, 64));
      cols.push_back(CoverColumn{std::round(rng.uniform(0.01, 5.0) * 1000) / 1000, cores,
                                 std::round(cores * rng.uniform(1, 8)), std::round(rng.uniform(8, 250))});
    }
    const CoverDemand dm = demand(std::round(rng.uniform(0, 200) * 10) / 10, std::round(rng.uniform(0, 800)),
                                  static_cast<std::int64_t>(rng.uniform(0, 600)));
    auto s = solve_cover_lp(cols, dm);
    REQUIRE(s.feasible);
    auto bf = brute_force(cols, dm);
    REQUIRE(bf);
    INFO("trial " << trial);
    CHECK(s.cost_usd_per_hour == Approx(*bf).epsilon(1e-9).margin(1e-12));
    // The solution covers the demand and costs what it says.
    double cpu = 0, mem = 0, pods = 0, cost = 0;
    for (const auto& [j, x] : s.mix) {
      CHECK(x > 0);
      cpu += cols[j].cpu_cores * x;
      mem += cols[j].memory_gib * x;
      pods += cols[j].pods * x;
      cost += cols[j].price_usd_per_hour * x;
    }
    CHECK(s.mix.size() <= 3);
    CHECK(cpu >= static_cast<double>(dm.cpu_millis) / 1000.0 * (1 - 1e-9) - 1e-9);
    CHECK(mem >= static_cast<double>(dm.memory_bytes) / static_cast<double>(k_gib) * (1 - 1e-9) - 1e-9);
    CHECK(pods >= static_cast<double>(dm.pods) * (1 - 1e-9) - 1e-9);
    CHECK(cost == Approx(s.cost_usd_per_hour).epsilon(1e-12));
  }
}

TEST_CASE("lower-bound LP: large catalogs terminate with the brute-force optimum", "[lower-bound][lp]") {
  // 60 types with close prices per resource (many near-ties): the dual simplex still finishes.
  Lcg rng{7};
  std::vector<CoverColumn> cols;
  for (int i = 0; i < 60; ++i) {
    const double cores = std::pow(2.0, std::floor(rng.uniform(0, 7)));
    const double ratio = std::pow(2.0, std::floor(rng.uniform(1, 4)));  // 2, 4 or 8 GiB per core
    cols.push_back(CoverColumn{cores * (0.02 + 0.005 * ratio) * rng.uniform(0.97, 1.03), cores * 0.98,
                               cores * ratio * 0.9, std::min(250.0, 8 * cores + 10)});
  }
  for (auto dm : {demand(3.5, 100, 30), demand(250, 300, 2000), demand(0.1, 0, 1), demand(0, 64, 0)}) {
    auto s = solve_cover_lp(cols, dm);
    CHECK(s.cost_usd_per_hour == Approx(*brute_force(cols, dm)).epsilon(1e-9));
  }
}
