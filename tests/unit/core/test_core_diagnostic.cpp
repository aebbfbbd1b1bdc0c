// core/diagnostic: GCC-style rendering of input diagnostics, InputError carrying every diagnostic,
// and CAPSIM_ASSERT throwing InvariantError with its context (DESIGN.md section 7).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "capsim/core/diagnostic.hpp"

using capsim::Diagnostic;
using capsim::InputError;
using capsim::InvariantError;
using capsim::Severity;

namespace {
Diagnostic diag(std::string file, int line, int col, Severity sev, std::string path, std::string message) {
  Diagnostic d;
  d.file = std::move(file);
  d.line = line;
  d.col = col;
  d.severity = sev;
  d.path = std::move(path);
  d.message = std::move(message);
  return d;
}
}  // namespace

TEST_CASE("diagnostic renders file:line:col: error: path: message", "[core]") {
  const Diagnostic d = diag("scenarios/x.yaml", 14, 7, Severity::error, "nodePools[0].disruption.consolidateAfter",
                            "expected a duration such as \"30s\", got \"soon\"");
  CHECK(d.render() ==
        "scenarios/x.yaml:14:7: error: nodePools[0].disruption.consolidateAfter: expected a duration such as "
        "\"30s\", got \"soon\"");
}

TEST_CASE("diagnostic warning variant", "[core]") {
  const Diagnostic d = diag("np.yaml", 3, 1, Severity::warning, "spec.template.spec.kubelet", "field is not modelled; ignored");
  CHECK(d.render() == "np.yaml:3:1: warning: spec.template.spec.kubelet: field is not modelled; ignored");
}

TEST_CASE("diagnostic with missing parts", "[core]") {
  CHECK(diag("a.yaml", 0, 0, Severity::error, "spec", "missing key \"zones\"").render() ==
        "a.yaml: error: spec: missing key \"zones\"");
  CHECK(diag("a.yaml", 5, 0, Severity::error, "spec", "bad").render() == "a.yaml:5: error: spec: bad");
  CHECK(diag("a.yaml", 0, 9, Severity::error, "spec", "bad").render() == "a.yaml: error: spec: bad");  // col needs a line
  CHECK(diag("a.yaml", 2, 4, Severity::error, "", "duplicate key").render() == "a.yaml:2:4: error: duplicate key");
  // Without a file (command-line input) the message starts at the severity; a position needs a file.
  CHECK(diag("", 2, 4, Severity::warning, "x", "y").render() == "warning: x: y");
  CHECK(diag("", 0, 0, Severity::error, "", "unknown flag \"--sed\"").render() == "error: unknown flag \"--sed\"");
  CHECK(Diagnostic{}.render() == "error: ");
}

TEST_CASE("diagnostic equality compares every field", "[core]") {
  const Diagnostic a = diag("f", 1, 2, Severity::error, "p", "m");
  CHECK(a == diag("f", 1, 2, Severity::error, "p", "m"));
  CHECK_FALSE(a == diag("f", 1, 2, Severity::warning, "p", "m"));
  CHECK_FALSE(a == diag("f", 1, 3, Severity::error, "p", "m"));
  CHECK_FALSE(a == diag("f", 1, 2, Severity::error, "p", "n"));
}

TEST_CASE("InputError carries every diagnostic", "[core]") {
  const std::vector<Diagnostic> diags = {
      diag("s.yaml", 4, 3, Severity::error, "region", "unknown region \"mars-1\""),
      diag("s.yaml", 9, 5, Severity::warning, "nodePools[0].spec.foo", "unknown key ignored"),
      diag("s.yaml", 12, 1, Severity::error, "duration", "expected a duration such as \"30s\", got \"1d\""),
  };
  try {
    throw InputError(diags);
  } catch (const InputError& e) {
    CHECK(e.diagnostics() == diags);
    CHECK(std::string(e.what()) == "s.yaml:4:3: error: region: unknown region \"mars-1\"");
  }
  // Caught as a std::runtime_error too.
  CHECK_THROWS_AS(throw InputError(diags), std::runtime_error);
  const InputError empty({});
  CHECK(empty.diagnostics().empty());
  CHECK(std::string(empty.what()) == "invalid input");
}

namespace {
int checked_div(int a, int b) {
  CAPSIM_ASSERT(b != 0, "t=00:05:30.000 dividing " + std::to_string(a));
  return a / b;
}
void no_context(bool ok) { CAPSIM_ASSERT(ok, ""); }
}  // namespace

TEST_CASE("CAPSIM_ASSERT throws InvariantError with context", "[core]") {
  CHECK(checked_div(6, 3) == 2);
  CHECK_NOTHROW(no_context(true));
  try {
    checked_div(6, 0);
    FAIL("expected InvariantError");
  } catch (const InvariantError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::StartsWith("invariant violated: b != 0 at "));
    CHECK_THAT(what, Catch::Contains("test_core_diagnostic.cpp:"));
    CHECK_THAT(what, Catch::EndsWith(" (t=00:05:30.000 dividing 6)"));
  }
  try {
    no_context(false);
    FAIL("expected InvariantError");
  } catch (const InvariantError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::StartsWith("invariant violated: ok at "));
    CHECK_THAT(what, !Catch::Contains("("));
  }
  // An InvariantError is a std::logic_error, never an InputError.
  CHECK_THROWS_AS(no_context(false), std::logic_error);
  CHECK_THROWS_WITH(no_context(false), Catch::Contains("invariant violated"));
}

TEST_CASE("assert_failed can be called directly", "[core]") {
  CHECK_THROWS_WITH(capsim::assert_failed("x > 0", "engine.cpp", 42, "ctx"),
                    "invariant violated: x > 0 at engine.cpp:42 (ctx)");
  CHECK_THROWS_WITH(capsim::assert_failed("x > 0", "engine.cpp", 42, ""), "invariant violated: x > 0 at engine.cpp:42");
}
