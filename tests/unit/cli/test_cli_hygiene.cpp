// CLI hygiene (issue 24 item 6): did-you-mean for a subcommand, `capsim version`, output paths
// checked before the run, validate over directories and globs (sweep files skipped with a note),
// the catalog sorted by size within a family.
#include <catch2/catch.hpp>

#include <string>

#include "capsim/cli/cli.hpp"
#include "capsim/core/version.hpp"
#include "support/cli_runner.hpp"

using capsim::test::run_cli;

namespace {
const std::string k_scenarios = std::string(CAPSIM_SOURCE_DIR) + "/scenarios";
}  // namespace

TEST_CASE("capsim: an unknown subcommand gets did-you-mean; capsim version", "[cli][hygiene]") {
  const auto r = run_cli({"--quiet", "rnu", "x.yaml"});
  CHECK(r.rc == capsim::cli::k_exit_input_error);
  CHECK(r.err == "capsim: unknown subcommand \"rnu\", did you mean \"run\"? (capsim --help lists them)\n");
  CHECK(run_cli({"--catalog", "dir", "frobnicate"}).err ==
        "capsim: unknown subcommand \"frobnicate\" (capsim --help lists them)\n");
  const auto v = run_cli({"version"});
  CHECK(v.rc == capsim::cli::k_exit_ok);
  CHECK(v.out == "capsim " + std::string(capsim::k_version) + "\n");
}

TEST_CASE("capsim run: output paths are checked before the run", "[cli][hygiene]") {
  const auto html = run_cli({"run", "--html", "/nonexistent-dir/report.html"});
  CHECK(html.rc == capsim::cli::k_exit_input_error);
  CHECK(html.out.empty());
  CHECK(html.err == "error: --html: directory \"/nonexistent-dir\" does not exist\n");
  const auto out = run_cli({"compare", "--out", "/etc/hostname"});
  CHECK(out.err == "error: --out: \"/etc/hostname\" exists and is not a directory\n");
  const auto om = run_cli({"run", "--openmetrics", "/"});
  CHECK(om.err == "error: --openmetrics: \"/\" is a directory\n");
}

TEST_CASE("capsim validate: directories and globs; a sweep file is skipped with a note", "[cli][hygiene]") {
  const auto dir = run_cli({"--quiet", "validate", k_scenarios});
  CHECK(dir.rc == capsim::cli::k_exit_ok);
  CHECK(dir.out.find(k_scenarios + "/karpenter-budgets.yaml: ok (") != std::string::npos);
  CHECK(dir.out.find("sweep-consolidation") == std::string::npos);  // a directory passes sweep files over
  const auto named = run_cli({"--quiet", "validate", k_scenarios + "/ca-*.yaml", k_scenarios + "/sweep-consolidation.yaml"});
  CHECK(named.rc == capsim::cli::k_exit_ok);
  CHECK(named.out.find(k_scenarios + "/ca-scale-down.yaml: ok (") != std::string::npos);
  CHECK(named.out.find(k_scenarios +
                       "/sweep-consolidation.yaml: skipped (a Sweep document: check it with `capsim sweep plan`)\n") !=
        std::string::npos);
  const auto none = run_cli({"--quiet", "validate", k_scenarios + "/nothing-*.yaml"});
  CHECK(none.rc == capsim::cli::k_exit_input_error);
  CHECK(none.err == k_scenarios + "/nothing-*.yaml: error: no file matches this pattern\n");
}

TEST_CASE("capsim catalog: sizes in order within a family", "[cli][hygiene]") {
  const auto r = run_cli({"catalog", "--type", "m5", "--format", "csv"});
  REQUIRE(r.rc == capsim::cli::k_exit_ok);
  const auto first = r.out.find("\nm5.");
  REQUIRE(first != std::string::npos);
  CHECK(r.out.substr(first + 1, r.out.find(',', first) - first - 1) == "m5.large");
  CHECK(r.out.find("\nm5.8xlarge,") < r.out.find("\nm5.12xlarge,"));
}
