// What `capsim check` reports for many scenarios: one PASS/FAIL line per expectation and per
// golden comparison (terminal), a JUnit XML file (CI test reports) and a Markdown summary in
// Infracost's manner (a PR comment or job summary). Formats: docs/ci.md.
#pragma once

#include <string>
#include <vector>

#include "capsim/report/golden.hpp"
#include "capsim/sim/result.hpp"

namespace capsim::report {

struct CheckedScenario {
  std::string file;        // as given on the command line
  std::string name;        // the file's stem: its name in the golden directory and in test names
  std::vector<sim::ExpectationResult> expectations;
  std::vector<GoldenRun> runs;              // this run, one per autoscaler
  bool golden_checked{false};               // --golden was given
  std::string golden_dir;                   // DIR/<name>
  std::string golden_missing;               // why there is nothing to compare with ("" = there is)
  // A missing golden fails the check (--require-golden); otherwise the scenario is new and passes.
  bool golden_required{false};
  bool golden_updated{false};               // --update-golden rewrote it
  std::vector<GoldenComparison> golden;     // one per autoscaler
};

bool scenario_passed(const CheckedScenario& s);

// "PASS  karpenter  nodesLaunched <= 5  actual 2  scenarios/x.yaml:30:7" lines, then the golden
// verdicts with their differences indented (at most `max_differences` each), then a tally.
std::string check_text(const std::vector<CheckedScenario>& scenarios, std::size_t max_differences = 20);

// JUnit XML: one <testsuite> per scenario, one <testcase> per expectation
// ("<name>/<autoscaler>/<metric> <op> <expected>") and per golden comparison
// ("<name>/<autoscaler>/golden"); failures carry the measured value or the decision diff.
std::string junit_xml(const std::vector<CheckedScenario>& scenarios);

// Markdown: headline (monthly cost change against the goldens, scenarios changed), failed
// expectations first, a table per scenario x autoscaler (before -> after, delta), and the first
// diverging decisions in a collapsed <details>. Monthly = cost per simulated hour x 730.
std::string check_markdown(const std::vector<CheckedScenario>& scenarios, std::size_t max_differences = 10);

// The same as one self-contained HTML page: the headline, failed expectations, the scenario table
// with PASS/FAIL, and every failing golden's diverging decisions (collapsed).
std::string check_html(const std::vector<CheckedScenario>& scenarios, std::size_t max_differences = 200);

}  // namespace capsim::report
