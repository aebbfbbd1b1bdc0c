#include "report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "capsim/core/time.hpp"
#include "capsim/report/html_page.hpp"
#include "capsim/report/html_report.hpp"

namespace capsim::report::detail {

namespace {

// The viewBox: a plot 1000 units wide with a title above, axes left and below, legend rows under.
constexpr double k_w = 1000, k_left = 64, k_right = 16, k_top = 30, k_plot_h = 220, k_axis_h = 42, k_row_h = 18;

std::string fmt(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string esc(const std::string& s) { return html_escape(s); }

// Decimals that show every multiple of a nice step exactly (0 for steps of 1 and more).
int decimals_of(double step) { return std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9))); }

bool all_zero(const Series& s) {
  return std::all_of(s.y.begin(), s.y.end(), [](double v) { return v == 0; });
}

// The drawn values: per series, one per bucket of samples (stacked: cumulative, from the sample
// with the largest total in the bucket; lines: the bucket's maximum), and each bucket's time.
struct Drawn {
  std::vector<double> x;
  std::vector<std::vector<double>> v;
  double ymax{0};
};

Drawn bucket(const std::vector<double>& t, const std::vector<Series>& series, bool stacked) {
  const std::size_t n = t.size(), nb = std::min(n, k_max_drawn_points);
  Drawn d{std::vector<double>(nb, 0), std::vector<std::vector<double>>(series.size(), std::vector<double>(nb, 0)), 0};
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t i0 = b * n / nb, i1 = (b + 1) * n / nb;
    d.x[b] = t[i0];
    if (stacked) {
      std::size_t best = i0;
      double best_total = -1;
      for (std::size_t i = i0; i < i1; ++i) {
        double total = 0;
        for (const auto& s : series) total += s.y[i];
        if (total > best_total) best_total = total, best = i;
      }
      double cum = 0;
      for (std::size_t s = 0; s < series.size(); ++s) d.v[s][b] = (cum += series[s].y[best]);
      d.ymax = std::max(d.ymax, cum);
    } else {
      for (std::size_t s = 0; s < series.size(); ++s) {
        double m = series[s].y[i0];
        for (std::size_t i = i0; i < i1; ++i) m = std::max(m, series[s].y[i]);
        d.v[s][b] = m;
        d.ymax = std::max(d.ymax, m);
      }
    }
  }
  return d;
}

// Legend items left to right under the plot, wrapping; returns the svg and sets the row count.
// Swatches: a square for an area (its opacity), a short line for a line (dashed when it is).
std::string legend(const std::vector<Series>& series, const std::string& kind, bool areas, double y0, int& rows) {
  std::string svg = "<g class=\"legend\">";
  double x = 0, y = 0;
  for (const auto& s : series) {
    const double w = 34 + 6.6 * static_cast<double>(s.name.size());
    if (x > 0 && x + w > k_w - k_left - k_right) x = 0, y += k_row_h;
    const double lx = k_left + x, ly = y0 + y;
    const std::string swatch =
        areas ? "<rect x=\"" + fmt(lx) + "\" y=\"" + fmt(ly) + "\" width=\"12\" height=\"12\" fill=\"" + s.color +
                    "\" fill-opacity=\"0.8\"/>"
              : "<line x1=\"" + fmt(lx - 1) + "\" x2=\"" + fmt(lx + 14) + "\" y1=\"" + fmt(ly + 6) + "\" y2=\"" + fmt(ly + 6) +
                    "\" stroke=\"" + s.color + "\" stroke-width=\"3\"" + (s.dashed ? " stroke-dasharray=\"4 2\"" : "") + "/>";
    svg += "<g class=\"legend-item\" data-kind=\"" + esc(kind) + "\" data-series=\"" + esc(s.name) + "\" data-color=\"" + s.color +
           "\">" + swatch + "<text x=\"" + fmt(lx + 18) + "\" y=\"" + fmt(ly + 10) + "\">" + esc(s.name) + "</text><title>" +
           esc(s.name) + "</title></g>";
    x += w;
  }
  rows = static_cast<int>(y / k_row_h) + 1;
  return svg + "</g>\n";
}

