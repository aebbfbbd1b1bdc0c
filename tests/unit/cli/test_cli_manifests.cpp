// What the command line says about a user's manifests (issue 24 item 1): unknown fields exit 2
// unless --lenient; what is not modelled is in the text, compare, JSON and HTML output even under
// --quiet; the fields that cannot change the simulation are one line, or listed with
// --explain-ignored. The example cluster dump, run directly, is the realistic case.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "capsim/cli/cli.hpp"
#include "support/cli_runner.hpp"

namespace {

using capsim::test::run_cli;

std::filesystem::path scratch(const std::string& name, const std::string& text) {
  const auto d = std::filesystem::temp_directory_path() / "capsim-test-cli-manifests";
  std::filesystem::create_directories(d);
  const auto f = d / name;
  std::ofstream(f) << text;
  return f;
}

const std::string k_dump = std::string(CAPSIM_SOURCE_DIR) + "/examples/cluster-dump/cluster.json";

std::size_t lines_containing(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = text.find(what, pos)) != std::string::npos; pos += what.size()) ++n;
  return n;
}

// A Deployment with a typo, an image (inert) and an HPA (not modelled).
const std::string k_scenario =
    "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  duration: 5m\n  autoscalers: [static]\n"
    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replica: 2\n"
    "  template:\n    spec:\n      containers: [{name: a, image: nginx, resources: {requests: {cpu: 100m}}}]\n"
    "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n";

}  // namespace

TEST_CASE("capsim run: an unknown field exits 2 with did-you-mean; --lenient runs and reports it", "[cli][strict]") {
  const auto f = scratch("typo.yaml", k_scenario).string();
  const auto strict = run_cli({"run", f});
  CHECK(strict.rc == capsim::cli::k_exit_input_error);
  CHECK(strict.out.empty());
  CHECK(strict.err == f + ":11:3: error: spec: unknown field \"replica\", did you mean \"replicas\"?\n");

  // Under --quiet and --lenient the summary still names the typo and the HPA; stderr is silent.
  const auto lenient = run_cli({"--quiet", "--lenient", "run", f});
  CHECK(lenient.rc == capsim::cli::k_exit_ok);
  CHECK(lenient.err.empty());
  CHECK(lenient.out.find("\nnot modelled (these can change the answer):\n  " + f +
                         ":11:3: warning: spec: unknown field \"replica\", did you mean \"replicas\"? (ignored: "
                         "--lenient)\n  " +
                         f + ":16:1: warning: kind \"HorizontalPodAutoscaler\"") != std::string::npos);
  // The same in compare's table and in the JSON result.
  const auto compare = run_cli({"--quiet", "--lenient", "compare", f});
  CHECK(compare.out.find("kind \"HorizontalPodAutoscaler\" (apiVersion \"autoscaling/v2\") is not modelled") !=
        std::string::npos);
  const auto json = nlohmann::json::parse(run_cli({"--quiet", "--lenient", "run", f, "--format", "json"}).out);
  REQUIRE(json.at("notModelled").size() == 2);
  CHECK(json.at("notModelled")[1].at("line") == 16);
  CHECK(json.at("notModelled")[1].at("count") == 1);
}

TEST_CASE("capsim run: the ignored fields are one line; --explain-ignored lists each", "[cli][strict]") {
  std::string text = k_scenario;
  text.replace(text.find("replica:"), 8, "replicas:");
  const auto f = scratch("ok.yaml", text).string();
  const auto r = run_cli({"run", f});
  CHECK(r.rc == capsim::cli::k_exit_ok);
  CHECK(r.err ==
        "note: ignored, as they cannot change the simulation: 1 field(s) (image 1); --explain-ignored lists them\n");
  const auto e = run_cli({"--explain-ignored", "run", f});
  CHECK(e.err == f + ":14:30: warning: field \"spec.template.spec.containers[0].image\" cannot change the simulation "
                     "and is ignored\n");
  CHECK(run_cli({"--quiet", "run", f}).err.empty());
}

TEST_CASE("capsim run on a real cluster dump: one line about ignored fields, skipped kinds always named",
          "[cli][strict]") {
  const auto r = run_cli({"run", k_dump, "--format", "json"});
  CHECK(r.rc == capsim::cli::k_exit_ok);
  // stderr holds exactly one line, the ignored summary, which names the inert kind it skipped.
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.rfind("note: ignored, as they cannot change the simulation: ", 0) == 0);
  CHECK(r.err.find("document(s) (Secret 1)") != std::string::npos);
  CHECK(r.err.find("239 Pod(s) that their controllers in the manifests create") != std::string::npos);
  // The kinds that change the answer are in the result, under --quiet too.
  const auto quiet = run_cli({"--quiet", "run", k_dump});
  CHECK(quiet.err.empty());
  CHECK(lines_containing(quiet.out, "kind \"Node\" (apiVersion \"v1\") is not modelled; the document is skipped") == 1);
  CHECK(quiet.out.find("(39 places, the first shown)") != std::string::npos);
}

TEST_CASE("capsim run --html: the page lists what is not modelled", "[cli][strict]") {
  const auto f = scratch("hpa.yaml", k_scenario).string();
  const auto html = std::filesystem::temp_directory_path() / "capsim-test-cli-manifests" / "report.html";
  REQUIRE(run_cli({"--quiet", "--lenient", "run", f, "--html", html.string()}).rc == capsim::cli::k_exit_ok);
  std::ifstream in(html);
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(page.find("<h2>Not modelled</h2>") != std::string::npos);
  CHECK(page.find("kind &quot;HorizontalPodAutoscaler&quot;") != std::string::npos);
}
