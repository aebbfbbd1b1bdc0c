// Sweeps (docs/sweep-format.md, docs/sweeps.md): the spec's validation with located errors, the
// deterministic plan (grid order, LHS strata, run ids and common-random-number seeds), the shard
// contract (assignment and the batch engines' environment variables), merging (byte-identical for
// any sharding and thread count; missing and duplicated shards), and the report's statistics,
// Pareto front, ties, violators and picks.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/core/sha256.hpp"
#include "capsim/io/sweep_loader.hpp"
#include "capsim/sweep/plan.hpp"
#include "capsim/sweep/report.hpp"
#include "capsim/sweep/runner.hpp"
#include "support/cli_runner.hpp"

using namespace capsim;
namespace fs = std::filesystem;

namespace {

// A one-hour base scenario: a NodePool over m5 / c5 and a 6-replica Deployment scaled to 12.
constexpr const char* k_base = R"(apiVersion: capsim.dev/v1alpha1
kind: Scenario
metadata: {name: sweep-base}
spec:
  region: us-east-1
  zones: [us-east-1a]
  duration: 1h
  autoscalers: [karpenter]
  timeline:
    - {at: 10m, scale: {kind: Deployment, name: web, replicas: 12}}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    spec:
      requirements:
        - {key: karpenter.k8s.aws/instance-family, operator: In, values: [m5, c5]}
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 5m
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: default}
spec:
  amiSelectorTerms: [{alias: al2023@latest}]
  role: KarpenterNodeRole
  subnetSelectorTerms: [{tags: {a: b}}]
  securityGroupSelectorTerms: [{tags: {a: b}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  template:
    spec:
      containers:
        - name: web
          resources: {requests: {cpu: "1", memory: 2Gi}}
)";

struct SweepDir {
  fs::path dir;
  explicit SweepDir(const std::string& name) : dir(fs::temp_directory_path() / ("capsim-test-sweep-" + name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    write("base.yaml", k_base);
  }
  ~SweepDir() { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
  std::string read(const std::string& name) const {
    std::ifstream in(dir / name);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
};

std::string sweep_text(const std::string& spec_body) {
  return "apiVersion: capsim.dev/v1alpha1\nkind: Sweep\nmetadata: {name: t}\nspec:\n  base: base.yaml\n" + spec_body;
}

const std::string k_grid = sweep_text(R"(  method: grid
  seed: 3
  repetitions: 2
  parameters:
    - name: after
      path: NodePool[default].spec.disruption.consolidateAfter
      values: [30s, 10m]
    - name: families
      path: NodePool[default].spec.template.spec.requirements[karpenter.k8s.aws/instance-family].values
      values: [[m5], [m5, c5], [c5]]
)");

std::string load_error(const SweepDir& d, const std::string& text) {
  const std::string file = d.write("sweep.yaml", text);
  try {
    io::load_sweep(file, *catalog::Catalog::embedded());
  } catch (const InputError& e) {
    std::string s;
    for (const auto& diag : e.diagnostics()) s += diag.render() + "\n";
    return s;
  }
  return "";
}

sweep::Plan plan_of(const SweepDir& d, const std::string& text) {
  const std::string file = d.write("sweep.yaml", text);
  auto sw = io::load_sweep(file, *catalog::Catalog::embedded());
  const std::string base = d.read("base.yaml");
  return sweep::make_plan(std::move(sw), base, text);
}

}  // namespace

TEST_CASE("sha256: FIPS 180-4 test vectors", "[core][sweep]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000, 'a')) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST_CASE("sweep spec: every path and value is checked against the base scenario, with its location", "[sweep]") {
  SweepDir d("errors");
  // A value the base scenario's loader rejects: reported at the value.
  CHECK(load_error(d, sweep_text(R"(  parameters:
    - path: NodePool[default].spec.disruption.consolidateAfter
      values: [30s, soon]
)")) == (d.dir / "sweep.yaml").string() +
             ":8:21: error: spec.parameters[0]: NodePool[default].spec.disruption.consolidateAfter = soon: "
             "spec.disruption.consolidateAfter: expected a duration such as \"30s\" or \"Never\", got \"soon\"\n");
  // A document the base does not have, and a list entry it does not have.
  CHECK(load_error(d, sweep_text(R"(  parameters:
    - path: NodePool[gpu].spec.disruption.consolidateAfter
      values: [30s]
    - path: NodePool[default].spec.template.spec.requirements[karpenter.k8s.aws/arch].values
      values: [[arm64]]
)")) == (d.dir / "sweep.yaml").string() +
             ":7:7: error: spec.parameters[0]: path \"NodePool[gpu].spec.disruption.consolidateAfter\" does not resolve in \"" +
             (d.dir / "base.yaml").string() + "\": the base scenario has no NodePool named \"gpu\" (it has \"default\")\n" +
             (d.dir / "sweep.yaml").string() +
             ":9:7: error: spec.parameters[1]: path \"NodePool[default].spec.template.spec.requirements[karpenter.k8s.aws/arch].values\" "
             "does not resolve in \"" + (d.dir / "base.yaml").string() +
             "\": NodePool[default].spec.template.spec.requirements has no entry whose key or name is \"karpenter.k8s.aws/arch\" "
             "(it has \"karpenter.k8s.aws/instance-family\")\n");
  // A misspelt last key would be added: strict field validation names the key it meant.
  CHECK(load_error(d, sweep_text(R"(  parameters:
    - path: NodePool[default].spec.disruption.consolidatAfter
      values: [30s]
)")) == (d.dir / "sweep.yaml").string() +
             ":8:16: error: spec.parameters[0]: NodePool[default].spec.disruption.consolidatAfter = 30s: "
             "spec.disruption: unknown field \"consolidatAfter\", did you mean \"consolidateAfter\"?\n");
  // Structure: a grid with a range, samples on a grid, an unknown metric in a constraint.
  CHECK(load_error(d, sweep_text(R"(  samples: 4
  parameters:
    - path: NodePool[default].spec.disruption.consolidateAfter
      range: [30s, 10m]
  constraints: ["pendingP99Seconds <= 600"]
)")) == (d.dir / "sweep.yaml").string() + ":6:3: error: spec.samples: samples applies to method random or lhs; a grid runs every combination\n" +
             (d.dir / "sweep.yaml").string() + ":8:7: error: spec.parameters[0]: method grid needs values; a range is sampled by method random or lhs\n" +
             (d.dir / "sweep.yaml").string() + ":10:17: error: spec.constraints[0]: unknown metric \"pendingP99Seconds\", got \"pendingP99Seconds <= 600\"\n");
}

TEST_CASE("sweep plan: grid points in mixed radix, the first parameter slowest; run ids and seeds", "[sweep]") {
  SweepDir d("grid");
  const sweep::Plan plan = plan_of(d, k_grid);
  REQUIRE(plan.points.size() == 6);
  REQUIRE(plan.run_count() == 12);
  const std::vector<std::vector<std::string>> expect = {{"30s", "[m5]"}, {"30s", "[m5, c5]"}, {"30s", "[c5]"},
                                                        {"10m", "[m5]"}, {"10m", "[m5, c5]"}, {"10m", "[c5]"}};
  for (std::size_t i = 0; i < 6; ++i) CHECK(plan.points[i].values == expect[i]);
  // Run 7 = point 3, repetition 1; every point's repetition r has the same seed (common random numbers).
  const sweep::RunRef r7 = plan.run(7);
  CHECK(r7.point == 3);
  CHECK(r7.repetition == 1);
  CHECK(r7.seed == plan.run(1).seed);
  CHECK(plan.run(0).seed != plan.run(1).seed);
  CHECK(r7.seed == sweep::run_seed(3, 1));
  // Shard assignment: run r belongs to shard r mod N.
  CHECK(sweep::shard_runs(plan, {2, 5}) == std::vector<std::size_t>{2, 7});
  CHECK(sweep::shard_runs(plan, {0, 1}).size() == 12);
  // The id covers the plan and the inputs: another seed, another id; the same spec, the same id.
  CHECK(plan_of(d, k_grid).sweep_id == plan.sweep_id);
  std::string reseeded = k_grid;
  reseeded.replace(reseeded.find("seed: 3"), 7, "seed: 4");
  CHECK(plan_of(d, reseeded).sweep_id != plan.sweep_id);
}

TEST_CASE("sweep plan: Latin hypercube puts one sample in each stratum of every parameter", "[sweep]") {
  SweepDir d("lhs");
  const sweep::Plan plan = plan_of(d, sweep_text(R"(  method: lhs
  samples: 5
  seed: 11
  parameters:
    - name: replicas
      path: Deployment[web].spec.replicas
      range: [0, 50]
    - name: after
      path: NodePool[default].spec.disruption.consolidateAfter
      values: [10s, 20s, 30s, 40s, 50s]
)"));
  REQUIRE(plan.points.size() == 5);
  std::vector<int> strata(5, 0);
  std::vector<std::string> afters;
  for (const auto& p : plan.points) {
    const int replicas = std::stoi(p.values[0]);
    ++strata[static_cast<std::size_t>(std::min(replicas / 10, 4))];
    afters.push_back(p.values[1]);
  }
  CHECK(strata == std::vector<int>{1, 1, 1, 1, 1});
  std::sort(afters.begin(), afters.end());
  CHECK(afters == std::vector<std::string>{"10s", "20s", "30s", "40s", "50s"});
}

TEST_CASE("sweep shard: the batch engines' environment variables", "[sweep]") {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* n) -> const char* {
      auto it = vars.find(n);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  };
  std::string how;
  auto sh = sweep::shard_from_env(7, env({{"JOB_COMPLETION_INDEX", "3"}}), &how);
  CHECK((sh.index == 3 && sh.count == 7));
  CHECK(how == "JOB_COMPLETION_INDEX=3");
  sh = sweep::shard_from_env(std::nullopt, env({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "7"}}), &how);
  CHECK((sh.index == 4 && sh.count == 7));
  CHECK(how == "SLURM_ARRAY_TASK_ID=5 - SLURM_ARRAY_TASK_MIN=1");
  sh = sweep::shard_from_env(std::nullopt, env({{"TEST_SHARD_INDEX", "0"}, {"TEST_TOTAL_SHARDS", "2"}}));
  CHECK((sh.index == 0 && sh.count == 2));
  sh = sweep::shard_from_env(4, env({{"AWS_BATCH_JOB_ARRAY_INDEX", "2"}}));
  CHECK((sh.index == 2 && sh.count == 4));
  auto error = [&](std::optional<std::size_t> count, std::map<std::string, std::string> vars) {
    try {
      sweep::shard_from_env(count, env(std::move(vars)));
    } catch (const InputError& e) {
      return e.diagnostics().front().render();
    }
    return std::string();
  };
  CHECK(error(7, {{"JOB_COMPLETION_INDEX", "7"}}) == "error: --shard-from-env: shard index 7 is not below the shard count 7");
  CHECK(error(std::nullopt, {{"JOB_COMPLETION_INDEX", "1"}}) ==
        "error: --shard-from-env: JOB_COMPLETION_INDEX is set: give the shard count with --shard-count");
  CHECK(error(3, {{"JOB_COMPLETION_INDEX", "x1"}}) == "error: --shard-from-env: JOB_COMPLETION_INDEX is \"x1\", expected a number >= 0");
  CHECK(error(3, {}) ==
        "error: --shard-from-env: none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, TEST_SHARD_INDEX, AWS_BATCH_JOB_ARRAY_INDEX is set");
}

TEST_CASE("sweep merge: byte-identical for 1 shard, 7 shards and 2 threads; missing and duplicated shards", "[sweep]") {
  SweepDir d("merge");
  const sweep::Plan plan = plan_of(d, k_grid);
  const auto cat = catalog::Catalog::embedded();
  auto shard_files = [&](std::size_t n, int jobs) {
    std::vector<std::pair<std::string, std::string>> files;
    for (std::size_t i = 0; i < n; ++i) {
      const sweep::Shard sh{i, n};
      files.emplace_back(sweep::shard_file_name(sh), sweep::shard_json(plan, sh, sweep::run_shard(plan, sh, jobs, cat)));
    }
    return files;
  };
  const auto one = shard_files(1, 1);
  const auto seven = shard_files(7, 1);
  const std::string merged = sweep::merge_shards(one).json;
  CHECK(sweep::merge_shards(seven).json == merged);
  CHECK(sweep::merge_shards(shard_files(1, 2)).json == merged);
  // A rerun of a shard writes the same bytes (a retried Indexed Job pod).
  CHECK(shard_files(7, 2)[3].second == seven[3].second);
  // Order of files does not matter.
  auto reversed = seven;
  std::reverse(reversed.begin(), reversed.end());
  CHECK(sweep::merge_shards(reversed).json == merged);
  // Every run succeeded and has Karpenter's cost.
  const auto report = sweep::build_report(merged, "sweep.json");
  CHECK(report.runs == 12);
  CHECK(report.failed_runs == 0);
  REQUIRE(report.rows.size() == 6);
  CHECK(report.rows[0].metrics.at("costUsd").n == 2);
  // Missing shards 2 and 5: listed, the result partial.
  auto gaps = seven;
  gaps.erase(gaps.begin() + 5);
  gaps.erase(gaps.begin() + 2);
  const auto partial = sweep::merge_shards(gaps);
  CHECK(partial.missing == std::vector<std::size_t>{2, 5});
  CHECK(sweep::build_report(partial.json, "p.json").partial);
  // Shard 3 twice; a shard of another sweep.
  auto twice = seven;
  twice.push_back({"copy/shard-3-of-7.json", seven[3].second});
  CHECK_THROWS_WITH(sweep::merge_shards(twice), Catch::Contains("shard 3 is given twice (also shard-3-of-7.json)"));
  auto mixed = seven;
  mixed[0].second = sweep::shard_json(plan_of(d, k_grid + "  constraints: [\"costUsd <= 100\"]\n"), {0, 7}, {});
  CHECK_THROWS_WITH(sweep::merge_shards(mixed), Catch::Contains("the files are not shards of one sweep"));
  auto broken = seven;
  broken[0].second = R"({"kind": "capsim-sweep-shard", "schemaVersion": 1, "runs": []})";
  CHECK_THROWS_WITH(sweep::merge_shards(broken), Catch::Contains("shard-0-of-7.json: error: malformed shard file"));
}

TEST_CASE("sweep report: means, Student t intervals, the Pareto front, ties, violators and picks", "[sweep]") {
  CHECK(sweep::student_t_975(1) == Approx(12.706));
  CHECK(sweep::student_t_975(4) == Approx(2.776));
  CHECK(sweep::student_t_975(9) == Approx(2.262));
  CHECK(sweep::student_t_975(60) == Approx(2.0003).epsilon(0.0005));
  CHECK(sweep::student_t_975(1000) == Approx(1.9623).epsilon(0.0005));
  // Four points of Karpenter, three repetitions each: (cost, p95 pending) per repetition.
  //   A: cost 10, 11, 12 / pending 30, 30, 30  -> front (cheapest)
  //   B: cost 20, 20, 20 / pending 5, 6, 7     -> front (fastest)
  //   C: cost 11, 12, 13 / pending 31, 32, 33  -> dominated by A, intervals overlap A's -> tied
  //   D: cost 30, 30, 30 / pending 50, 50, 50  -> dominated
  //   E: cost 12, 12, 12 / pending 10, 10, 10  -> but p99 1000 breaks "podPendingSeconds.p99 <= 600"
  const std::vector<std::vector<std::pair<double, double>>> pts = {
      {{10, 30}, {11, 30}, {12, 30}}, {{20, 5}, {20, 6}, {20, 7}}, {{11, 31}, {12, 32}, {13, 33}},
      {{30, 50}, {30, 50}, {30, 50}}, {{12, 10}, {12, 10}, {12, 10}}};
  std::string runs;
  std::size_t id = 0;
  for (std::size_t p = 0; p < pts.size(); ++p)
    for (std::size_t r = 0; r < 3; ++r, ++id) {
      const double p99 = p == 4 ? 1000 : 60;
      runs += std::string(id ? "," : "") + R"({"runId":)" + std::to_string(id) + R"(,"point":)" + std::to_string(p) +
              R"(,"repetition":)" + std::to_string(r) + R"(,"seed":1,"params":{"x":")" + std::to_string(p) +
              R"("},"status":"ok","metrics":{"karpenter":{"costUsd":)" + std::to_string(pts[p][r].first) +
              R"(,"podPendingSeconds.p95":)" + std::to_string(pts[p][r].second) + R"(,"podPendingSeconds.p99":)" +
              std::to_string(p99) + R"(},"lower-bound":{"costUsd":1}}})";
    }
  const std::string merged =
      R"({"kind":"capsim-sweep-result","schemaVersion":1,"sweepId":"abc","partial":false,"missingShards":[],)"
      R"("plan":{"name":"t","parameters":[{"name":"x"}],"objectives":[{"metric":"costUsd","goal":"min"},)"
      R"({"metric":"podPendingSeconds.p95","goal":"min"}],"constraints":[{"metric":"podPendingSeconds.p99","op":"<=",)"
      R"("bound":600,"text":"podPendingSeconds.p99 <= 600"}]},"runs":[)" + runs + "]}";
  const auto rep = sweep::build_report(merged, "sweep.json");
  REQUIRE(rep.rows.size() == 5);  // the lower bound is left out
  const auto& a = rep.rows[0];
  CHECK(a.metrics.at("costUsd").mean == Approx(11));
  CHECK(a.metrics.at("costUsd").stddev == Approx(1));
  CHECK(a.metrics.at("costUsd").ci95 == Approx(4.303 / std::sqrt(3.0)));
  CHECK(a.front);
  CHECK(rep.rows[1].front);
  CHECK(!rep.rows[2].front);
  CHECK(rep.rows[2].tied_with == std::optional<std::size_t>(0));
  CHECK(!rep.rows[3].front);
  CHECK(!rep.rows[3].tied_with);
  CHECK(rep.rows[4].violated == std::vector<std::string>{"podPendingSeconds.p99 <= 600"});
  CHECK(!rep.rows[4].front);
  CHECK(rep.cheapest == std::optional<std::size_t>(0));
  CHECK(rep.fastest == std::optional<std::size_t>(1));
  // Knee on the front {A (11, 30), B (20, 6)}: normalised A = (0, 1), B = (1, 0): equal distance,
  // the first in row order.
  CHECK(rep.balanced == std::optional<std::size_t>(0));
  const std::string csv = sweep::report_csv(rep);
  CHECK(csv.substr(0, csv.find('\n')) ==
        "point,x,autoscaler,runs,costUsd (min),costUsd ci95,podPendingSeconds.p95 (min),podPendingSeconds.p95 ci95,status,pick");
  CHECK(csv.find("2,2,karpenter,3,12,2.48434,32,2.48434,tied with point 0 karpenter,") != std::string::npos);
  CHECK(sweep::report_markdown(rep).find("| 4 | 4 | karpenter | 3 | 12 ± 0 | 10 ± 0 | violates podPendingSeconds.p99 <= 600 |  |") !=
        std::string::npos);
}

TEST_CASE("capsim sweep run: a failing combination is recorded, the shard completes and exits 1; bad shards exit 2", "[sweep][cli]") {
  SweepDir d("cli");
  // Each value loads on its own; maxSize 5 with minSize 10 does not, which only the run sees.
  const std::string spec = d.write("sweep.yaml", "apiVersion: capsim.dev/v1alpha1\nkind: Sweep\nspec:\n  base: " +
                                                     std::string(CAPSIM_SOURCE_DIR) + "/scenarios/compare-ca-vs-karpenter.yaml\n" +
                                                     R"(  parameters:
    - {name: duration, path: Scenario.spec.duration, values: [1h]}
    - {name: max, path: "Scenario.spec.nodeGroups[workers-a].maxSize", values: [5, 20]}
    - {name: min, path: "Scenario.spec.nodeGroups[workers-a].minSize", values: [0, 10]}
)");
  const std::string out = (d.dir / "out").string();
  auto plan = test::run_cli({"sweep", "plan", spec, "--list", "--shard-count", "3"});
  CHECK(plan.rc == 0);
  CHECK(plan.out.find("runs 4 (4 points x 1 repetitions, method grid)\nruns per shard 1 to 2 (3 shards)\n") != std::string::npos);
  CHECK(plan.out.find("run 1  point 1  repetition 0  seed " + std::to_string(sweep::run_seed(1, 0)) + "  duration=1h max=5 min=10\n") !=
        std::string::npos);
  auto run = test::run_cli({"sweep", "run", spec, "--out", out, "-j", "2"});
  CHECK(run.rc == 1);
  CHECK(run.err.find("capsim sweep: run 1 failed: spec.nodeGroups[1].minSize: minSize 10 is greater than maxSize 5\n") != std::string::npos);
  const std::string shard = d.read("out/shard-0-of-1.json");
  CHECK(shard.find("\"error\": \"spec.nodeGroups[1].minSize: minSize 10 is greater than maxSize 5\"") != std::string::npos);
  CHECK(d.read("out/shard-0-of-1.log").find("run 1  point 1") != std::string::npos);
  const auto merged = sweep::merge_shards({{"shard-0-of-1.json", shard}});
  CHECK(merged.failed_runs == 1);
  const auto rep = sweep::build_report(merged.json, "sweep.json");
  CHECK(rep.failed_runs == 1);
  CHECK(rep.rows.size() == 7);  // 3 points x (cluster-autoscaler, karpenter) and the failed point
  CHECK(rep.rows[2].autoscaler == "-");
  CHECK(rep.rows[2].runs_failed == 1);
  auto bad = test::run_cli({"sweep", "run", spec, "--out", out, "--shard", "0/3"});
  CHECK(bad.rc == 2);
  CHECK(bad.err == "error: --shard: expected K/N with 1 <= K <= N, got \"0/3\"\n");
  bad = test::run_cli({"sweep", "run", spec, "--out", out, "--shard-index", "1"});
  CHECK(bad.rc == 2);
  CHECK(bad.err == "error: --shard-index needs --shard-count\n");
}
