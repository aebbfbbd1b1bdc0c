// A merged sweep's report: per point and autoscaler, each metric's mean and 95 % confidence
// interval over the repetitions (Student t); constraint violators set apart; the Pareto front over
// the objectives (on means), with dominated points that are statistically tied with a front point
// marked; the cheapest, fastest and balanced (knee) picks. Rendered as a table, JSON, CSV,
// Markdown and an HTML page with a cost vs pending scatter (docs/sweeps.md, "Reading a report").
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace capsim::sweep {

// t quantile 0.975 with `df` degrees of freedom (df >= 1): the table to 30, then the
// Cornish-Fisher expansion (within 0.001 of the exact value there).
double student_t_975(std::size_t df);

struct MetricStats {
  std::size_t n{0};
  double mean{0};
  double stddev{0};  // sample standard deviation (0 when n < 2)
  double ci95{0};    // half-width t(0.975, n-1) * s / sqrt(n) (0 when n < 2)
};

struct ReportRow {
  std::size_t point{0};
  std::string autoscaler;
  std::vector<std::pair<std::string, std::string>> params;  // plan order
  std::map<std::string, MetricStats> metrics;
  std::size_t runs_ok{0}, runs_failed{0};
  std::vector<std::string> violated;  // constraint texts the means break
  bool front{false};
  std::optional<std::size_t> tied_with;  // a dominated row tied with this front row (row index)
};

struct Objective {
  std::string metric;
  bool minimize{true};
};

struct SweepReport {
  std::string sweep_id;
  std::string name;
  bool partial{false};
  std::vector<std::size_t> missing_shards;
  std::size_t runs{0}, failed_runs{0};
  std::vector<Objective> objectives;
  std::vector<std::string> constraints;
  std::vector<ReportRow> rows;  // by point, then autoscaler name; the lower bound is left out
  std::optional<std::size_t> cheapest, fastest, balanced;  // row indices on the front
  bool feasible(const ReportRow& r) const { return r.runs_ok > 0 && r.violated.empty(); }
};

// From a merged sweep result (capsim sweep merge). Throws InputError when it is not one.
SweepReport build_report(const std::string& merged_json, const std::string& file_name);

std::string report_table(const SweepReport& r);
std::string report_json(const SweepReport& r);
std::string report_csv(const SweepReport& r);
std::string report_markdown(const SweepReport& r);
std::string report_html(const SweepReport& r);

}  // namespace capsim::sweep
