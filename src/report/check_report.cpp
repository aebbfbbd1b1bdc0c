#include "capsim/report/check_report.hpp"

#include <cmath>
#include <cstdio>

#include "capsim/report/json_result.hpp"
#include "capsim/report/html_page.hpp"

namespace capsim::report {

namespace {

std::string num(double v) { return format_number(round_to(v, 6), false); }

std::string expectation_name(const sim::ExpectationResult& e) { return e.metric + " " + e.op + " " + num(e.expected); }

// XML 1.0 text and attributes: the HTML escapes plus the apostrophe; control characters other
// than tab, newline and carriage return (not allowed in XML 1.0) become spaces.
std::string xml_escape(const std::string& s) {
  std::string clean;
  for (char c : s) clean += (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') ? ' ' : c;
  std::string out;
  for (char c : detail::html_escape(clean)) {
    if (c == '\'') out += "&apos;";
    else out += c;
  }
  return out;
}

// Markdown table cells: pipes and newlines would break the row.
std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string signed_usd(double v) { return (v >= 0 ? "+" : "-") + format_usd(std::abs(v)); }

std::string arrow(const std::string& before, const std::string& after) {
  return before == after ? after : before + " → " + after;
}

// The lower bound has a cost but no nodes, pending pods or disruptions of its own: "-" there.
std::string node_cell(const std::string& autoscaler, const std::string& value) {
  return autoscaler == "lower-bound" ? std::string("-") : value;
}

bool golden_changed(const CheckedScenario& s) {
  for (const auto& g : s.golden)
    if (!g.passed) return true;
  return !s.golden_missing.empty() && s.golden_required;
}

}  // namespace

bool scenario_passed(const CheckedScenario& s) {
  for (const auto& e : s.expectations)
    if (!e.passed) return false;
  if (!s.golden_checked || s.golden_updated) return true;
  return !golden_changed(s);
}

std::string check_text(const std::vector<CheckedScenario>& scenarios, std::size_t max_differences) {
  std::string out;
  std::size_t passed = 0, failed = 0;
  for (const auto& s : scenarios) {
    for (const auto& e : s.expectations) {
      (e.passed ? passed : failed) += 1;
      out += std::string(e.passed ? "PASS" : "FAIL") + "  " + e.autoscaler + "  " + expectation_name(e) + "  actual " +
             num(e.actual) + "  " + e.location + "\n";
    }
    if (!s.golden_checked) continue;
    if (s.golden_updated) {
      out += "UPDATED  golden " + s.golden_dir + "  " + s.file + "\n";
      continue;
    }
    if (!s.golden_missing.empty()) {
      if (s.golden_required) {
        ++failed;
        out += "FAIL  golden " + s.golden_dir + "  " + s.file + ": " + s.golden_missing + "\n";
      } else {
        out += "NEW   golden " + s.golden_dir + "  " + s.file + ": a new scenario, " + s.golden_missing +
               " (--require-golden fails on this)\n";
      }
      continue;
    }
    for (const auto& g : s.golden) {
      (g.passed ? passed : failed) += 1;
      std::string line = std::string(g.passed ? "PASS" : "FAIL") + "  " + g.autoscaler + "  golden " + s.golden_dir + "  " +
                         s.file;
      if (!g.passed) {
        line += ": " + std::to_string(g.differences.size()) + " diverging decision(s)";
        if (!g.cost_line.empty()) line += ", " + g.cost_line;
      }
      out += line + "\n";
      for (std::size_t i = 0; i < g.differences.size() && i < max_differences; ++i) out += "    " + g.differences[i] + "\n";
      if (g.differences.size() > max_differences)
        out += "    ... and " + std::to_string(g.differences.size() - max_differences) + " more\n";
    }
  }
  out += std::to_string(scenarios.size()) + " scenario(s): " + std::to_string(passed) + " passed, " +
         std::to_string(failed) + " failed\n";
  return out;
}

std::string junit_xml(const std::vector<CheckedScenario>& scenarios) {
  struct Case {
    std::string name, failure_message, failure_text, failure_type;
  };
  std::string suites;
  std::size_t total = 0, total_failures = 0;
  for (const auto& s : scenarios) {
    std::vector<Case> cases;
    for (const auto& e : s.expectations) {
      Case c{s.name + "/" + e.autoscaler + "/" + expectation_name(e), "", "", ""};
      if (!e.passed) {
        c.failure_type = "expectation";
        c.failure_message = expectation_name(e) + " failed: actual " + num(e.actual) + " (" + e.location + ")";
        c.failure_text = c.failure_message;
      }
      cases.push_back(std::move(c));
    }
    if (s.golden_checked && !s.golden_updated) {
      if (!s.golden_missing.empty()) {
        if (s.golden_required) cases.push_back({s.name + "/golden", "no golden: " + s.golden_missing, s.golden_dir, "golden"});
        else cases.push_back({s.name + "/golden", "", "", ""});  // a new scenario: passes
      } else {
        for (const auto& g : s.golden) {
          Case c{s.name + "/" + g.autoscaler + "/golden", "", "", ""};
          if (!g.passed) {
            c.failure_type = "golden";
            c.failure_message = std::to_string(g.differences.size()) + " diverging decision(s)" +
                                (g.cost_line.empty() ? "" : "; " + g.cost_line);
            for (const auto& d : g.differences) c.failure_text += d + "\n";
          }
          cases.push_back(std::move(c));
        }
      }
    }
    std::size_t failures = 0;
    for (const auto& c : cases) failures += c.failure_type.empty() ? 0 : 1;
    total += cases.size();
    total_failures += failures;
    suites += "  <testsuite name=\"" + xml_escape(s.file) + "\" tests=\"" + std::to_string(cases.size()) +
              "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"0\" time=\"0\">\n";
    for (const auto& c : cases) {
      suites += "    <testcase classname=\"" + xml_escape(s.name) + "\" name=\"" + xml_escape(c.name) + "\" time=\"0\"";
      if (c.failure_type.empty()) {
        suites += "/>\n";
        continue;
      }
      suites += ">\n      <failure message=\"" + xml_escape(c.failure_message) + "\" type=\"" + c.failure_type + "\">" +
                xml_escape(c.failure_text) + "</failure>\n    </testcase>\n";
    }
    suites += "  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"capsim check\" tests=\"" + std::to_string(total) +
         "\" failures=\"" + std::to_string(total_failures) + "\" errors=\"0\" time=\"0\">\n" + suites + "</testsuites>\n";
}

std::string check_markdown(const std::vector<CheckedScenario>& scenarios, std::size_t max_differences) {
  // The headline never adds up runs: a scenario's autoscalers (and the lower bound) are
  // alternatives on one workload, not parts of one bill. It counts the scenarios that changed and
  // names the largest monthly change of one scenario and autoscaler.
  std::size_t changed = 0, failed_expectations = 0;
  bool any_golden = false;
  std::string largest;
  double largest_delta = 0;
  for (const auto& s : scenarios) {
    for (const auto& e : s.expectations) failed_expectations += e.passed ? 0 : 1;
    if (s.golden_checked && !s.golden_updated && s.golden_missing.empty()) any_golden = true;
    if (s.golden_checked && !s.golden_updated && golden_changed(s)) ++changed;
    for (const auto& g : s.golden) {
      const double before = monthly_usd(g.cost_before, g.hours_before), after = monthly_usd(g.cost_after, g.hours_after);
      if (std::abs(after - before) > std::abs(largest_delta) + 1e-9) {
        largest_delta = after - before;
        largest = s.name + " / " + g.autoscaler + " " + signed_usd(after - before) + " (" +
                  format_change_percent(before, after) + ")";
      }
    }
  }
  const std::string n = std::to_string(scenarios.size()) + " scenario" + (scenarios.size() == 1 ? "" : "s");
  std::string md = "## capsim check\n\n";
  if (any_golden) {
    md += "**" + std::to_string(changed) + " of " + n + " changed**";
    if (!largest.empty()) md += ", largest monthly change " + largest;
  } else {
    md += "**" + n + "**";
  }
  md += ", " + std::to_string(failed_expectations) + " failed expectation" + (failed_expectations == 1 ? "" : "s") + "\n\n";
  md += "Monthly figures are cost per simulated hour x 730.\n\n";

  if (failed_expectations > 0) {
    md += "### Failed expectations\n\n| scenario | autoscaler | expectation | actual | location |\n|---|---|---|---|---|\n";
    for (const auto& s : scenarios)
      for (const auto& e : s.expectations)
        if (!e.passed)
          md += "| " + md_cell(s.name) + " | " + md_cell(e.autoscaler) + " | `" + md_cell(expectation_name(e)) + "` | " +
                num(e.actual) + " | " + md_cell(e.location) + " |\n";
    md += "\n";
  }

  md += "### Scenarios\n\n| scenario | autoscaler | monthly cost | Δ | peak nodes | p95 pending (s) | disruptions | golden |\n"
        "|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : scenarios) {
    if (!s.golden.empty()) {
      for (const auto& g : s.golden) {
        const double b = monthly_usd(g.cost_before, g.hours_before), a = monthly_usd(g.cost_after, g.hours_after);
        const std::string verdict = g.passed ? (g.differences.empty() ? std::string("unchanged")
                                                                      : std::to_string(g.differences.size()) +
                                                                            " changed, within the cost gate")
                                             : (g.missing_golden ? "missing" : std::to_string(g.differences.size()) + " changed");
        md += "| " + md_cell(s.name) + " | " + md_cell(g.autoscaler) + " | " + arrow(format_usd(b), format_usd(a)) + " | " +
              signed_usd(a - b) + " (" + format_change_percent(b, a) + ") | " +
              node_cell(g.autoscaler, arrow(std::to_string(g.before.peak_nodes), std::to_string(g.after.peak_nodes))) + " | " +
              node_cell(g.autoscaler, arrow(num(g.before.pending_p95_s), num(g.after.pending_p95_s))) + " | " +
              node_cell(g.autoscaler, arrow(std::to_string(g.before.disruptions), std::to_string(g.after.disruptions))) +
              " | " + verdict + " |\n";
      }
      continue;
    }
    const std::string verdict = !s.golden_checked          ? "-"
                                : s.golden_updated         ? "updated"
                                : s.golden_required        ? "missing"
                                                           : "new";
    for (const auto& r : s.runs)
      md += "| " + md_cell(s.name) + " | " + md_cell(r.autoscaler) + " | " + format_usd(monthly_usd(r.cost_usd, r.duration_s / 3600.0)) +
            " | | " + node_cell(r.autoscaler, std::to_string(r.peak_nodes)) + " | " +
            node_cell(r.autoscaler, num(r.pending_p95_s)) + " | " + node_cell(r.autoscaler, std::to_string(r.disruptions)) +
            " | " + verdict + " |\n";
  }
  md += "\n";

  for (const auto& s : scenarios)
    for (const auto& g : s.golden) {
      if (g.passed || g.differences.empty()) continue;
      md += "<details><summary>" + xml_escape(s.name) + " / " + xml_escape(g.autoscaler) + ": " +
            std::to_string(g.differences.size()) + " diverging decision(s)" +
            (g.cost_line.empty() ? "" : ", " + xml_escape(g.cost_line)) + "</summary>\n\n```\n";
      for (std::size_t i = 0; i < g.differences.size() && i < max_differences; ++i) md += g.differences[i] + "\n";
      if (g.differences.size() > max_differences)
        md += "... and " + std::to_string(g.differences.size() - max_differences) + " more\n";
      md += "```\n\n</details>\n\n";
    }
  return md;
}

std::string check_html(const std::vector<CheckedScenario>& scenarios, std::size_t max_differences) {
  using detail::html_escape;
  std::size_t failed = 0;
  for (const auto& s : scenarios) failed += scenario_passed(s) ? 0 : 1;
  std::string h = "<h1>capsim check</h1>\n<p class=\"" + std::string(failed ? "fail" : "pass") + "\">" +
                  std::to_string(scenarios.size()) + " scenario(s), " + std::to_string(failed) + " failing</p>\n";
  // The Markdown's headline and tables, as HTML: one line of text, then the rows.
  h += "<h2>Expectations</h2>\n<table class=\"summary\"><thead><tr><th>scenario</th><th>autoscaler</th><th>expectation</th>"
       "<th>actual</th><th>result</th><th>location</th></tr></thead><tbody>\n";
  for (const auto& s : scenarios)
    for (const auto& e : s.expectations)
      h += "<tr><td>" + html_escape(s.name) + "</td><td>" + html_escape(e.autoscaler) + "</td><td>" +
           html_escape(expectation_name(e)) + "</td><td>" + num(e.actual) + "</td><td class=\"" +
           (e.passed ? "pass\">PASS" : "fail\">FAIL") + "</td><td>" + html_escape(e.location) + "</td></tr>\n";
  h += "</tbody></table>\n<h2>Goldens</h2>\n<table class=\"summary\"><thead><tr><th>scenario</th><th>autoscaler</th>"
       "<th>monthly cost</th><th>peak nodes</th><th>p95 pending (s)</th><th>disruptions</th><th>result</th></tr></thead><tbody>\n";
  for (const auto& s : scenarios) {
    if (!s.golden_checked) continue;
    if (!s.golden_missing.empty() || s.golden_updated) {
      const bool is_new = !s.golden_updated && !s.golden_required;
      h += "<tr><td>" + html_escape(s.name) + "</td><td colspan=\"5\">" +
           html_escape(s.golden_updated ? "updated" : s.golden_missing) + "</td><td class=\"" +
           (s.golden_updated ? "pass\">UPDATED" : is_new ? "pass\">NEW" : "fail\">FAIL") + "</td></tr>\n";
      continue;
    }
    for (const auto& g : s.golden)
      h += "<tr><td>" + html_escape(s.name) + "</td><td>" + html_escape(g.autoscaler) + "</td><td>" +
           html_escape(arrow(format_usd(monthly_usd(g.cost_before, g.hours_before)), format_usd(monthly_usd(g.cost_after, g.hours_after)))) +
           "</td><td>" +
           html_escape(node_cell(g.autoscaler, arrow(std::to_string(g.before.peak_nodes), std::to_string(g.after.peak_nodes)))) +
           "</td><td>" + html_escape(node_cell(g.autoscaler, arrow(num(g.before.pending_p95_s), num(g.after.pending_p95_s)))) +
           "</td><td>" +
           html_escape(node_cell(g.autoscaler, arrow(std::to_string(g.before.disruptions), std::to_string(g.after.disruptions)))) +
           "</td><td class=\"" +
           (g.passed ? "pass\">PASS" : "fail\">" + std::to_string(g.differences.size()) + " changed") + "</td></tr>\n";
  }
  h += "</tbody></table>\n";
  for (const auto& s : scenarios)
    for (const auto& g : s.golden) {
      if (g.passed || g.differences.empty()) continue;
      h += "<details><summary>" + html_escape(s.name + " / " + g.autoscaler + ": " + std::to_string(g.differences.size()) +
                                             " diverging decision(s), " + g.cost_line) +
           "</summary><pre>";
      for (std::size_t i = 0; i < g.differences.size() && i < max_differences; ++i) h += html_escape(g.differences[i]) + "\n";
      if (g.differences.size() > max_differences)
        h += "... and " + std::to_string(g.differences.size() - max_differences) + " more\n";
      h += "</pre></details>\n";
    }
  return detail::html_page("check", h + "<p class=\"note\">Monthly figures are cost per simulated hour x 730.</p>\n");
}

}  // namespace capsim::report