// The time axis: minutes for runs up to two hours, hours beyond.
std::string x_axis(double tmax, double plot_w) {
  const bool minutes = tmax <= 2 * 3600.0;
  const double unit = minutes ? 60.0 : 3600.0, span = tmax / unit, step = nice_step(span, 10);
  const double base = k_top + k_plot_h;
  std::string svg = "<g class=\"x-axis\"><line class=\"axis\" x1=\"" + fmt(k_left) + "\" x2=\"" + fmt(k_left + plot_w) +
                    "\" y1=\"" + fmt(base) + "\" y2=\"" + fmt(base) + "\"/>";
  for (double u = 0; u <= span + 1e-9; u += step)
    svg += "<text class=\"tick\" x=\"" + fmt(k_left + plot_w * u * unit / tmax) + "\" y=\"" + fmt(base + 16) +
           "\" text-anchor=\"middle\">" + grouped_number(u, decimals_of(step)) + "</text>";
  return svg + "<text class=\"axis-label\" x=\"" + fmt(k_left + plot_w / 2) + "\" y=\"" + fmt(base + 34) +
         "\" text-anchor=\"middle\">simulated time (" + (minutes ? "min" : "h") + ")</text></g>\n";
}

std::string hover_bands(const Drawn& d, const std::vector<Series>& series, bool stacked, double plot_w, double tmax) {
  auto X = [&](double s) { return k_left + plot_w * s / tmax; };
  const std::size_t bands = std::min<std::size_t>(d.x.size(), 120);
  std::string svg = "<g class=\"hover\">";
  for (std::size_t k = 0; k < bands; ++k) {
    const std::size_t b = k * d.x.size() / bands, e = (k + 1) * d.x.size() / bands;
    const double x0 = X(d.x[b]), x1 = e < d.x.size() ? X(d.x[e]) : k_left + plot_w;
    const std::string clock = format_clock(SimTime{0} + Duration{static_cast<std::int64_t>(d.x[b] * 1000)});
    std::string tip = "t = " + clock.substr(0, clock.size() - 4);  // without the milliseconds
    for (std::size_t s = 0; s < series.size(); ++s) {
      const double v = stacked ? d.v[s][b] - (s ? d.v[s - 1][b] : 0) : d.v[s][b];
      if (stacked && v == 0) continue;  // a stack of many types lists those present
      tip += "\n" + series[s].name + ": " + grouped_number(v, v == std::floor(v) ? 0 : 2);
    }
    svg += "<rect x=\"" + fmt(x0) + "\" y=\"" + fmt(k_top) + "\" width=\"" + fmt(std::max(x1 - x0, 1.0)) + "\" height=\"" +
           fmt(k_plot_h) + "\"><title>" + esc(tip) + "</title></rect>";
  }
  return svg + "</g>\n";
}

}  // namespace

double nice_step(double max, int n) {
  if (max <= 0) return 1;
  const double raw = max / n;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * p * (1 + 1e-9)) return m * p;
  return 10 * p;
}

std::string axis_number(double v, double step) { return grouped_number(v, decimals_of(step)); }

std::string grouped_number(double v, int decimals) {
  std::string s = fmt(std::abs(v), decimals);
  const bool negative = v < 0 && s.find_first_not_of("0.") != std::string::npos;
  const std::size_t point = std::min(s.find('.'), s.size());
  for (std::size_t i = point; i > 3; i -= 3) s.insert(i - 3, ",");
  return negative ? "-" + s : s;
}

