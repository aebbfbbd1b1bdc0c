// `capsim compare`: the side-by-side table, the JSON result (one results[] entry per autoscaler,
// the new summary fields), determinism, --out, and the exit codes of `capsim run`.
#include <catch2/catch.hpp>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capsim/cli/cli.hpp"
#include "support/cli_runner.hpp"

namespace {

using capsim::test::run_cli;

const std::string k_seed = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/seed-nginx-scaleout.yaml";

std::filesystem::path scratch_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("capsim-test-cli-compare-" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("capsim compare: the table shows every autoscaler side by side", "[cli][compare]") {
  auto r = run_cli({"--quiet", "compare", k_seed});
  CHECK(r.rc == capsim::cli::k_exit_ok);
  CHECK(r.err.empty());
  const std::string& t = r.out;
  CHECK(t.rfind("scenario seed-nginx-scaleout (" + k_seed + "), region ap-northeast-2, seed 1, duration 20m\n", 0) == 0);
  CHECK(t.find("compared on the identical workload, catalog and seed: karpenter, static, lower-bound\n") !=
        std::string::npos);
  std::string sq = t;  // column widths aside (they follow the longest cell)
  sq.erase(std::unique(sq.begin(), sq.end(), [](char a, char b) { return a == ' ' && b == ' '; }), sq.end());
  CHECK(sq.find("\nMETRIC karpenter static lower-bound\n") != std::string::npos);
  for (const char* row : {"\nnodes\n", "\n  peak ", "\n  node-hours ", "\n  launched ", "\n    c6i.4xlarge ", "\ncost\n",
                          "\n  USD ", "\n  monthly (730 h) ", "\n  bill total USD ", "\n    EKS cluster fee ", "\n  ratio to lower bound ", "\npods\n", "\n  pending p50 (s) ",
                          "\n  pending p95 (s) ", "\n  pending max (s) ", "\ndisruptions\n", "\n  terminations ",
                          "\n    ttlSecondsAfterEmpty ", "\n  evictions ", "\nspot share (of node-hours) "})
    CHECK(t.find(row) != std::string::npos);
  CHECK(sq.find("\n peak 3 2 -\n") != std::string::npos);
  CHECK(sq.find("\n USD 0.26656 0.157333 0.135837\n") != std::string::npos);
  // Per 20 minutes x 3 x 730, as check's Markdown gives a scenario's monthly cost.
  CHECK(sq.find("\n monthly (730 h) $583.77 $344.56 $297.48\n") != std::string::npos);
  CHECK(t.find("\nexpectations: 4 passed, 0 failed\n") != std::string::npos);
  // No trailing spaces, deterministic.
  CHECK(t.find(" \n") == std::string::npos);
  CHECK(run_cli({"--quiet", "compare", k_seed}).out == t);
}

TEST_CASE("capsim compare: --format json keeps the result schema", "[cli][compare]") {
  auto r = run_cli({"--quiet", "compare", k_seed, "--format", "json"});
  REQUIRE(r.rc == capsim::cli::k_exit_ok);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["schemaVersion"] == 1);
  REQUIRE(j["results"].size() == 3);
  CHECK(j["results"][0]["autoscaler"] == "karpenter");
  CHECK(j["results"][1]["autoscaler"] == "static");
  CHECK(j["results"][2]["autoscaler"] == "lower-bound");
  for (const auto& res : j["results"]) {
    const auto& s = res["summary"];
    for (const char* key : {"costUsd", "nodeHours", "peakNodes", "evictions", "spotShare", "terminationsByReason",
                            "nodesByInstanceType", "podPendingSeconds"})
      CHECK(s.contains(key));
    CHECK(s.contains("costRatioToLowerBound") == (res["autoscaler"] != "lower-bound"));
  }
  CHECK(j["results"][0]["summary"]["nodesByInstanceType"] == nlohmann::json{{"c6i.4xlarge", 1}});
  CHECK(j["results"][0]["summary"]["terminationsByReason"] == nlohmann::json{{"ttlSecondsAfterEmpty", 1}});
  CHECK(j["results"][2]["summary"]["costUsd"].get<double>() == 0.135837);
  const double ratio = j["results"][0]["summary"]["costRatioToLowerBound"].get<double>();
  CHECK(ratio == Approx(0.26656 / 0.135837).epsilon(1e-5));
  // The scenario's (unnamed) expectations are checked against karpenter only.
  REQUIRE(j["expectations"].size() == 4);
  for (const auto& e : j["expectations"]) CHECK(e["autoscaler"] == "karpenter");
  CHECK(run_cli({"--quiet", "compare", k_seed, "--format", "json"}).out == r.out);
}

TEST_CASE("capsim compare: --out writes the run's files", "[cli][compare]") {
  auto dir = scratch_dir("out");
  auto r = run_cli({"--quiet", "compare", k_seed, "--format", "json", "--out", dir.string()});
  REQUIRE(r.rc == capsim::cli::k_exit_ok);
  std::ifstream in(dir / "result.json");
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() == r.out);
  CHECK(std::filesystem::exists(dir / "decisions.jsonl"));
  std::ifstream csv(dir / "timeseries.csv");
  std::stringstream cs;
  cs << csv.rdbuf();
  CHECK(cs.str().find("\n0,lower-bound,0,9,0,") != std::string::npos);
  // The HTML report comes with the set, and --html writes the same page anywhere.
  std::ifstream html(dir / "report.html");
  std::stringstream hs;
  hs << html.rdbuf();
  CHECK_THAT(hs.str(), Catch::StartsWith("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>capsim: "
                                         "seed-nginx-scaleout</title>"));
  CHECK_THAT(hs.str(), Catch::Contains("<svg class=\"chart\" id=\"chart-0\" data-chart=\"nodes over time, every autoscaler\""));
  CHECK(hs.str().find("http://") == std::string::npos);  // self-contained: nothing to fetch
  CHECK(hs.str().find("src=") == std::string::npos);
  auto h = run_cli({"--quiet", "compare", k_seed, "--html", (dir / "page.html").string()});
  std::ifstream page(dir / "page.html");
  std::stringstream ps;
  ps << page.rdbuf();
  CHECK(ps.str() == hs.str());
  std::filesystem::remove_all(dir);
}

