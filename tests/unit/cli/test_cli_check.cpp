// `capsim check`: many scenarios in parallel with a serial run's output, PASS/FAIL lines, golden
// decision logs (--golden, --update-golden), JUnit and Markdown reports, and the exit codes: 0 all
// passed, 1 an expectation or golden failed, 2 bad input (then no report file is written).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace {

namespace fs = std::filesystem;
using capsim::test::run_cli;

const std::string k_src = CAPSIM_SOURCE_DIR;
const std::string k_goldens = k_src + "/tests/golden";

fs::path scratch_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("capsim-test-cli-check-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string read(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// scenarios/karpenter-consolidation.yaml with the NodePool's instance-cpu requirement narrowed
// from [2, 4, 8, 16] to [2, 4, 8] (and `extra` appended under spec), under the same file name.
fs::path changed_consolidation(const fs::path& dir, const std::string& extra = "") {
  std::string s = read(k_src + "/scenarios/karpenter-consolidation.yaml");
  const std::string from = R"(values: ["2", "4", "8", "16"])";
  s.replace(s.find(from), from.size(), R"(values: ["2", "4", "8"])");
  if (!extra.empty()) s.replace(s.find("  expectations:"), 0, extra);
  const fs::path p = dir / "karpenter-consolidation.yaml";
  std::ofstream(p) << s;
  return p;
}

}  // namespace

TEST_CASE("capsim check: a changed NodePool fails its golden with the diverging decisions", "[cli][check]") {
  const auto dir = scratch_dir("changed");
  const auto scenario = changed_consolidation(dir);
  auto r = run_cli({"--quiet", "check", scenario.string(), "--golden", k_goldens, "--junit", (dir / "junit.xml").string(),
                    "--markdown", (dir / "summary.md").string(), "--html", (dir / "check.html").string()});
  CHECK(r.rc == 1);
  CHECK_THAT(r.out, Catch::Contains("PASS  karpenter  nodesTerminated >= 1  actual 25  " + scenario.string() + ":55:7\n"));
  CHECK_THAT(r.out, Catch::Contains("FAIL  karpenter  golden " + k_goldens + "/karpenter-consolidation  " +
                                    scenario.string() + ": 98 diverging decision(s), cost $32.06 -> $33.35 (+4.0 %)\n"));
  CHECK_THAT(r.out, Catch::Contains("    07:00:01.000 karpenter launched m6a.2xlarge in us-east-1a (on-demand, nodepool general) "
                                    "instead of c6a.4xlarge in us-east-1a (on-demand)\n"));
  CHECK_THAT(r.out, Catch::EndsWith("1 scenario(s): 3 passed, 1 failed\n"));
  const std::string junit = read(dir / "junit.xml");
  CHECK_THAT(junit, Catch::Contains("name=\"karpenter-consolidation/karpenter/golden\""));
  CHECK_THAT(junit, Catch::Contains("<failure message=\"98 diverging decision(s); cost $32.06 -&gt; $33.35 (+4.0 %)\" type=\"golden\">"));
  const std::string md = read(dir / "summary.md");
  CHECK_THAT(md, Catch::StartsWith("## capsim check\n\n**1 of 1 scenario changed**, largest monthly change "
                                   "karpenter-consolidation / karpenter +$39.10 (+4.0 %), 0 failed expectations\n"));
  CHECK_THAT(md, Catch::Contains("07:00:01.000 karpenter launched m6a.2xlarge"));
  const std::string html = read(dir / "check.html");
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, Catch::Contains("<td>karpenter-consolidation</td><td>karpenter</td><td>$975.23 → $1,014.33</td><td>8 → 14</td>"
                                   "<td>43</td><td>16 → 25</td><td class=\"fail\">98 changed</td>"));

  SECTION("the scenario's golden: block tolerates what it names") {
    const auto tolerant = changed_consolidation(
        dir, "  golden: {costTolerance: 0.05, ignore: [launch, termination, disrupt]}\n");
    auto t = run_cli({"--quiet", "check", tolerant.string(), "--golden", k_goldens});
    CHECK(t.rc == 0);
    CHECK_THAT(t.out, Catch::Contains("PASS  karpenter  golden "));
  }
}

