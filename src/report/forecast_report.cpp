#include "capsim/report/forecast_report.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/report/html_page.hpp"

namespace capsim::report {
namespace {

using forecast::ForecastResult;
using forecast::Interval;

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

std::string forecast_table(const ForecastResult& r, const ForecastContext& ctx) {
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
  if (ctx.costs.empty()) return s;
  s += "\ncost through the autoscalers of " + ctx.cluster + " (demand x " + fixed(ctx.scale, 4) + ", " +
       std::to_string(level) + " % intervals over the paths)\n";
  rows = {{"AUTOSCALER", "COST MEAN $", "LOWER", "MEDIAN", "UPPER", "NODE-HOURS", "SPOT %", "P95 PENDING S", "EVICTIONS", "FAILED"}};
  for (const auto& c : ctx.costs)
    rows.push_back({c.autoscaler, fixed(c.cost_usd.mean, 2), fixed(c.cost_usd.lower, 2), fixed(c.cost_usd.median, 2),
                    fixed(c.cost_usd.upper, 2), fixed(c.node_hours.median, 1), fixed(100 * c.spot_share.median, 1),
                    fixed(c.pending_p95_s.median, 0), fixed(c.evictions.median, 0), std::to_string(c.failed_paths)});
  s += table(rows);
  rows = {{"DAY"}};
  for (const auto& c : ctx.costs) rows[0].push_back(c.autoscaler + " $ (lower-upper)");
  for (std::size_t d = 0; d < r.daily.size(); ++d) {
    std::vector<std::string> row = {"+" + std::to_string(d + 1)};
    for (const auto& c : ctx.costs)
      row.push_back(fixed(c.daily_cost_usd[d].median, 2) + " (" + fixed(c.daily_cost_usd[d].lower, 2) + "-" +
                    fixed(c.daily_cost_usd[d].upper, 2) + ")");
    rows.push_back(std::move(row));
  }
  s += "\n" + table(rows);
  return s;
}

std::string forecast_json(const ForecastResult& r, const ForecastContext& ctx) {
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
  json costs = json::array();
  for (const auto& c : ctx.costs) {
    json days = json::array();
    for (const auto& d : c.daily_cost_usd) days.push_back(iv(d));
    costs.push_back({{"autoscaler", c.autoscaler},
                     {"costUsd", iv(c.cost_usd)},
                     {"dailyCostUsd", days},
                     {"nodeHours", iv(c.node_hours)},
                     {"spotShare", iv(c.spot_share)},
                     {"podPendingSecondsP95", iv(c.pending_p95_s)},
                     {"evictions", iv(c.evictions)},
                     {"failedPaths", c.failed_paths}});
  }
  json j = {{"schemaVersion", 1},
            {"costThroughAutoscalers", costs},
            {"demandScale", ctx.scale},
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

std::string forecast_html(const ForecastResult& r, const ForecastContext& ctx, const std::vector<double>& history) {
  using detail::html_escape;
  const std::size_t shown = std::min<std::size_t>(history.size(), 14 * 24);
  const std::size_t H = r.point.size();
  // Hourly band and median across the paths.
  std::vector<double> lo(H), med(H), hi(H);
  for (std::size_t i = 0; i < H; ++i) {
    std::vector<double> xs;
    for (const auto& p : r.paths) xs.push_back(p[i]);
    lo[i] = forecast::quantile(xs, (1 - r.level) / 2);
    med[i] = forecast::quantile(xs, 0.5);
    hi[i] = forecast::quantile(xs, 1 - (1 - r.level) / 2);
  }
  double y0 = history[history.size() - shown], y1 = y0;
  for (std::size_t i = history.size() - shown; i < history.size(); ++i) y0 = std::min(y0, history[i]), y1 = std::max(y1, history[i]);
  for (std::size_t i = 0; i < H; ++i) y0 = std::min(y0, lo[i]), y1 = std::max(y1, hi[i]);
  const double pad = (y1 - y0) * 0.05 + 1e-9;
  y0 -= pad;
  y1 += pad;
  const double W = 900, Ht = 380, L = 90, R = 20, T = 20, B = 50;
  const double n = static_cast<double>(shown + H);
  auto sx = [&](double i) { return L + i / n * (W - L - R); };
  auto sy = [&](double v) { return Ht - B - (v - y0) / (y1 - y0) * (Ht - T - B); };
  auto pt = [&](double i, double v) { return fixed(sx(i), 1) + " " + fixed(sy(v), 1); };
  std::string actual, median, band;
  for (std::size_t i = 0; i < shown; ++i) actual += (i ? " L" : "M") + pt(static_cast<double>(i), history[history.size() - shown + i]);
  for (std::size_t i = 0; i < H; ++i) median += (i ? " L" : "M") + pt(static_cast<double>(shown + i), med[i]);
  for (std::size_t i = 0; i < H; ++i) band += (i ? " L" : "M") + pt(static_cast<double>(shown + i), hi[i]);
  for (std::size_t i = H; i-- > 0;) band += " L" + pt(static_cast<double>(shown + i), lo[i]);
  band += " Z";
  const int level = static_cast<int>(r.level * 100 + 0.5);
  std::string svg = "<svg class=\"chart\" id=\"forecast\" viewBox=\"0 0 900 420\" width=\"900\" height=\"420\" "
                    "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n";
  svg += "<g class=\"x-axis\"><line class=\"axis\" x1=\"" + fixed(L, 1) + "\" y1=\"" + fixed(Ht - B, 1) + "\" x2=\"" +
         fixed(W - R, 1) + "\" y2=\"" + fixed(Ht - B, 1) + "\"/>";
  for (std::size_t d = 0; d * 24 <= shown + H; d += 2) {
    const double i = static_cast<double>(d * 24);
    svg += "<text class=\"tick\" x=\"" + fixed(sx(i), 1) + "\" y=\"" + fixed(Ht - B + 16, 1) + "\" text-anchor=\"middle\">" +
           std::to_string(static_cast<long long>(d * 24) - static_cast<long long>(shown)) + "h</text>";
  }
  svg += "<text class=\"axis-label\" x=\"" + fixed((L + W - R) / 2, 1) + "\" y=\"" + fixed(Ht - 12, 1) +
         "\" text-anchor=\"middle\">hours from now</text></g>\n";
  svg += "<g class=\"y-axis\"><line class=\"axis\" x1=\"" + fixed(L, 1) + "\" y1=\"" + fixed(T, 1) + "\" x2=\"" + fixed(L, 1) +
         "\" y2=\"" + fixed(Ht - B, 1) + "\"/>";
  for (int k = 0; k <= 4; ++k) {
    const double v = y0 + (y1 - y0) * k / 4;
    svg += "<text class=\"tick\" x=\"" + fixed(L - 6, 1) + "\" y=\"" + fixed(sy(v) + 4, 1) + "\" text-anchor=\"end\">" +
           fixed(v, 0) + "</text>";
  }
  svg += "<text class=\"axis-label\" transform=\"rotate(-90)\" x=\"" + fixed(-(T + Ht - B) / 2, 1) +
         "\" y=\"16\" text-anchor=\"middle\">" + html_escape(ctx.series) + " per hour</text></g>\n";
  svg += "<path class=\"band\" d=\"" + band + "\" fill=\"#1f77b4\" fill-opacity=\"0.2\" stroke=\"none\"/>\n";
  svg += "<path class=\"series line actual\" d=\"" + actual + "\" fill=\"none\" stroke=\"#333\"/>\n";
  svg += "<path class=\"series line median\" d=\"" + median + "\" fill=\"none\" stroke=\"#1f77b4\"/>\n";
  svg += "<line class=\"now\" x1=\"" + fixed(sx(static_cast<double>(shown)), 1) + "\" y1=\"" + fixed(T, 1) + "\" x2=\"" +
         fixed(sx(static_cast<double>(shown)), 1) + "\" y2=\"" + fixed(Ht - B, 1) +
         "\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/><text class=\"tick\" x=\"" + fixed(sx(static_cast<double>(shown)) + 4, 1) +
         "\" y=\"" + fixed(T + 12, 1) + "\">now</text>\n";
  svg += "<g class=\"legend\" transform=\"translate(" + fixed(L, 1) + ",400)\">"
         "<g class=\"legend-item\"><rect width=\"14\" height=\"3\" y=\"4\" fill=\"#333\"/><text x=\"20\" y=\"10\">actual</text></g>"
         "<g class=\"legend-item\" transform=\"translate(90,0)\"><rect width=\"14\" height=\"3\" y=\"4\" fill=\"#1f77b4\"/>"
         "<text x=\"20\" y=\"10\">forecast median</text></g>"
         "<g class=\"legend-item\" transform=\"translate(230,0)\"><rect width=\"14\" height=\"10\" fill=\"#1f77b4\" "
         "fill-opacity=\"0.2\"/><text x=\"20\" y=\"10\">" + std::to_string(level) + " % interval</text></g></g>\n</svg>\n";
  std::string body = "<h1>Forecast of " + html_escape(ctx.series) + " from " + html_escape(ctx.source) + "</h1>\n<p>" +
                     html_escape(r.why) + "</p>\n" + svg + "<pre>" + html_escape(forecast_table(r, ctx)) + "</pre>\n";
  return detail::html_page("forecast " + ctx.series, body);
}

}  // namespace capsim::report
