#include "capsim/forecast/forecast_report.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

namespace capsim::forecast {
namespace {

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string unit_of(const std::string& series) {
  if (series == "vcpu") return "requested vCPU-hours";
  if (series == "memory") return "requested GiB-hours";
  if (series == "pods") return "pod-hours";
  return "pods created";
}

// Rounds to 6 significant digits' worth of decimals for stable JSON numbers.
double stable(double v) { return std::stod(fixed(v, 3)); }

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w(rows.front().size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], r[c].size());
  std::string s;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      const std::string pad(w[c] - r[c].size(), ' ');
      line += c == 0 ? r[c] + pad : pad + r[c];
      line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
  }
  return s;
}

}  // namespace

std::string forecast_table(const ForecastResult& r, const ReportContext& ctx) {
  const int level = static_cast<int>(r.level * 100 + 0.5);
  std::string s = "forecast of " + ctx.series + " from " + ctx.source + ": " + std::to_string(r.history_hours) +
                  " hours of history\nmodel: " + r.why + "\n\nbacktest (" + std::to_string(r.scores.front().origins) +
                  " daily origins, " + std::to_string(level) + " % intervals of the daily totals)\n";
  std::vector<std::vector<std::string>> rows = {{"MODEL", "MASE", "MAPE %", "BIAS %", "COVERAGE %", ""}};
  for (const auto& m : r.scores)
    rows.push_back({m.model, fixed(m.mase, 3), fixed(m.mape_daily, 2), fixed(m.bias_daily, 2), fixed(100 * m.coverage, 0),
                    m.model == r.chosen ? "chosen" : ""});
  s += table(rows);
  s += "\nnext " + std::to_string(r.daily.size()) + " days, daily totals of " + unit_of(ctx.series) + " (" +
       std::to_string(level) + " % interval from " + std::to_string(r.paths.size()) + " sample paths)\n";
  rows = {{"DAY", "MEAN", "LOWER", "MEDIAN", "UPPER"}};
  for (std::size_t d = 0; d < r.daily.size(); ++d) {
    const auto& iv = r.daily[d];
    rows.push_back({"+" + std::to_string(d + 1), fixed(iv.mean, 0), fixed(iv.lower, 0), fixed(iv.median, 0), fixed(iv.upper, 0)});
  }
  rows.push_back({"total", fixed(r.total.mean, 0), fixed(r.total.lower, 0), fixed(r.total.median, 0), fixed(r.total.upper, 0)});
  s += table(rows);
  return s;
}

std::string forecast_json(const ForecastResult& r, const ReportContext& ctx) {
  using json = nlohmann::json;
  auto iv = [](const Interval& i) {
    return json{{"mean", stable(i.mean)}, {"median", stable(i.median)}, {"lower", stable(i.lower)}, {"upper", stable(i.upper)}};
  };
  json backtest = json::array();
  for (const auto& m : r.scores)
    backtest.push_back({{"model", m.model},
                        {"origins", m.origins},
                        {"mase", stable(m.mase)},
                        {"mapeDailyPercent", stable(m.mape_daily)},
                        {"biasDailyPercent", stable(m.bias_daily)},
                        {"coverage", stable(m.coverage)}});
  json periods = json::array();
  for (std::size_t d = 0; d < r.daily.size(); ++d) {
    json p = iv(r.daily[d]);
    p["day"] = d + 1;
    periods.push_back(std::move(p));
  }
  json j = {{"schemaVersion", 1},
            {"source", ctx.source},
            {"series", ctx.series},
            {"unit", unit_of(ctx.series)},
            {"historyHours", r.history_hours},
            {"model", r.chosen},
            {"why", r.why},
            {"level", r.level},
            {"paths", r.paths.size()},
            {"backtest", backtest},
            {"periods", periods},
            {"total", iv(r.total)}};
  return j.dump(2) + "\n";
}

}  // namespace capsim::forecast
