#include "capsim/report/forecast_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/report/html_page.hpp"
#include "report/chart_colors.hpp"
#include "report/svg_chart.hpp"

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

// A text table: the first column left-aligned, the others right-aligned.
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

std::string markdown_table(const std::vector<std::vector<std::string>>& rows) {
  std::string s;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    s += "|";
    for (const auto& c : rows[i]) s += " " + (c.empty() && i == 0 ? std::string(" ") : c) + " |";
    s += "\n";
    if (i == 0) {
      s += "|";
      for (std::size_t c = 0; c < rows[i].size(); ++c) s += c == 0 ? " --- |" : " ---: |";
      s += "\n";
    }
  }
  return s;
}

// The report as titled sections of text lines and tables, rendered as plain text or Markdown.
struct Section {
  std::string title;
  std::vector<std::vector<std::string>> rows;  // empty: no table
  std::vector<std::string> after;              // lines after the table
};

std::string money(double v) { return "$" + fixed(v, 2); }

// "12 vCPU 120 GiB": up to three decimals, trailing zeros dropped.
std::string shape_text(const forecast::PodShape& s) {
  auto num = [](double v) {
    std::string t = fixed(v, 3);
    while (t.back() == '0') t.pop_back();
    if (t.back() == '.') t.pop_back();
    return t;
  };
  return num(s.vcpu) + " vCPU " + num(s.memory_gib) + " GiB";
}
std::string signed_money(double v) { return (v < 0 ? "-$" : "+$") + fixed(std::abs(v), 2); }
std::string signed_percent(double v) { return (v < 0 ? "-" : "+") + fixed(std::abs(v), 1) + " %"; }

// Share of the paths whose horizon cost exceeds the budget.
double over_budget(const forecast::AutoscalerCost& c, double budget) {
  if (c.path_cost_usd.empty()) return 0;
  const auto over = std::count_if(c.path_cost_usd.begin(), c.path_cost_usd.end(), [&](double x) { return x > budget; });
  return static_cast<double>(over) / static_cast<double>(c.path_cost_usd.size());
}

std::vector<std::vector<std::string>> cost_rows(const std::vector<forecast::AutoscalerCost>& costs, const ForecastContext& ctx) {
  std::vector<std::vector<std::string>> rows = {
      {"AUTOSCALER", "COST MEAN $", "LOWER", "MEDIAN", "UPPER", "NODE-HOURS", "SPOT %", "P95 PENDING S", "EVICTIONS", "FAILED"}};
  if (ctx.budget_usd) rows[0].push_back("P(> BUDGET) %");
  for (const auto& c : costs) {
    rows.push_back({c.autoscaler, fixed(c.cost_usd.mean, 2), fixed(c.cost_usd.lower, 2), fixed(c.cost_usd.median, 2),
                    fixed(c.cost_usd.upper, 2), fixed(c.node_hours.median, 1), fixed(100 * c.spot_share.median, 1),
                    fixed(c.pending_p95_s.median, 0), fixed(c.evictions.median, 0), std::to_string(c.failed_paths)});
    if (ctx.budget_usd) rows.back().push_back(fixed(100 * over_budget(c, *ctx.budget_usd), 0));
  }
  return rows;
}