TEST_CASE("capsim compare: exit codes as capsim run", "[cli][compare]") {
  auto dir = scratch_dir("rc");
  // A failing expectation on the lower bound (named, so compare checks it): exit 1.
  std::ifstream in(k_seed);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string yaml = ss.str();
  const std::string anchor = "    - {metric: finalNodes, equals: 2}\n";
  REQUIRE(yaml.find(anchor) != std::string::npos);
  yaml.replace(yaml.find(anchor), anchor.size(), anchor + "    - {autoscaler: lower-bound, metric: costUsd, atMost: 0.1}\n");
  const auto file = dir / "failing.yaml";
  std::ofstream(file) << yaml;
  auto r = run_cli({"--quiet", "compare", file.string()});
  CHECK(r.rc == capsim::cli::k_exit_expectation_failed);
  CHECK(r.out.find("FAIL    lower-bound  costUsd <= 0.1") != std::string::npos);
  // Bad input: exit 2 with the diagnostic.
  auto missing = run_cli({"--quiet", "compare", (dir / "missing.yaml").string()});
  CHECK(missing.rc == capsim::cli::k_exit_input_error);
  CHECK_FALSE(missing.err.empty());
  auto bad_format = run_cli({"--quiet", "compare", k_seed, "--format", "xml"});
  CHECK(bad_format.rc == capsim::cli::k_exit_input_error);
  std::filesystem::remove_all(dir);
}

// --controller-time (docs/controller-time.md): one preset for run, a list for compare; anything
// else is bad input (exit 2) with the reason.
TEST_CASE("capsim compare --controller-time instant,typical: each autoscaler under both models", "[cli][compare][controller-time]") {
  auto r = run_cli({"--quiet", "compare", k_seed, "--controller-time", "instant,typical"});
  CHECK(r.rc == capsim::cli::k_exit_ok);
  CHECK(r.out.find("compared on the identical workload, catalog and seed: karpenter (instant), karpenter (typical), static, "
                   "lower-bound\n") != std::string::npos);
  std::string squeezed = r.out;  // column widths aside
  squeezed.erase(std::unique(squeezed.begin(), squeezed.end(), [](char a, char b) { return a == ' ' && b == ' '; }),
                 squeezed.end());
  CHECK(squeezed.find("\ncontroller time\n model - typical - -\n") != std::string::npos);
  auto j = run_cli({"--quiet", "compare", k_seed, "--controller-time", "instant,typical", "--format", "json"});
  const auto doc = nlohmann::json::parse(j.out);
  REQUIRE(doc["results"].size() == 4);
  CHECK(!doc["results"][0].contains("controllerTime"));
  CHECK(doc["results"][1]["controllerTime"]["model"] == "typical");
  CHECK(doc["results"][1]["controllerTime"]["controller"] == "disruption");
  const auto dir = scratch_dir("controller-time");
  const std::string html = (dir / "report.html").string();
  REQUIRE(run_cli({"--quiet", "compare", k_seed, "--controller-time", "instant,typical", "--html", html}).rc == 0);
  std::ifstream in(html);
  std::stringstream page;
  page << in.rdbuf();
  CHECK(page.str().find("<h2>Controller time</h2>") != std::string::npos);
  CHECK(page.str().find("<tr><td>karpenter (typical)</td><td>typical</td><td>121</td>") != std::string::npos);

  auto list_on_run = run_cli({"--quiet", "run", k_seed, "--controller-time", "instant,typical"});
  CHECK(list_on_run.rc == capsim::cli::k_exit_input_error);
  CHECK(list_on_run.err.find("--controller-time: a list of models (\"instant,typical\") is for capsim compare; give one preset") !=
        std::string::npos);
  auto unknown = run_cli({"--quiet", "compare", k_seed, "--controller-time", "instant,quick"});
  CHECK(unknown.rc == capsim::cli::k_exit_input_error);
  CHECK(unknown.err.find("expected instant, fast, typical or slow (or a comma-separated list of them), got \"quick\"") !=
        std::string::npos);
}
