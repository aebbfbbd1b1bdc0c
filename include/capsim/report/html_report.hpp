// A self-contained HTML report of a run (`--html FILE` on run and compare, report.html in --out):
// inline SVG charts - nodes over time stacked by instance type and by capacity type, cost rate
// (the autoscalers overlaid with the lower bound) and cumulative cost, pending pods, utilisation
// (requested / allocatable, CPU and memory) - with axis labels and units, legends and hover
// titles; the summary table; the decision log as a filterable table (a little inline JS). No
// external scripts, styles, fonts or network. Charts draw at most k_max_drawn_points points per
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