std::string joined(const std::vector<std::string>& xs) {
  std::string s;
  for (const auto& x : xs) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::vector<Section> sections(const ForecastResult& r, const ForecastContext& ctx) {
  const int level = static_cast<int>(r.level * 100 + 0.5);
  std::vector<Section> out;
  Section head{"forecast of " + ctx.series + (ctx.only_class.empty() ? "" : " of class " + ctx.only_class) + " from " + ctx.source,
               {},
               {}};
  head.after = {std::to_string(r.history_hours) + " hours of history", "model: " + r.why};
  out.push_back(std::move(head));
  Section bt{"backtest (" + std::to_string(r.scores.front().origins) + " daily origins, " + std::to_string(level) +
                 " % intervals of the daily totals)",
             {{"MODEL", "MASE", "MAPE %", "BIAS %", "COVERAGE %", ""}},
             {}};
  for (const auto& m : r.scores)
    bt.rows.push_back({m.model, fixed(m.mase, 3), fixed(m.mape_daily, 2), fixed(m.bias_daily, 2), fixed(100 * m.coverage, 0),
                       m.model == r.chosen ? "chosen" : ""});
  out.push_back(std::move(bt));
  Section demand{"next " + std::to_string(r.daily.size()) + " days, daily totals of " + unit_of(ctx.series) + " (" +
                     std::to_string(level) + " % interval from " + std::to_string(r.paths.size()) + " sample paths)",
                 {{"DAY", "MEAN", "LOWER", "MEDIAN", "UPPER"}},
                 {}};
  for (std::size_t d = 0; d < r.daily.size(); ++d) {
    const auto& iv = r.daily[d];
    demand.rows.push_back(
        {"+" + std::to_string(d + 1), fixed(iv.mean, 0), fixed(iv.lower, 0), fixed(iv.median, 0), fixed(iv.upper, 0)});
  }
  demand.rows.push_back({"total", fixed(r.total.mean, 0), fixed(r.total.lower, 0), fixed(r.total.median, 0), fixed(r.total.upper, 0)});
  out.push_back(std::move(demand));
  if (!ctx.classes.empty()) {
    double all = 0;
    for (const auto& c : ctx.classes) all += c.vcpu_hours;
    const std::size_t shown = std::min<std::size_t>(ctx.classes.size(), 10);
    Section cls{"workload classes of the history: the " + std::to_string(shown) + " of " + std::to_string(ctx.classes.size()) +
                    " with the most vCPU-hours (--class NAME forecasts one; JSON lists all)",
                {{"CLASS", "PODS", "VCPU-HOURS %", "TOP SHAPE", "ITS PODS %", "SHAPES", "LIFETIME P50 H", "P90 H", "RUNNING AT END"}},
                {}};
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& c = ctx.classes[i];
      const auto& top = c.shapes.front();
      const bool lived = !c.lifetimes_s.empty();
      cls.rows.push_back({c.name, std::to_string(c.pods), fixed(all > 0 ? 100 * c.vcpu_hours / all : 0, 1),
                          shape_text(top), fixed(100.0 * static_cast<double>(top.pods) / static_cast<double>(c.pods), 0),
                          std::to_string(c.shapes.size()), lived ? fixed(forecast::quantile(c.lifetimes_s, 0.5) / 3600, 1) : "-",
                          lived ? fixed(forecast::quantile(c.lifetimes_s, 0.9) / 3600, 1) : "-", std::to_string(c.still_running)});
    }
    out.push_back(std::move(cls));
  }
  if (ctx.costs.empty()) return out;
  Section cost{"cost through the autoscalers of " + ctx.cluster + " (demand x " + fixed(ctx.scale, 4) + ", " +
                   std::to_string(level) + " % intervals over the paths)",
               cost_rows(ctx.costs, ctx),
               {}};
  if (ctx.budget_usd) cost.after.push_back("budget for the horizon: " + money(*ctx.budget_usd) + "; P(> BUDGET) is the share of paths above it");
  out.push_back(std::move(cost));
  Section daily{"daily cost, median (" + std::to_string(level) + " % interval)", {{"DAY"}}, {}};
  for (const auto& c : ctx.costs) daily.rows[0].push_back(c.autoscaler + " $ (lower-upper)");
  for (std::size_t d = 0; d < r.daily.size(); ++d) {
    std::vector<std::string> row = {"+" + std::to_string(d + 1)};
    for (const auto& c : ctx.costs)
      row.push_back(fixed(c.daily_cost_usd[d].median, 2) + " (" + fixed(c.daily_cost_usd[d].lower, 2) + "-" +
                    fixed(c.daily_cost_usd[d].upper, 2) + ")");
    daily.rows.push_back(std::move(row));
  }
  out.push_back(std::move(daily));
  if (ctx.what_if.empty()) return out;
  out.push_back(Section{"what-if " + joined(ctx.what_if) + ": the edited cluster's cost", cost_rows(ctx.what_if_costs, ctx), {}});
  Section diff{"what-if difference (each path replayed both ways with the same demand and seed; " + std::to_string(level) +
                   " % interval of the per-path difference)",
               {{"AUTOSCALER", "BASE -> WHAT-IF (MEAN)", "DIFFERENCE MEAN", "LOWER", "UPPER", "CHANGE %", "PATHS"}},
               {}};
  for (const auto& d : ctx.diffs) {
    const std::string who = d.base_autoscaler == d.what_if_autoscaler ? d.base_autoscaler : d.base_autoscaler + " -> " + d.what_if_autoscaler;
    const double pct = d.base_cost_usd.mean > 0 ? 100 * d.diff_usd.mean / d.base_cost_usd.mean : 0;
    diff.rows.push_back({who, money(d.base_cost_usd.mean) + " -> " + money(d.what_if_cost_usd.mean) + " (" + signed_percent(pct) + ")",
                         signed_money(d.diff_usd.mean), signed_money(d.diff_usd.lower), signed_money(d.diff_usd.upper),
                         signed_percent(d.diff_percent.lower) + " to " + signed_percent(d.diff_percent.upper),
                         std::to_string(d.paths)});
  }
  if (ctx.diffs.empty()) diff.after.push_back("no autoscaler runs both ways: nothing to compare");
  out.push_back(std::move(diff));
  return out;
}

}  // namespace

