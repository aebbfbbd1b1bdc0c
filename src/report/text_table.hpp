// Module-private: the plain-text table and number rendering shared by the terminal writers
// (text_summary, compare_table), and the expectations block both print.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "capsim/report/json_result.hpp"
#include "capsim/sim/result.hpp"

namespace capsim::report::detail {

enum class Align : unsigned char { left, right };

// A plain-text table: columns padded to their widest cell, two spaces apart, no trailing spaces;
// an empty cell prints as "-".
class Table {
 public:
  explicit Table(std::vector<Align> aligns) : m_aligns(std::move(aligns)) {}

  void add(std::vector<std::string> row) {
    for (auto& cell : row)
      if (cell.empty()) cell = "-";
    row.resize(m_aligns.size(), "-");
    m_rows.push_back(std::move(row));
  }

  // A row whose empty cells stay blank (section titles).
  void add_plain(std::vector<std::string> row) {
    row.resize(m_aligns.size());
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

inline std::string num(double v) { return format_number(v, false); }

// "expectations: none" or "expectations: P passed, F failed" and a RESULT / AUTOSCALER /
// EXPECTATION / ACTUAL / LOCATION table.
inline void render_expectations(std::string& out, const std::vector<sim::ExpectationResult>& expectations) {
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

}  // namespace capsim::report::detail