std::string time_chart(const TimeChart& c, const std::vector<double>& t, const std::vector<Series>& all) {
  std::vector<Series> series;
  for (const auto& s : all)
    if (!all_zero(s)) series.push_back(s);
  if (series.empty() || t.empty())
    return "<p class=\"note chart-empty\" id=\"" + c.id + "\">" + esc(c.title) + ": zero throughout, not drawn.</p>\n";
  const double plot_w = k_w - k_left - k_right;
  const Drawn d = bucket(t, series, c.stacked);
  const double tmax = std::max(t.back(), 1.0);
  const double ystep = c.whole ? std::max(1.0, nice_step(d.ymax, 5)) : nice_step(d.ymax, 5), ytop = std::max(ystep, std::ceil(d.ymax / ystep - 1e-9) * ystep);
  auto X = [&](double s) { return k_left + plot_w * s / tmax; };
  auto Y = [&](double y) { return k_top + k_plot_h * (1 - y / ytop); };
  int rows = 1;
  const std::string key = legend(series, c.kind, c.stacked, k_top + k_plot_h + k_axis_h + 6, rows);
  const double h = k_top + k_plot_h + k_axis_h + 6 + k_row_h * rows + 4;
  std::string svg = "<figure class=\"chart-box\"><svg class=\"chart\" id=\"" + c.id + "\" data-chart=\"" + esc(c.title) +
                    "\" viewBox=\"0 0 " + fmt(k_w, 0) + " " + fmt(h, 0) + "\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" "
                    "role=\"img\" aria-label=\"" + esc(c.title) + "\">\n<text class=\"title\" x=\"" + fmt(k_left) + "\" y=\"20\">" +
                    esc(c.title) + "</text>\n<g class=\"y-axis\">";
  for (double y = 0; y <= ytop + 1e-9 * ytop; y += ystep)
    svg += "<line class=\"grid\" x1=\"" + fmt(k_left) + "\" x2=\"" + fmt(k_left + plot_w) + "\" y1=\"" + fmt(Y(y)) + "\" y2=\"" +
           fmt(Y(y)) + "\"/><text class=\"tick\" x=\"" + fmt(k_left - 6) + "\" y=\"" + fmt(Y(y) + 4) + "\" text-anchor=\"end\">" +
           grouped_number(y, decimals_of(ystep)) + "</text>";
  svg += "<text class=\"axis-label\" transform=\"translate(16," + fmt(k_top + k_plot_h / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + esc(c.y_label) + "</text></g>\n" + x_axis(tmax, plot_w);
  for (std::size_t s = 0; s < series.size(); ++s) {  // bottom layer first
    const Series& l = series[s];
    std::string path;
    for (std::size_t b = 0; b < d.x.size(); ++b) path += (b ? "L" : "M") + fmt(X(d.x[b])) + "," + fmt(Y(d.v[s][b]));
    const double peak = *std::max_element(l.y.begin(), l.y.end());
    const std::string attrs = "data-kind=\"" + esc(c.kind) + "\" data-series=\"" + esc(l.name) + "\" data-color=\"" + l.color + "\"";
    const std::string tip = "<title>" + esc(l.name) + ": max " + grouped_number(peak, peak == std::floor(peak) ? 0 : 2) + "</title>";
    if (c.stacked) {
      for (std::size_t b = d.x.size(); b-- > 0;) path += "L" + fmt(X(d.x[b])) + "," + fmt(Y(s ? d.v[s - 1][b] : 0));
      svg += "<path class=\"series area\" " + attrs + " fill=\"" + l.color + "\" stroke=\"" + l.color + "\" d=\"" + path + "Z\">" +
             tip + "</path>\n";
    } else {
      svg += "<path class=\"series line\" " + attrs + " fill=\"none\" stroke=\"" + l.color + "\"" +
             (l.dashed ? " stroke-dasharray=\"6 3\"" : "") + " d=\"" + path + "\">" + tip + "</path>\n";
    }
  }
  return svg + hover_bands(d, series, c.stacked, plot_w, tmax) + key + "</svg></figure>\n";
}

}  // namespace capsim::report::detail