std::string forecast_table(const ForecastResult& r, const ForecastContext& ctx) {
  std::string s;
  for (const auto& sec : sections(r, ctx)) {
    if (!s.empty()) s += "\n";
    s += sec.title + (sec.rows.empty() ? ": " : "\n");
    if (!sec.rows.empty()) s += table(sec.rows);
    for (std::size_t i = 0; i < sec.after.size(); ++i) s += sec.after[i] + "\n";
  }
  return s;
}

std::string forecast_markdown(const ForecastResult& r, const ForecastContext& ctx) {
  std::string s;
  bool first = true;
  for (const auto& sec : sections(r, ctx)) {
    s += (first ? "# " : "\n## ") + sec.title + "\n\n";
    first = false;
    if (!sec.rows.empty()) s += markdown_table(sec.rows);
    if (!sec.rows.empty() && !sec.after.empty()) s += "\n";
    for (const auto& a : sec.after) s += a + "  \n";
  }
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
  auto costs_json = [&](const std::vector<forecast::AutoscalerCost>& cs) {
    json costs = json::array();
    for (const auto& c : cs) {
      json days = json::array(), cumulative = json::array();
      for (const auto& d : c.daily_cost_usd) days.push_back(iv(d));
      for (const auto& d : c.cumulative_cost_usd) cumulative.push_back(iv(d));
      json one = {{"autoscaler", c.autoscaler},
                  {"costUsd", iv(c.cost_usd)},
                  {"dailyCostUsd", days},
                  {"cumulativeCostUsd", cumulative},
                  {"nodeHours", iv(c.node_hours)},
                  {"spotShare", iv(c.spot_share)},
                  {"podPendingSecondsP95", iv(c.pending_p95_s)},
                  {"evictions", iv(c.evictions)},
                  {"failedPaths", c.failed_paths}};
      if (ctx.budget_usd) one["overBudgetShare"] = stable(over_budget(c, *ctx.budget_usd));
      costs.push_back(std::move(one));
    }
    return costs;
  };
  json what_if = nullptr;
  if (!ctx.what_if.empty()) {
    json diffs = json::array();
    for (const auto& d : ctx.diffs)
      diffs.push_back({{"baseAutoscaler", d.base_autoscaler},
                       {"whatIfAutoscaler", d.what_if_autoscaler},
                       {"baseCostUsd", iv(d.base_cost_usd)},
                       {"whatIfCostUsd", iv(d.what_if_cost_usd)},
                       {"differenceUsd", iv(d.diff_usd)},
                       {"differencePercent", iv(d.diff_percent)},
                       {"paths", d.paths}});
    what_if = {{"edits", ctx.what_if}, {"costThroughAutoscalers", costs_json(ctx.what_if_costs)}, {"differences", diffs}};
  }
  json classes = json::array();
  for (const auto& c : ctx.classes) {
    json shapes = json::array();
    for (const auto& sh : c.shapes) shapes.push_back({{"vcpu", stable(sh.vcpu)}, {"memoryGiB", stable(sh.memory_gib)}, {"pods", sh.pods}});
    json lifetime = nullptr;
    if (!c.lifetimes_s.empty())
      lifetime = {{"p10", stable(forecast::quantile(c.lifetimes_s, 0.1))}, {"p50", stable(forecast::quantile(c.lifetimes_s, 0.5))},
                  {"p90", stable(forecast::quantile(c.lifetimes_s, 0.9))}, {"ended", c.lifetimes_s.size()}};
    classes.push_back({{"name", c.name}, {"pods", c.pods}, {"vcpuHours", stable(c.vcpu_hours)}, {"shapes", shapes},
                       {"lifetimeSeconds", lifetime}, {"runningAtEnd", c.still_running}});
  }
  json warnings = json::array();
  for (const auto& c : ctx.costs)
    if (c.failed_paths > 0) warnings.push_back(std::to_string(c.failed_paths) + " path(s) failed to replay through " + c.autoscaler);
  json j = {{"schemaVersion", 1},
            {"costThroughAutoscalers", costs_json(ctx.costs)},
            {"whatIf", what_if},
            {"budgetUsd", ctx.budget_usd ? json(*ctx.budget_usd) : json(nullptr)},
            {"warnings", warnings},
            {"classes", classes},
            {"class", ctx.only_class.empty() ? json(nullptr) : json(ctx.only_class)},
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

namespace {

// A chart's plotting frame (900 x 420 viewBox; the legend row at y = 400) and its scales.
struct Frame {
  double x0, x1, y0, y1;
  static constexpr double W = 900, Ht = 380, L = 90, R = 20, T = 20, B = 50;
  double sx(double x) const { return L + (x - x0) / (x1 - x0) * (W - L - R); }
  double sy(double v) const { return Ht - B - (v - y0) / (y1 - y0) * (Ht - T - B); }
  std::string pt(double x, double v) const { return fixed(sx(x), 1) + " " + fixed(sy(v), 1); }
};

// Pads the value range by 5 % both ways.
void pad(double& y0, double& y1) {
  const double p = (y1 - y0) * 0.05 + 1e-9;
  y0 -= p;
  y1 += p;
}

// The svg element (`height` leaves room for legend rows under y = 400; the width is the page's,
// the viewBox keeps the proportions) and the axes; y ticks at nice steps, `y_prefix` ("$") before
// each, thousands separated ("$12,345").
std::string open_chart(const std::string& id, int height, const Frame& f, const std::vector<std::pair<double, std::string>>& x_ticks,
                       const std::string& x_label, const std::string& y_label, const std::string& y_prefix = "") {
  using detail::html_escape;
  const std::string h = std::to_string(height);
  std::string svg = "<svg class=\"chart\" id=\"" + id + "\" viewBox=\"0 0 900 " + h + "\" width=\"100%\" "
                    "preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n";
  svg += "<g class=\"x-axis\"><line class=\"axis\" x1=\"" + fixed(f.L, 1) + "\" y1=\"" + fixed(f.Ht - f.B, 1) + "\" x2=\"" +
         fixed(f.W - f.R, 1) + "\" y2=\"" + fixed(f.Ht - f.B, 1) + "\"/>";
  for (const auto& [x, label] : x_ticks)
    svg += "<text class=\"tick\" x=\"" + fixed(f.sx(x), 1) + "\" y=\"" + fixed(f.Ht - f.B + 16, 1) + "\" text-anchor=\"middle\">" +
           html_escape(label) + "</text>";
  svg += "<text class=\"axis-label\" x=\"" + fixed((f.L + f.W - f.R) / 2, 1) + "\" y=\"" + fixed(f.Ht - 12, 1) +
         "\" text-anchor=\"middle\">" + html_escape(x_label) + "</text></g>\n";
  svg += "<g class=\"y-axis\"><line class=\"axis\" x1=\"" + fixed(f.L, 1) + "\" y1=\"" + fixed(f.T, 1) + "\" x2=\"" + fixed(f.L, 1) +
         "\" y2=\"" + fixed(f.Ht - f.B, 1) + "\"/>";
  const double step = detail::nice_step(f.y1 - f.y0, 8);
  for (double v = std::ceil(f.y0 / step - 1e-9) * step; v <= f.y1 + 1e-9 * step; v += step) {
    const double clean = std::abs(v) < step * 1e-6 ? 0 : v;  // no "-0" from accumulated steps
    svg += "<line class=\"grid\" x1=\"" + fixed(f.L, 1) + "\" x2=\"" + fixed(f.W - f.R, 1) + "\" y1=\"" + fixed(f.sy(clean), 1) +
           "\" y2=\"" + fixed(f.sy(clean), 1) + "\"/><text class=\"tick\" x=\"" + fixed(f.L - 6, 1) + "\" y=\"" +
           fixed(f.sy(clean) + 4, 1) + "\" text-anchor=\"end\">" + html_escape(y_prefix) + detail::axis_number(clean, step) +
           "</text>";
  }
  svg += "<text class=\"axis-label\" transform=\"rotate(-90)\" x=\"" + fixed(-(f.T + f.Ht - f.B) / 2, 1) +
         "\" y=\"16\" text-anchor=\"middle\">" + html_escape(y_label) + "</text></g>\n";
  return svg;
}

// A band between two curves over the same xs.
std::string band_path(const Frame& f, const std::vector<double>& xs, const std::vector<double>& lo, const std::vector<double>& hi) {
  std::string d;
  for (std::size_t i = 0; i < xs.size(); ++i) d += (i ? " L" : "M") + f.pt(xs[i], hi[i]);
  for (std::size_t i = xs.size(); i-- > 0;) d += " L" + f.pt(xs[i], lo[i]);
  return d + " Z";
}

std::string line_path(const Frame& f, const std::vector<double>& xs, const std::vector<double>& ys) {
  std::string d;
  for (std::size_t i = 0; i < xs.size(); ++i) d += (i ? " L" : "M") + f.pt(xs[i], ys[i]);
  return d;
}

// Legend items laid out left to right from y = 400, wrapping to rows 18 apart: {label, swatch svg}.
std::string legend(const std::vector<std::pair<std::string, std::string>>& items, int* rows = nullptr) {
  std::string s = "<g class=\"legend\" transform=\"translate(" + fixed(Frame::L, 1) + ",400)\">";
  double x = 0, y = 0;
  for (const auto& [label, swatch] : items) {
    const double w = 40 + 7.0 * static_cast<double>(label.size());
    if (x > 0 && x + w > Frame::W - Frame::L - Frame::R) x = 0, y += 18;
    s += "<g class=\"legend-item\" transform=\"translate(" + fixed(x, 1) + "," + fixed(y, 0) + ")\">" + swatch +
         "<text x=\"20\" y=\"10\">" + detail::html_escape(label) + "</text></g>";
    x += w;
  }
  if (rows) *rows = static_cast<int>(y / 18) + 1;
  return s + "</g>\n";
}

std::string line_swatch(const std::string& color, bool dashed = false) {
  return "<line x1=\"0\" y1=\"5\" x2=\"14\" y2=\"5\" stroke=\"" + color + "\" stroke-width=\"3\"" +
         (dashed ? " stroke-dasharray=\"4 2\"" : "") + "/>";
}

// The forecast's own colours (no autoscaler's: chart_colors.hpp gives those).
constexpr const char* k_median_color = "#3d5a80";
constexpr const char* k_budget_color = "#111111";

// One colour per autoscaler for the page: its base and what-if lines share it.
detail::ColorMap cost_colors(const ForecastContext& ctx) {
  std::set<std::string> names;
  for (const auto* cs : {&ctx.costs, &ctx.what_if_costs})
    for (const auto& c : *cs) names.insert(c.autoscaler);
  return detail::autoscaler_colors(names);
}

// Cumulative cost by day, per autoscaler: the median line and its band; a what-if's medians
// dashed; the budget as a horizontal line.
std::string cost_chart(const ForecastResult& r, const ForecastContext& ctx) {
  const std::size_t days = r.daily.size();
  std::vector<double> xs(days + 1);
  for (std::size_t d = 0; d <= days; ++d) xs[d] = static_cast<double>(d);
  auto with_zero = [](const std::vector<forecast::Interval>& c, double forecast::Interval::*m) {
    std::vector<double> v{0.0};
    for (const auto& i : c) v.push_back(i.*m);
    return v;
  };
  double y1 = ctx.budget_usd.value_or(0);
  for (const auto* cs : {&ctx.costs, &ctx.what_if_costs})
    for (const auto& c : *cs)
      if (!c.cumulative_cost_usd.empty()) y1 = std::max(y1, c.cumulative_cost_usd.back().upper);
  double y0 = 0;
  pad(y0, y1);
  y0 = 0;
  std::vector<std::pair<double, std::string>> ticks;
  for (std::size_t d = 0; d <= days; ++d) ticks.emplace_back(static_cast<double>(d), "+" + std::to_string(d) + "d");
  const Frame f{0, static_cast<double>(std::max<std::size_t>(days, 1)), y0, y1};
  std::string svg;
  std::vector<std::pair<std::string, std::string>> items;
  const int level = static_cast<int>(r.level * 100 + 0.5);
  const detail::ColorMap colors = cost_colors(ctx);
  for (const auto& c : ctx.costs) {
    const std::string& color = colors.at(c.autoscaler);
    svg += "<path class=\"band\" d=\"" +
           band_path(f, xs, with_zero(c.cumulative_cost_usd, &forecast::Interval::lower),
                     with_zero(c.cumulative_cost_usd, &forecast::Interval::upper)) +
           "\" fill=\"" + color + "\" fill-opacity=\"0.15\" stroke=\"none\"/>\n";
    svg += "<path class=\"series line\" data-kind=\"autoscaler\" data-series=\"" + detail::html_escape(c.autoscaler) +
           "\" data-color=\"" + color + "\" d=\"" + line_path(f, xs, with_zero(c.cumulative_cost_usd, &forecast::Interval::median)) +
           "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\"/>\n";
    items.emplace_back(c.autoscaler, line_swatch(color));
  }
  for (const auto& c : ctx.what_if_costs) {
    const std::string& color = colors.at(c.autoscaler);
    svg += "<path class=\"series line what-if\" data-kind=\"autoscaler\" data-series=\"" + detail::html_escape(c.autoscaler) +
           "\" data-color=\"" + color + "\" d=\"" +
           line_path(f, xs, with_zero(c.cumulative_cost_usd, &forecast::Interval::median)) + "\" fill=\"none\" stroke=\"" + color +
           "\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\n";
    items.emplace_back(c.autoscaler + " what-if", line_swatch(color, true));
  }
  if (ctx.budget_usd) {
    svg += "<line class=\"budget\" x1=\"" + fixed(f.sx(0), 1) + "\" y1=\"" + fixed(f.sy(*ctx.budget_usd), 1) + "\" x2=\"" +
           fixed(f.sx(f.x1), 1) + "\" y2=\"" + fixed(f.sy(*ctx.budget_usd), 1) + "\" stroke=\"" + std::string(k_budget_color) + "\" stroke-dasharray=\"2 2\"/>\n";
    items.emplace_back("budget $" + detail::grouped_number(*ctx.budget_usd, 2), line_swatch(k_budget_color, true));
  }
  items.emplace_back("median; band: " + std::to_string(level) + " % of paths",
                     "<rect width=\"14\" height=\"10\" fill=\"#777\" fill-opacity=\"0.3\"/>");
  int rows = 1;
  const std::string key = legend(items, &rows);
  return open_chart("cost", 410 + 18 * rows, f, ticks, "days from now", "cumulative cost, USD", "$") + svg + key + "</svg>\n";
}

// A table cell that is one number, or money ("$", "+$", "-$"), with thousands separated
// ("$12,345.67"); any other cell as it is.
std::string grouped_cell(const std::string& c) {
  const std::size_t sign = c.starts_with("+$") || c.starts_with("-$") ? 2 : c.starts_with("$") || c.starts_with("-") ? 1 : 0;
  const std::size_t point = std::min(c.find('.', sign), c.size());
  if (point - sign < 4 || c.find_first_not_of("0123456789", sign) < point) return c;
  if (point < c.size() && c.find_first_not_of("0123456789", point + 1) != std::string::npos) return c;
  std::string out = c;
  for (std::size_t i = point; i > sign + 3; i -= 3) out.insert(i - 3, ",");
  return out;
}

// The report's sections as HTML, the first (the page's title and its lines) left to the caller:
// a heading, a <table> (the header row in <thead>), the lines after.
std::string html_sections(const std::vector<Section>& secs) {
  using detail::html_escape;
  std::string h;
  for (std::size_t k = 1; k < secs.size(); ++k) {
    const Section& sec = secs[k];
    h += "<h2>" + html_escape(sec.title) + "</h2>\n";
    if (!sec.rows.empty()) {
      h += "<table class=\"forecast\"><thead><tr>";
      for (const auto& c : sec.rows.front()) h += "<th>" + html_escape(c) + "</th>";
      h += "</tr></thead><tbody>\n";
      for (std::size_t i = 1; i < sec.rows.size(); ++i) {
        h += "<tr>";
        for (const auto& c : sec.rows[i]) h += "<td>" + html_escape(grouped_cell(c)) + "</td>";
        h += "</tr>\n";
      }
      h += "</tbody></table>\n";
    }
    for (const auto& a : sec.after) h += "<p>" + html_escape(a) + "</p>\n";
  }
  return h;
}

}  // namespace

std::string forecast_html(const ForecastResult& r, const ForecastContext& ctx, const std::vector<double>& history) {
  using detail::html_escape;
  const std::size_t shown = std::min<std::size_t>(history.size(), 14 * 24);
  const std::size_t H = r.point.size();
  // Hourly band and median across the paths; x is the hour from now.
  std::vector<double> xs(H), lo(H), med(H), hi(H);
  for (std::size_t i = 0; i < H; ++i) {
    std::vector<double> v;
    for (const auto& p : r.paths) v.push_back(p[i]);
    xs[i] = static_cast<double>(i);
    lo[i] = forecast::quantile(v, (1 - r.level) / 2);
    med[i] = forecast::quantile(v, 0.5);
    hi[i] = forecast::quantile(v, 1 - (1 - r.level) / 2);
  }
  std::vector<double> hx(shown), hy(shown);
  for (std::size_t i = 0; i < shown; ++i) {
    hx[i] = static_cast<double>(i) - static_cast<double>(shown);
    hy[i] = history[history.size() - shown + i];
  }
  double y0 = hy.front(), y1 = y0;
  for (double v : hy) y0 = std::min(y0, v), y1 = std::max(y1, v);
  for (std::size_t i = 0; i < H; ++i) y0 = std::min(y0, lo[i]), y1 = std::max(y1, hi[i]);
  pad(y0, y1);
  const Frame f{-static_cast<double>(shown), static_cast<double>(H), y0, y1};
  std::vector<std::pair<double, std::string>> ticks;
  for (std::size_t d = 0; d * 24 <= shown + H; d += 2) {
    const auto h = static_cast<long long>(d * 24) - static_cast<long long>(shown);
    ticks.emplace_back(static_cast<double>(h), std::to_string(h) + "h");
  }
  const int level = static_cast<int>(r.level * 100 + 0.5);
  std::string svg = open_chart("forecast", 420, f, ticks, "hours from now", ctx.series + " per hour");
  svg += "<path class=\"band\" d=\"" + band_path(f, xs, lo, hi) + "\" fill=\"" + std::string(k_median_color) + "\" fill-opacity=\"0.2\" stroke=\"none\"/>\n";
  svg += "<path class=\"series line actual\" d=\"" + line_path(f, hx, hy) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  svg += "<path class=\"series line median\" d=\"" + line_path(f, xs, med) + "\" fill=\"none\" stroke=\"" + std::string(k_median_color) + "\"/>\n";
  svg += "<line class=\"now\" x1=\"" + fixed(f.sx(0), 1) + "\" y1=\"" + fixed(Frame::T, 1) + "\" x2=\"" + fixed(f.sx(0), 1) +
         "\" y2=\"" + fixed(Frame::Ht - Frame::B, 1) + "\" stroke=\"#555\" stroke-dasharray=\"4 3\"/><text class=\"tick\" x=\"" +
         fixed(f.sx(0) + 4, 1) + "\" y=\"" + fixed(Frame::T + 12, 1) + "\">now</text>\n";
  svg += legend({{"actual", line_swatch("#333")},
                 {"forecast median", line_swatch(k_median_color)},
                 {std::to_string(level) + " % interval",
                  "<rect width=\"14\" height=\"10\" fill=\"" + std::string(k_median_color) + "\" fill-opacity=\"0.2\"/>"}}) +
         "</svg>\n";
  const std::vector<Section> secs = sections(r, ctx);
  std::string lines;
  for (const auto& a : secs.front().after) lines += (lines.empty() ? "" : " &middot; ") + html_escape(a);
  std::string title = secs.front().title;
  title[0] = 'F';  // "forecast of ..." as the page's title
  std::string body = "<h1>" + html_escape(title) + "</h1>\n<p>" + lines + "</p>\n" + svg;
  if (!ctx.costs.empty()) body += "<h2>Cost through the autoscalers</h2>\n" + cost_chart(r, ctx);
  body += html_sections(secs);
  return detail::html_page("forecast " + ctx.series, body);
}

}  // namespace capsim::report