TEST_CASE("capsim check: --update-golden writes the goldens, the next check passes, -j does not change the output",
          "[cli][check]") {
  const auto dir = scratch_dir("update");
  const std::string goldens = (dir / "goldens").string();
  const std::string a = k_src + "/scenarios/seed-nginx-scaleout.yaml", b = k_src + "/scenarios/ca-scale-down.yaml";
  auto u = run_cli({"--quiet", "check", a, b, "--golden", goldens, "--update-golden"});
  CHECK(u.rc == 0);
  CHECK_THAT(u.out, Catch::Contains("UPDATED  golden " + goldens + "/seed-nginx-scaleout  " + a + "\n"));
  CHECK(fs::exists(fs::path(goldens) / "ca-scale-down" / "decisions.jsonl"));
  auto serial = run_cli({"--quiet", "check", a, b, "--golden", goldens, "-j", "1"});
  auto parallel = run_cli({"--quiet", "check", a, b, "--golden", goldens, "-j", "2"});
  CHECK(serial.rc == 0);
  CHECK(serial.out == parallel.out);
  CHECK_THAT(serial.out, Catch::Contains("PASS  cluster-autoscaler  golden " + goldens + "/ca-scale-down  " + b + "\n"));
}

TEST_CASE("capsim check: a directory, a missing golden, a failed expectation", "[cli][check]") {
  const auto dir = scratch_dir("dir");
  std::string s = read(k_src + "/scenarios/seed-nginx-scaleout.yaml");
  s.replace(s.find("{metric: nodesLaunched, equals: 1}"), 34, "{metric: nodesLaunched, equals: 2}");
  std::ofstream(dir / "walkthrough.yaml") << s;
  auto r = run_cli({"--quiet", "check", dir.string(), "--golden", (dir / "none").string(), "--require-golden"});
  CHECK(r.rc == 1);
  CHECK_THAT(r.out, Catch::Contains("FAIL  karpenter  nodesLaunched == 2  actual 1  " + (dir / "walkthrough.yaml").string()));
  CHECK_THAT(r.out, Catch::Contains("FAIL  golden " + (dir / "none" / "walkthrough").string() + "  " +
                                    (dir / "walkthrough.yaml").string() +
                                    ": no result.json and decisions.jsonl there (write them with --update-golden)\n"));
}

TEST_CASE("capsim check: --fail-on-cost-increase / -decrease fail on a cost change beyond PCT, not on any change",
          "[cli][check]") {
  // The changed NodePool's run costs +4.0 % a month against its golden (the test above).
  const auto dir = scratch_dir("cost-gate");
  const auto scenario = changed_consolidation(dir).string();
  auto check = [&](const std::string& option, const std::string& pct) {
    return run_cli({"--quiet", "check", scenario, "--golden", k_goldens, option, pct});
  };
  const std::string md = (dir / "summary.md").string();
  const auto within = run_cli({"--quiet", "check", scenario, "--golden", k_goldens, "--fail-on-cost-increase", "5",
                               "--markdown", md});
  CHECK(within.rc == 0);
  CHECK_THAT(read(md), Catch::Contains("| 98 changed, within the cost gate |"));
  CHECK_THAT(within.out, Catch::Contains("PASS  karpenter  golden " + k_goldens + "/karpenter-consolidation  " + scenario));
  const auto beyond = check("--fail-on-cost-increase", "3");
  CHECK(beyond.rc == 1);
  CHECK_THAT(beyond.out, Catch::Contains("FAIL  karpenter  golden " + k_goldens + "/karpenter-consolidation  " + scenario +
                                         ": 98 diverging decision(s), cost $32.06 -> $33.35 (+4.0 %)\n"));
  CHECK(check("--fail-on-cost-decrease", "1").rc == 0);  // an increase never fails the decrease gate
}

