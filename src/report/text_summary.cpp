#include "capsim/report/text_summary.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "capsim/core/time.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/sim/result.hpp"

namespace capsim::report {
namespace {

enum class Align : unsigned char { left, right };

// A plain-text table: columns padded to their widest cell, two spaces apart, no trailing spaces.
class Table {
 public:
  explicit Table(std::vector<Align> aligns) : m_aligns(std::move(aligns)) {}

  void add(std::vector<std::string> row) {
    for (auto& cell : row)
      if (cell.empty()) cell = "-";
    row.resize(m_aligns.size(), "-");
    m_rows.push_back(std::move(row));
  }

  void render(std::string& out, std::size_t indent) const {
    std::vector<std::size_t> widths(m_aligns.size(), 0);
    for (const auto& row : m_rows)
      for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
    for (const auto& row : m_rows) {
      std::string line(indent, ' ');
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c > 0) line += "  ";
        const std::size_t pad = widths[c] - row[c].size();
        if (m_aligns[c] == Align::right) line.append(pad, ' ');
        line += row[c];
        if (m_aligns[c] == Align::left) line.append(pad, ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line;
      out += '\n';
    }
  }

 private:
  std::vector<Align> m_aligns;
  std::vector<std::vector<std::string>> m_rows;
};

std::string num(double v) { return format_number(v, false); }

void render_summary(std::string& out, const sim::AutoscalerResult& r) {
  const sim::Summary& s = r.summary;
  Table t({Align::left, Align::right});
  t.add({"nodes launched", std::to_string(s.nodes_launched)});
  t.add({"nodes terminated", std::to_string(s.nodes_terminated)});
  t.add({"peak nodes", std::to_string(s.peak_nodes)});
  t.add({"final nodes", std::to_string(s.final_nodes)});
  t.add({"node hours", num(round_to(s.node_hours, 6))});
  t.add({"cost (USD)", num(usd_6(s.cost))});
  t.add({"pods created", std::to_string(s.pods_created)});
  t.add({"pods pending at end", std::to_string(s.pods_pending_at_end)});
  t.add({"pod pending p50 (s)", num(round_to(s.pod_pending_p50_s, 3))});
  t.add({"pod pending p95 (s)", num(round_to(s.pod_pending_p95_s, 3))});
  t.add({"pod pending max (s)", num(round_to(s.pod_pending_max_s, 3))});
  t.add({"decisions", std::to_string(r.decisions.size())});
  t.render(out, 2);
}

void render_launches(std::string& out, const sim::AutoscalerResult& r) {
  out += "  launches: " + std::to_string(r.launches.size()) + "\n";
  if (r.launches.empty()) return;
  Table t({Align::left, Align::left, Align::left, Align::left, Align::left, Align::left, Align::left, Align::right,
           Align::left});
  t.add({"TIME", "RUNNING", "NODE", "TYPE", "ZONE", "CAPACITY", "POOL", "USD/H", "REASON"});
  for (const auto& l : r.launches)
    t.add({format_clock(l.at), format_clock(l.launched_at), l.node, l.instance_type, l.zone, l.capacity_type,
           l.node_pool, num(usd_6(l.price_per_hour)), l.reason});
  t.render(out, 4);
}

void render_terminations(std::string& out, const sim::AutoscalerResult& r) {
  out += "  terminations: " + std::to_string(r.terminations.size()) + "\n";
  if (r.terminations.empty()) return;
  Table t({Align::left, Align::left, Align::left, Align::left, Align::left});
  t.add({"TIME", "GONE", "NODE", "TYPE", "REASON"});
  for (const auto& e : r.terminations)
    t.add({format_clock(e.at), format_clock(e.terminated_at), e.node, e.instance_type, e.reason});
  t.render(out, 4);
}

void render_expectations(std::string& out, const std::vector<sim::ExpectationResult>& expectations) {
  if (expectations.empty()) {
    out += "expectations: none\n";
    return;
  }
  const auto passed = std::count_if(expectations.begin(), expectations.end(), [](const auto& e) { return e.passed; });
  const auto failed = static_cast<std::ptrdiff_t>(expectations.size()) - passed;
  out += "expectations: " + std::to_string(passed) + " passed, " + std::to_string(failed) + " failed\n";
  Table t({Align::left, Align::left, Align::left, Align::right, Align::left});
  t.add({"RESULT", "AUTOSCALER", "EXPECTATION", "ACTUAL", "LOCATION"});
  for (const auto& e : expectations)
    t.add({e.passed ? "PASS" : "FAIL", e.autoscaler, e.metric + " " + e.op + " " + num(round_to(e.expected, 6)),
           num(round_to(e.actual, 6)), e.location});
  t.render(out, 2);
}

}  // namespace

std::string text_summary(const sim::RunResult& run) {
  std::string out = "scenario " + (run.scenario.empty() ? std::string("-") : run.scenario);
  if (!run.scenario_file.empty()) out += " (" + run.scenario_file + ")";
  out += ", region " + (run.region.empty() ? std::string("-") : run.region);
  out += ", seed " + std::to_string(run.seed);
  out += ", duration " + format_duration(run.duration) + "\n";
  for (const auto& r : run.results) {
    out += "\n[" + r.autoscaler + "]\n";
    render_summary(out, r);
    render_launches(out, r);
    render_terminations(out, r);
  }
  out += "\n";
  render_expectations(out, run.expectations);
  return out;
}

}  // namespace capsim::report
