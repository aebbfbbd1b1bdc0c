// A self-contained HTML report of a run (`--html FILE` on run and compare, report.html in --out):
// inline, responsive SVG charts (the page's width; src/report/svg_chart.hpp) - first the node
// count of every autoscaler overlaid, then per autoscaler nodes stacked by instance type and by
// capacity type and utilisation (requested / allocatable, CPU and memory), then cost rate (the
// autoscalers overlaid with the lower bound), cumulative cost and pending pods - with axis labels
// and units, legends and hover titles. One colour per instance type and one per autoscaler on the
// whole page (src/report/chart_colors.hpp); a series that is zero throughout is not drawn. The
// summary table; the decision log as a filterable table (a little inline JS) with repeated
// decisions collapsed into one row with their count and time range (src/report/decision_rows.hpp).
// No external scripts, styles, fonts or network. Charts draw at most k_max_drawn_points points per
// series (bucket maxima), whatever the run's length; the numbers in tables are not downsampled.
#pragma once

#include <cstddef>
#include <string>

namespace capsim::sim {
struct RunResult;
}  // namespace capsim::sim

namespace capsim::report {

inline constexpr std::size_t k_max_drawn_points = 600;
inline constexpr std::size_t k_max_decision_rows = 5000;

std::string html_report(const sim::RunResult& run);

}  // namespace capsim::report