TEST_CASE("capsim check: a scenario without a golden is new and passes, unless --require-golden", "[cli][check]") {
  const auto dir = scratch_dir("new");
  std::ofstream(dir / "walkthrough.yaml") << read(k_src + "/scenarios/seed-nginx-scaleout.yaml");
  const std::string junit = (dir / "junit.xml").string();
  auto r = run_cli({"--quiet", "check", dir.string(), "--golden", (dir / "none").string(), "--junit", junit});
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Catch::Contains("NEW   golden " + (dir / "none" / "walkthrough").string() + "  " +
                                    (dir / "walkthrough.yaml").string() +
                                    ": a new scenario, no result.json and decisions.jsonl there (write them with "
                                    "--update-golden) (--require-golden fails on this)\n"));
  CHECK_THAT(read(junit), Catch::Contains("failures=\"0\""));
  CHECK(run_cli({"--quiet", "check", dir.string(), "--golden", (dir / "none").string(), "--require-golden"}).rc == 1);
  // The lower bound's row has its cost and "-" for the node figures it does not have.
  const std::string md = (dir / "summary.md").string();
  REQUIRE(run_cli({"--quiet", "check", k_src + "/scenarios/compare-ca-vs-karpenter.yaml", "--golden",
                   (dir / "none").string(), "--markdown", md})
              .rc == 0);
  CHECK_THAT(read(md), Catch::Matches("(.|\n)*\\| compare-ca-vs-karpenter \\| lower-bound \\| \\$[0-9.,]+ \\| \\| - \\| - \\| - "
                                      "\\| new \\|\n(.|\n)*"));
}

TEST_CASE("capsim check: only files with a Scenario document run; manifests and others are skipped with a note",
          "[cli][check]") {
  // scenarios/web.yaml names its NodePool and Deployment files under spec.manifests; notes.yaml in
  // the same directory is a manifest no scenario names.
  const auto dir = scratch_dir("manifests");
  const auto scenarios = dir / "scenarios", manifests = dir / "manifests";
  fs::create_directories(scenarios);
  fs::create_directories(manifests);
  std::ofstream(scenarios / "web.yaml") << "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nmetadata: {name: web}\n"
                                           "spec:\n  region: us-east-1\n  duration: 10m\n"
                                           "  manifests: [../manifests/nodepool.yaml, ../manifests/deployment.yaml]\n";
  std::ofstream(manifests / "nodepool.yaml") << read(k_src + "/tests/data/scenarios/manifests/karpenter.yaml");
  std::ofstream(manifests / "deployment.yaml")
      << "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  template:\n    spec:\n"
         "      containers: [{name: app, resources: {requests: {cpu: \"1\", memory: 1Gi}}}]\n";
  std::ofstream(manifests / "notes.yaml") << "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";
  const std::string web = (scenarios / "web.yaml").string(), none = (dir / "none").string();
  auto r = run_cli({"--quiet", "check", scenarios.string(), manifests.string(), "--golden", none});
  CHECK(r.rc == 0);
  CHECK(r.err == "skipped " + (manifests / "deployment.yaml").string() + ": a manifest of " + web + "\n" +
                     "skipped " + (manifests / "nodepool.yaml").string() + ": a manifest of " + web + "\n" +
                     "skipped " + (manifests / "notes.yaml").string() + ": no Scenario document\n");
  CHECK(r.out == "NEW   golden " + none + "/web  " + web +
                     ": a new scenario, no result.json and decisions.jsonl there (write them with --update-golden) "
                     "(--require-golden fails on this)\n1 scenario(s): 0 passed, 0 failed\n");

  // The manifests alone: nothing to check is bad input, and no manifest runs.
  auto alone = run_cli({"--quiet", "check", manifests.string(), "--golden", none, "--update-golden"});
  CHECK(alone.rc == 2);
  CHECK(alone.err == "skipped " + (manifests / "deployment.yaml").string() + ": no Scenario document\n" +
                         "skipped " + (manifests / "nodepool.yaml").string() + ": no Scenario document\n" +
                         "skipped " + (manifests / "notes.yaml").string() + ": no Scenario document\n" +
                         "error: nothing to check: no input holds a Scenario document\n");
  CHECK(alone.out.empty());
  CHECK_FALSE(fs::exists(none));
}

TEST_CASE("capsim check: bad input exits 2 and writes no report", "[cli][check]") {
  const auto dir = scratch_dir("bad");
  std::ofstream(dir / "broken.yaml") << "apiVersion: capsim.dev/v1alpha1\nkind: Scenario\nspec:\n  duration: soon\n";
  const std::string junit = (dir / "junit.xml").string();
  auto r = run_cli({"--quiet", "check", k_src + "/scenarios/seed-nginx-scaleout.yaml", (dir / "broken.yaml").string(),
                    (dir / "missing.yaml").string(), "--junit", junit});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Catch::Contains((dir / "missing.yaml").string() + ": error: no such file or directory"));
  CHECK_THAT(r.err, Catch::Contains((dir / "broken.yaml").string() + ":4:13: error: spec.duration: "));
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(junit));
  auto u = run_cli({"check", k_src + "/scenarios/seed-nginx-scaleout.yaml", "--update-golden"});
  CHECK(u.rc == 2);
  CHECK_THAT(u.err, Catch::Contains("--update-golden: needs --golden DIR"));
}

