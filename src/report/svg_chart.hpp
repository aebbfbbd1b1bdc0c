// The run report's time-series chart (module-private): an inline, responsive SVG (width 100 %, a
// viewBox, no fixed pixel size) of series over simulated time, stacked areas or lines, with axes,
// units, a legend under the plot that wraps, and hover titles. Each series carries its colour (see
// chart_colors.hpp) and its name in data-series, on its path and on its legend item. A series that
// is zero throughout is neither drawn nor listed; when every series is, the chart is replaced by
// a one-line note. At most k_max_drawn_points buckets per series are drawn (each its maximum; the
// total's sample, when stacked).
#pragma once

#include <string>
#include <vector>

namespace capsim::report::detail {

struct Series {
  std::string name;
  std::vector<double> y;  // one value per time
  std::string color{};    // "#rrggbb"
  bool dashed{false};
};

struct TimeChart {
  std::string id;
  std::string title;
  std::string y_label;
  std::string kind{};  // data-kind of the series: "instance-type", "autoscaler", ... (for readers of the DOM)
  bool stacked{false};
  bool whole{false};  // counts (nodes, pods): y ticks at whole numbers
};

// `t` in seconds of simulated time; every series has t.size() values.
std::string time_chart(const TimeChart& c, const std::vector<double>& t, const std::vector<Series>& series);

// A "nice" step (1, 2 or 5 x 10^k) giving about `n` intervals up to `max`.
double nice_step(double max, int n);
// A tick label of a multiple of a nice step: thousands separated, as many decimals as the step
// needs ("12,345", "0.25").
std::string axis_number(double v, double step);

// "12,345", "1,234.5": thousands separated by commas, `decimals` after the point; "-0" is "0".
std::string grouped_number(double v, int decimals);

}  // namespace capsim::report::detail