TEST_CASE("capsim diff: a stored run against a scenario run here, as a table, JSON and Markdown", "[cli][diff]") {
  const auto dir = scratch_dir("diff");
  const auto scenario = changed_consolidation(dir).string();
  const std::string base = k_goldens + "/karpenter-consolidation";
  // A scenario side is run here (with --html written from it); the other formats read that run's
  // --out directory, which diffs the same.
  auto t = run_cli({"--quiet", "diff", base, scenario, "--decisions", "2", "--html", (dir / "diff.html").string()});
  const std::string head = (dir / "head").string();
  REQUIRE(run_cli({"--quiet", "run", scenario, "--out", head}).rc == 0);
  CHECK(run_cli({"--quiet", "diff", base, head, "--decisions", "2"}).out ==
        "base " + base + "\nhead " + head + t.out.substr(t.out.find('\n', t.out.find('\n') + 1)));
  CHECK(t.rc == 0);
  CHECK_THAT(t.out, Catch::StartsWith("base " + base + "\nhead " + scenario + "\n\n[karpenter]\n"));
  CHECK_THAT(t.out, Catch::Contains("  cost (USD)                   32.062299   33.347821    +1.285522 (+4.0 %)\n"));
  CHECK_THAT(t.out, Catch::Contains("  instance type: c6a.4xlarge           4           0         -4 (-100.0 %)\n"));
  CHECK_THAT(t.out, Catch::Contains("  diverging decisions: 98\n    07:00:01.000 karpenter launched m6a.2xlarge"));
  CHECK_THAT(t.out, Catch::EndsWith("    ... and 96 more\n"));
  // Unchanged per-type rows are left out.
  CHECK_THAT(t.out, !Catch::Contains("instance type: c6a.large           6           6"));

  auto j = run_cli({"--quiet", "diff", base, head, "--format", "json"});
  const auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["autoscalers"][0]["metrics"]["peakNodes"] == nlohmann::json({{"base", 8.0}, {"delta", 6.0}, {"head", 14.0}}));
  CHECK(doc["autoscalers"][0]["decisions"]["diverging"] == 98);
  CHECK(doc["autoscalers"][0]["decisions"]["first"].size() == 10);

  auto m = run_cli({"--quiet", "diff", base, head, "--format", "markdown"});
  CHECK_THAT(m.out, Catch::Contains("| cost (USD) | 32.062299 | 33.347821 | +1.285522 (+4.0 %) |\n"));
  CHECK_THAT(m.out, Catch::Contains("<details><summary>98 diverging decision(s)</summary>"));

  CHECK_THAT(read(dir / "diff.html"), Catch::Contains("<tr><td>peak nodes</td><td>8</td><td>14</td><td>+6 (+75.0 %)</td></tr>"));
  auto same = run_cli({"diff", base + "/result.json", base});
  CHECK_THAT(same.out, Catch::Contains("  diverging decisions: 0\n"));
  auto bad = run_cli({"diff", (dir / "nope.json").string(), base});
  CHECK(bad.rc == 2);
  CHECK(bad.err == (dir / "nope.json").string() + ": error: expected a result.json, a --out directory or a scenario file; no such file\n");
}

TEST_CASE("capsim diff --exit-code: 1 when the runs differ, 0 when they are the same, 2 on bad input", "[cli][diff]") {
  const std::string v1alpha5 = k_goldens + "/seed-nginx-scaleout", v1 = k_goldens + "/seed-nginx-scaleout-v1";
  // The scenario run here makes the decisions and the metrics of its golden.
  const auto same = run_cli({"--quiet", "diff", "--exit-code", v1alpha5, k_src + "/scenarios/seed-nginx-scaleout.yaml"});
  CHECK(same.rc == 0);
  CHECK_THAT(same.out, Catch::Contains("  diverging decisions: 0\n"));
  // The v1 NodePool removes the node 15 s later, by another method.
  const auto differ = run_cli({"--quiet", "diff", v1alpha5, v1, "--exit-code"});
  CHECK(differ.rc == 1);
  CHECK(differ.out == run_cli({"--quiet", "diff", v1alpha5, v1}).out);
  CHECK(run_cli({"--quiet", "diff", v1alpha5, v1}).rc == 0);  // without the flag, as before
  const auto bad = run_cli({"diff", "--exit-code", k_goldens + "/no-such-run", v1});
  CHECK(bad.rc == 2);
  CHECK(bad.err == k_goldens + "/no-such-run: error: expected a result.json, a --out directory or a scenario "
                                "file; no such file\n");
}

TEST_CASE("capsim run --progress: a bar on stderr when asked, nothing by default off a terminal", "[cli][progress]") {
  const std::string seed = k_src + "/scenarios/seed-nginx-scaleout.yaml";
  auto always = run_cli({"--quiet", "--progress", "always", "run", seed});
  CHECK(always.rc == 0);
  // Redrawn in place (carriage returns, no newline), starting at 0 of the 20-minute run, and erased
  // at the end so the summary on stdout is all that stays.
  CHECK_THAT(always.err, Catch::StartsWith("\r[karpenter] 00:00:00 / 00:20:00 |                        |   0%  "));
  CHECK(always.err.find('\n') == std::string::npos);
  CHECK(always.err.back() == '\r');
  CHECK(always.out == run_cli({"--quiet", "run", seed}).out);
  // The in-process error stream is not a terminal: auto draws nothing, nor does never.
  CHECK(run_cli({"--quiet", "run", seed}).err.empty());
  CHECK(run_cli({"--quiet", "--progress", "never", "compare", seed}).err.empty());
  auto bad = run_cli({"--progress", "sometimes", "run", seed});
  CHECK(bad.rc == 2);
}

TEST_CASE("capsim import trace --format alibaba-openb writes the generic format", "[cli][import]") {
  const std::string src = std::string(CAPSIM_SHARED_DATA_DIR) + "/traces/alibaba-gpu-v2023-openb_pod_list_default.csv";
  if (!fs::exists(src)) {
    WARN("shared data not found, skipped: " << src);
    return;
  }
  const auto dir = scratch_dir("import");
  const std::string out = (dir / "openb.csv").string();
  auto r = run_cli({"import", "trace", src, "--format", "alibaba-openb", "--out", out});
  CHECK(r.rc == 0);
  CHECK(r.err == "imported " + src + ": 8152 pod(s) created, 8152 deleted\n");
  const std::string text = read(out);
  CHECK_THAT(text, Catch::StartsWith("# capsim generic trace imported by `capsim import trace --format alibaba-openb`\n"));
  CHECK_THAT(text, Catch::Contains("\ntime,pod,event,namespace,cpu,memory,gpu,labels,node_selector,tolerations,owner,priority\n"
                                   "0,openb-pod-0000,create,default,12,16Gi,1,alibaba.com/qos=LS,,,,\n"));
  // The written trace replays as the original does (it is read back by the generic reader).
  auto jsonl = run_cli({"import", "trace", src, "--format", "alibaba-openb", "--to", "jsonl"});
  CHECK(std::count(jsonl.out.begin(), jsonl.out.end(), '\n') == 16304);
  CHECK(run_cli({"import", "trace", src, "--format", "google-2019"}).rc == 2);
  // A bad row stops the import with its location, writing nothing; --skip-bad 1 skips it.
  const std::string bad = (dir / "bad.csv").string();
  std::ofstream(bad) << "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,"
                        "scheduled_time\n"
                        "p0,12000,16384,1,1000,,LS,Running,0,12537496,0\n"
                        "p1,lots,16384,1,1000,,LS,Running,500000,600000,0\n"
                        "p2,6000,12288,1,460,,LS,Running,600000,900000,600000\n";
  const std::string bad_out = (dir / "bad-out.csv").string();
  auto failed = run_cli({"import", "trace", bad, "--format", "alibaba-openb", "--out", bad_out});
  CHECK(failed.rc == 2);
  CHECK(failed.err == bad + ":3:4: error: cpu_milli: expected a non-negative integer, got \"lots\"\n");
  CHECK_FALSE(fs::exists(bad_out));
  auto skipped = run_cli({"import", "trace", bad, "--format", "alibaba-openb", "--skip-bad", "1", "--out", bad_out});
  CHECK(skipped.rc == 0);
  CHECK(skipped.err == bad + ":3:4: warning: cpu_milli: expected a non-negative integer, got \"lots\" (record skipped)\n"
                             "imported " + bad + ": 2 pod(s) created, 2 deleted\n");
}
