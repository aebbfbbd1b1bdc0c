// Forecasts (../shared/reference/forecast-and-sweeps.md section 1): hourly demand from a trace,
// each model of the zoo on series it must get exactly, the quantile rule, the refusal of short
// histories, and the acceptance on the Alibaba 2025 DLRM trace backtested on its last 7 days.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <optional>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include "capsim/core/diagnostic.hpp"
#include "capsim/forecast/backtest.hpp"
#include "capsim/forecast/demand.hpp"
#include "capsim/forecast/models.hpp"
#include "capsim/catalog/catalog.hpp"
#include "capsim/io/prometheus_reader.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/io/trace_reader.hpp"
#include "capsim/sweep/forecast_cost.hpp"
#include "support/cli_runner.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;
using namespace capsim::forecast;

namespace {

class VectorSource final : public spec::TraceSource {
 public:
  explicit VectorSource(std::vector<spec::TraceEvent> evs) : m_evs(std::move(evs)) {}
  std::optional<spec::TraceEvent> next() override {
    if (m_i == m_evs.size()) return std::nullopt;
    return m_evs[m_i++];
  }

 private:
  std::vector<spec::TraceEvent> m_evs;
  std::size_t m_i{0};
};

spec::TraceEvent ev(double at_hours, spec::TraceEventKind kind, const std::string& pod, std::int64_t cpu_milli = 0) {
  spec::TraceEvent e;
  e.at = Duration{static_cast<std::int64_t>(at_hours * 3'600'000)};
  e.kind = kind;
  e.pod = pod;
  e.namespace_ = "default";
  if (kind == spec::TraceEventKind::create) {
    e.requests.set(Resource::cpu, Quantity::from_milli(cpu_milli));
    e.requests.set(Resource::memory, Quantity::from_mib(1024 * static_cast<std::int64_t>(cpu_milli / 1000)));
  }
  return e;
}

}  // namespace

TEST_CASE("forecast demand: hourly time-averaged requests, live pods and arrivals from a trace", "[forecast]") {
  using K = spec::TraceEventKind;
  // a: 2 CPU from 0:30 to 2:00; b: 1 CPU from 1:00, still alive at the end (3 h).
  VectorSource src({ev(0.5, K::create, "a", 2000), ev(1.0, K::create, "b", 1000), ev(2.0, K::del, "a")});
  const DemandSeries d = demand_from_trace(src, Duration::hours(3));
  REQUIRE(d.hours() == 3);
  CHECK(d.vcpu == std::vector<double>{1.0, 3.0, 1.0});
  CHECK(d.memory_gib == std::vector<double>{1.0, 3.0, 1.0});
  CHECK(d.pods == std::vector<double>{0.5, 2.0, 1.0});
  CHECK(d.arrivals == std::vector<double>{1.0, 1.0, 0.0});
}

TEST_CASE("forecast demand: workload classes with their pod shapes and lifetimes; one class alone", "[forecast]") {
  using K = spec::TraceEventKind;
  auto owned = [](spec::TraceEvent e, const std::string& owner) {
    e.owner = owner;
    return e;
  };
  // web: three 1-CPU pods living 1 h, 2 h and (still at the end) 2.5 h, one 2-CPU pod living 30 min;
  // a bare 4-CPU pod from 0:00 to 1:00.
  const std::vector<spec::TraceEvent> evs = {
      owned(ev(0.0, K::create, "w1", 1000), "ReplicaSet/web"), owned(ev(0.0, K::create, "w2", 1000), "ReplicaSet/web"),
      ev(0.0, K::create, "bare", 4000),                        owned(ev(0.5, K::create, "w3", 1000), "ReplicaSet/web"),
      owned(ev(0.5, K::create, "w4", 2000), "ReplicaSet/web"), ev(1.0, K::del, "w1"),
      ev(1.0, K::del, "bare"),                                 ev(1.0, K::del, "w4"),
      ev(2.0, K::del, "w2")};
  VectorSource src(evs);
  std::vector<ClassProfile> classes;
  const DemandSeries all = demand_from_trace(src, Duration::hours(3), nullptr, &classes);
  CHECK(all.vcpu == std::vector<double>{7.5, 2.0, 1.0});
  REQUIRE(classes.size() == 2);
  // Most vCPU-hours first: web has 1 + 2 + 2.5 + 1 = 6.5, the bare pod 4.
  CHECK(classes[0].name == "ReplicaSet/web");
  CHECK(classes[0].pods == 4);
  CHECK(classes[0].vcpu_hours == 6.5);
  REQUIRE(classes[0].shapes.size() == 2);
  CHECK(classes[0].shapes[0].vcpu == 1.0);
  CHECK(classes[0].shapes[0].memory_gib == 1.0);
  CHECK(classes[0].shapes[0].pods == 3);
  CHECK(classes[0].shapes[1].vcpu == 2.0);
  CHECK(classes[0].lifetimes_s == std::vector<double>{1800, 3600, 7200});
  CHECK(classes[0].still_running == 1);
  CHECK(classes[1].name == "(none)");
  CHECK(classes[1].vcpu_hours == 4.0);
  // One class alone: its own series.
  VectorSource again(evs);
  const std::string web = "ReplicaSet/web";
  const DemandSeries w = demand_from_trace(again, Duration::hours(3), &web, &classes);
  CHECK(w.vcpu == std::vector<double>{3.5, 2.0, 1.0});
  CHECK(w.arrivals == std::vector<double>{4, 0, 0});
  CHECK(classes.size() == 1);
}

TEST_CASE("forecast models: each gets the series it models exactly", "[forecast]") {
  const std::size_t T = 21 * 24;
  std::vector<double> season(T), line(T), wave(T), flat(T, 42.0);
  for (std::size_t t = 0; t < T; ++t) {
    season[t] = static_cast<double>((t % 24) * 10 + (t / 24 % 7));  // repeats weekly
    line[t] = 100 + 0.5 * static_cast<double>(t);
    wave[t] = 200 + 0.25 * static_cast<double>(t) + 30 * std::sin(2 * std::numbers::pi * static_cast<double>(t) / 24.0) +
              10 * std::cos(2 * std::numbers::pi * 2 * static_cast<double>(t) / 168.0);
  }
  const auto weekly = seasonal_naive(168)->forecast(season, 30);
  for (std::size_t i = 0; i < 30; ++i) CHECK(weekly[i] == season[T + i - 168]);
  const auto daily = seasonal_naive(24)->forecast(season, 30);
  CHECK(daily[0] == season[T - 24]);
  CHECK(daily[25] == season[T - 24 + 1]);  // k = 2 seasons back for h = 26
  const auto d = drift(7 * 24)->forecast(line, 5);
  for (std::size_t i = 0; i < 5; ++i) CHECK(d[i] == Approx(line[T - 1] + 0.5 * static_cast<double>(i + 1)));
  const auto o = ols_fourier(14 * 24, 3, 2)->forecast(wave, 48);
  for (std::size_t i = 0; i < 48; ++i) {
    const double t = static_cast<double>(T + i);
    CHECK(o[i] == Approx(200 + 0.25 * t + 30 * std::sin(2 * std::numbers::pi * t / 24.0) +
                         10 * std::cos(2 * std::numbers::pi * 2 * t / 168.0)).margin(1e-6));
  }
  const auto hw = holt_winters_damped()->forecast(flat, 10);
  for (double v : hw) CHECK(v == Approx(42.0));
}

TEST_CASE("forecast: quantiles interpolate between order statistics (R type 7)", "[forecast]") {
  CHECK(quantile({4, 1, 3, 2}, 0.5) == Approx(2.5));
  CHECK(quantile({1, 2, 3, 4, 5}, 0.1) == Approx(1.4));
  CHECK(quantile({1, 2, 3, 4, 5}, 0.9) == Approx(4.6));
  CHECK(quantile({7}, 0.9) == 7);
}

TEST_CASE("forecast: less than two weekly cycles of history is refused", "[forecast]") {
  std::vector<double> y(335, 1.0);
  CHECK_THROWS_WITH(forecast_series(y, {}),
                    "error: a forecast needs at least two weekly cycles of history (336 hours), got 335 hours");
  y.resize(400, 1.0);
  CHECK_THROWS_WITH(forecast_series(y, {}),
                    "error: a 168-hour forecast with a 7-day backtest needs at least 529 hours of history, got 400");
}

TEST_CASE("forecast: the Alibaba 2025 DLRM trace, backtested on its last 7 days", "[forecast][example]") {
  auto reader = io::open_trace(std::string(CAPSIM_SHARED_DATA_DIR) + "/traces/alibaba-gpu-v2025-disaggregated_DLRM_trace.csv",
                               io::TraceFormat::alibaba_dlrm);
  const DemandSeries d = demand_from_trace(*reader);
  REQUIRE(d.hours() == 744);  // 31 days
  const ForecastResult r = forecast_series(d.vcpu, {});
  REQUIRE(r.scores.size() == 5);
  const ModelScore& snaive = r.scores[0];
  const auto chosen = std::find_if(r.scores.begin(), r.scores.end(), [&](const ModelScore& s) { return s.model == r.chosen; });
  REQUIRE(chosen != r.scores.end());
  CHECK(chosen->origins >= 5);
  // Item 6 of the issue: the chosen model's daily-total MAPE is no worse than seasonal naive's and
  // its 80 % intervals cover between 65 % and 95 % of the daily totals.
  CHECK(chosen->mape_daily <= snaive.mape_daily);
  CHECK(chosen->coverage >= 0.65);
  CHECK(chosen->coverage <= 0.95);
  INFO(r.why);
  for (const auto& s : r.scores) INFO(s.model << " MASE " << s.mase << " MAPE " << s.mape_daily << " coverage " << s.coverage);
  CHECK(r.chosen == "drift-7d");
  // Next week: 7 daily intervals from the calibration paths, widening with the horizon.
  REQUIRE(r.daily.size() == 7);
  CHECK(r.paths.size() == 168);
  CHECK(r.daily[6].upper - r.daily[6].lower > r.daily[0].upper - r.daily[0].lower);
  CHECK(r.total.lower < r.total.median);
  CHECK(r.total.median < r.total.upper);
}

TEST_CASE("capsim forecast: the DLRM trace's next week as JSON; a bad horizon is bad input", "[forecast][example][cli]") {
  const std::string trace = std::string(CAPSIM_SHARED_DATA_DIR) + "/traces/alibaba-gpu-v2025-disaggregated_DLRM_trace.csv";
  auto r = test::run_cli({"forecast", trace, "--trace-format", "alibaba-dlrm", "--format", "json"});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("\"model\": \"drift-7d\"") != std::string::npos);
  CHECK(r.out.find("\"paths\": 168") != std::string::npos);
  CHECK(r.out.find("\"day\": 7") != std::string::npos);
  CHECK(r.out.find("\"schemaVersion\": 1") != std::string::npos);
  // The workload classes, and one of them forecast alone.
  CHECK(r.out.find("\"name\": \"ReplicaSet/app_0\"") != std::string::npos);
  r = test::run_cli({"forecast", trace, "--trace-format", "alibaba-dlrm", "--class", "ReplicaSet/app_0"});
  REQUIRE(r.rc == 0);
  CHECK(r.out.rfind("forecast of vcpu of class ReplicaSet/app_0 from ", 0) == 0);
  CHECK(r.out.find("\nReplicaSet/app_0   2551          13.0   48 vCPU 200 GiB          50       3            24.3  447.4            1324\n") ==
        std::string::npos);  // alone, the class is all of the history's vCPU-hours
  CHECK(r.out.find("\nReplicaSet/app_0  2551         100.0  48 vCPU 200 GiB          50       3            24.3  447.4            1324\n") !=
        std::string::npos);
  r = test::run_cli({"forecast", trace, "--trace-format", "alibaba-dlrm", "--class", "ReplicaSet/nope"});
  CHECK(r.rc == 2);
  CHECK(r.err == "error: --class: no pod of the input has the owner \"ReplicaSet/nope\"\n");
  r = test::run_cli({"forecast", trace, "--trace-format", "alibaba-dlrm", "--horizon", "90m"});
  CHECK(r.rc == 2);
  CHECK(r.err == "error: --horizon: expected a duration in whole hours such as \"168h\", got \"90m\"\n");
}

TEST_CASE("capsim forecast: without --trace-format the format is told from the header and named", "[forecast][example][cli]") {
  const std::string trace = std::string(CAPSIM_SHARED_DATA_DIR) + "/traces/alibaba-gpu-v2025-disaggregated_DLRM_trace.csv";
  const auto guessed = test::run_cli({"forecast", trace, "--horizon", "24h", "--format", "json"});
  REQUIRE(guessed.rc == 0);
  CHECK(guessed.err == "reading " + trace + " as the Alibaba GPU v2025 DLRM instance list (alibaba-dlrm, from its header)\n");
  const auto given = test::run_cli({"forecast", trace, "--trace-format", "alibaba-dlrm", "--horizon", "24h", "--format", "json"});
  CHECK(given.err.empty());
  CHECK(guessed.out == given.out);
  // A header no reader knows: exit 2 at its line, with the formats that are known.
  const auto dir = std::filesystem::temp_directory_path() / "capsim-test-forecast-header";
  std::filesystem::create_directories(dir);
  const std::string odd = (dir / "machine_usage.csv").string();
  std::ofstream(odd) << "machine_id,time_stamp,cpu_util_percent\nm_1,0,40\n";
  const auto bad = test::run_cli({"forecast", odd});
  CHECK(bad.rc == 2);
  CHECK(bad.out.empty());
  CHECK_THAT(bad.err, Catch::StartsWith(odd + ":1:1: error: no trace format has the header "
                                              "\"machine_id,time_stamp,cpu_util_percent\": expected capsim's CSV (columns "
                                              "time, pod, event), capsim's JSONL"));
  CHECK_THAT(bad.err, Catch::EndsWith("alibaba-openb (columns name, cpu_milli, memory_mib, num_gpu, qos, creation_time, "
                                      "deletion_time), alibaba-dlrm (columns instance_sn, role, app_name, cpu_request, "
                                      "gpu_request, memory_request, disk_request, creation_time, deletion_time) or k8s-audit "
                                      "(audit.k8s.io Event objects); or give the format (--trace-format)\n"));
  std::filesystem::remove_all(dir);
}

namespace {

// A Karpenter NodePool over m5 and a `demand` Deployment of 1-CPU pods; and three flat
// 24-hour paths of 6, 12 and 24 vCPU.
const char* const k_cost_cluster = R"(apiVersion: capsim.dev/v1alpha1
kind: Scenario
metadata: {name: cost}
spec:
  region: us-east-1
  zones: [us-east-1a]
  duration: 1h
  autoscalers: [karpenter, lower-bound]
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    spec:
      requirements: [{key: karpenter.k8s.aws/instance-family, operator: In, values: [m5]}]
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
  disruption: {consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 5m}
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
metadata: {name: demand}
spec:
  replicas: 1
  template:
    spec:
      containers: [{name: c, resources: {requests: {cpu: "1", memory: 1Gi}}}]
)";

ForecastResult flat_paths() {
  ForecastResult fr;
  fr.level = 0.8;
  fr.point.assign(24, 12.0);
  for (double v : {6.0, 12.0, 24.0}) fr.paths.emplace_back(24, v);
  return fr;
}

}  // namespace

TEST_CASE("capsim forecast: next week's cost per autoscaler, a what-if and a budget, as Markdown", "[forecast][example][cli]") {
  const std::string trace = std::string(CAPSIM_SHARED_DATA_DIR) + "/traces/alibaba-gpu-v2025-disaggregated_DLRM_trace.csv";
  const std::string cluster = std::string(CAPSIM_SOURCE_DIR) + "/examples/forecast/cluster.yaml";
  auto r = test::run_cli({"forecast", trace, "--trace-format", "alibaba-dlrm", "--scenario", cluster, "--scale", "0.0005",
                          "--paths", "2", "-j", "2", "--what-if", "demand*1.3", "--budget", "2000", "--format", "markdown"});
  REQUIRE(r.rc == 0);
  CHECK(r.out.rfind("# forecast of vcpu from ", 0) == 0);
  CHECK(r.out.find("| drift-7d | 0.534 | 0.37 | 0.08 | 71 | chosen |") != std::string::npos);
  CHECK(r.out.find("\n## what-if demand*1.3: the edited cluster's cost\n") != std::string::npos);
  // 0.05 % of the demand on 12-vCPU pods: both paths round to the same replicas, so the base
  // costs no interval; demand x 1.3 rounds differently on the two paths.
  CHECK(r.out.find("| karpenter | 2059.77 | 2059.77 | 2059.77 | 2059.77 | 666.0 | 0.0 | 43 | 0 | 0 | 100 |") != std::string::npos);
  CHECK(r.out.find("| karpenter | $2059.77 -> $2626.02 (+27.5 %) | +$566.25 | +$559.52 | +$572.98 | +27.2 % to +27.8 % | 2 |") !=
        std::string::npos);
  // Five pods fill one of the Cluster Autoscaler's m5.16xlarge nodes: the base's 17-18 pods take 4
  // nodes, 1.3 times as many take 5 (+20 %, on both paths).
  CHECK(r.out.find("| cluster-autoscaler | $2580.39 -> $3096.47 (+20.0 %) | +$516.09 | +$516.09 | +$516.09 | +20.0 % to +20.0 % | 2 |") !=
        std::string::npos);
  r = test::run_cli({"forecast", trace, "--trace-format", "alibaba-dlrm", "--what-if", "demand*1.3"});
  CHECK(r.rc == 2);
  CHECK(r.err == "error: --what-if and --budget need the cluster scenario (--scenario)\n");
}

TEST_CASE("forecast cost: demand paths replayed through the autoscalers, the same for any -j", "[forecast][sim]") {
  const auto cat = catalog::Catalog::embedded();
  const spec::Scenario cluster = io::load_scenario_text(k_cost_cluster, "cost.yaml", *cat);
  const ForecastResult fr = flat_paths();
  sweep::CostForecastOptions o;
  o.paths = 3;
  const auto one = sweep::cost_through_autoscalers(cluster, fr, o, cat).base;
  o.jobs = 2;
  const auto two = sweep::cost_through_autoscalers(cluster, fr, o, cat).base;
  REQUIRE(one.size() == 1);  // the lower bound is a reference, not reported
  CHECK(one[0].autoscaler == "karpenter");
  CHECK(one[0].failed_paths == 0);
  CHECK(one[0].cost_usd.mean == two[0].cost_usd.mean);
  CHECK(one[0].cost_usd.lower == two[0].cost_usd.lower);
  CHECK(one[0].daily_cost_usd[0].median == two[0].daily_cost_usd[0].median);
  // More demand costs more: the interval spans the 6- and 24-vCPU paths' costs.
  CHECK(one[0].cost_usd.lower < one[0].cost_usd.median);
  CHECK(one[0].cost_usd.median < one[0].cost_usd.upper);
  // The day's cost from the samples is the run's cost to within a sample interval's worth.
  CHECK(one[0].daily_cost_usd[0].median == Approx(one[0].cost_usd.median).epsilon(0.02));
  // The DLRM example's cluster loads and carries its demand on 12-vCPU pods.
  const spec::Scenario example = io::load_scenario(std::string(CAPSIM_SOURCE_DIR) + "/examples/forecast/cluster.yaml", *cat);
  CHECK(example.autoscalers == std::vector<std::string>{"karpenter", "cluster-autoscaler"});
  CHECK(std::any_of(example.workloads.begin(), example.workloads.end(), [](const spec::Workload& w) {
    return w.name == "demand" && w.tmpl.requests().get(Resource::cpu) == Quantity::from_units(12);
  }));
  o.deployment = "web";
  CHECK_THROWS_WITH(sweep::cost_through_autoscalers(cluster, fr, o, cat),
                    "error: the cluster scenario has no Deployment named \"web\" to carry the demand (--deployment)");
}

TEST_CASE("forecast what-if: each path replayed both ways, the difference quantiled per path", "[forecast][sim][slow]") {
  const auto cat = catalog::Catalog::embedded();
  const auto dir = std::filesystem::temp_directory_path() / "capsim-test-what-if";
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "cost.yaml").string();
  std::ofstream(file) << k_cost_cluster;
  const spec::Scenario cluster = io::load_scenario(file, *cat);
  const ForecastResult fr = flat_paths();
  sweep::CostForecastOptions o;
  o.paths = 3;
  // No edit but demand*1: common random numbers make every path's difference exactly zero.
  auto same = sweep::parse_what_if({"demand*1"}, file, *cat);
  auto c = sweep::cost_through_autoscalers(cluster, fr, o, cat, &same);
  REQUIRE(c.diffs.size() == 1);
  CHECK(c.diffs[0].paths == 3);
  CHECK(c.diffs[0].diff_usd.lower == 0.0);
  CHECK(c.diffs[0].diff_usd.upper == 0.0);
  CHECK(c.what_if[0].path_cost_usd == c.base[0].path_cost_usd);
  // demand*2 (two edits multiply): the 6-vCPU path costs exactly what the 12-vCPU path did, and
  // the 12 what the 24 did; cost is not linear in demand, so the per-path change runs from +47 %
  // to +94 %, its median the 6-vCPU path's +70.7 %.
  auto twice = sweep::parse_what_if({"demand*4", "demand*0.5"}, file, *cat);
  CHECK(twice.demand_factor == 2.0);
  c = sweep::cost_through_autoscalers(cluster, fr, o, cat, &twice);
  const auto& base = c.base[0].path_cost_usd;
  CHECK(c.what_if[0].path_cost_usd[0] == base[1]);
  CHECK(c.what_if[0].path_cost_usd[1] == base[2]);
  CHECK(c.diffs[0].diff_usd.lower > 0);
  CHECK(c.diffs[0].diff_percent.median == Approx(100 * (base[1] - base[0]) / base[0]));
  CHECK(c.diffs[0].diff_percent.median == Approx(70.68).margin(0.01));
  // A NodePool edit: on-demand only (the base NodePool takes spot, cheaper) costs more on every path.
  auto on_demand = sweep::parse_what_if(
      {"NodePool[default].spec.template.spec.requirements=[{key: karpenter.k8s.aws/instance-family, operator: In, values: [m5]}, "
       "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]"},
      file, *cat);
  c = sweep::cost_through_autoscalers(cluster, fr, o, cat, &on_demand);
  CHECK(c.base[0].spot_share.lower == 1.0);
  CHECK(c.what_if[0].spot_share.upper == 0.0);
  CHECK(c.diffs[0].diff_usd.lower > 0);
  // add=FILE appends documents: a second Deployment of 4 one-CPU pods costs more on every path.
  const std::string extra = (dir / "extra.yaml").string();
  std::ofstream(extra) << "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: batch}\nspec:\n  replicas: 4\n"
                          "  template:\n    spec:\n      containers: [{name: c, resources: {requests: {cpu: \"1\", memory: 1Gi}}}]\n";
  auto added = sweep::parse_what_if({"add=" + extra}, file, *cat);
  CHECK(added.cluster.workloads.size() == cluster.workloads.size() + 1);
  c = sweep::cost_through_autoscalers(cluster, fr, o, cat, &added);
  CHECK(c.diffs[0].diff_usd.lower > 0);
  // Bad edits name themselves.
  CHECK_THROWS_WITH(sweep::parse_what_if({"demand*-1"}, file, *cat),
                    "error: --what-if \"demand*-1\": expected a positive demand factor such as demand*1.3");
  CHECK_THROWS_WITH(sweep::parse_what_if({"more nodes"}, file, *cat),
                    "error: --what-if \"more nodes\": expected demand*FACTOR, add=FILE or PATH=VALUE (a sweep parameter "
                    "path, docs/sweep-format.md)");
  CHECK_THROWS_WITH(sweep::parse_what_if({"NodePool[spot].spec.limits.cpu=10"}, file, *cat),
                    "error: --what-if \"NodePool[spot].spec.limits.cpu=10\": the base scenario has no NodePool named \"spot\" (it has "
                    "\"default\")");
  CHECK_THROWS_WITH(sweep::parse_what_if({"Scenario.spec.region=mars-1"}, file, *cat),
                    "error: --what-if: the cluster scenario with the edits does not load: spec.region: unknown region \"mars-1\"");
  CHECK_THROWS_WITH(sweep::parse_what_if({"add=" + (dir / "missing.yaml").string()}, file, *cat),
                    "error: --what-if \"add=" + (dir / "missing.yaml").string() + "\": cannot read " + (dir / "missing.yaml").string());
  std::filesystem::remove_all(dir);
}

TEST_CASE("forecast demand: Prometheus query_range exports of kube-state-metrics series", "[forecast][io]") {
  // Two pods' CPU requests at 30-minute steps from 00:00 UTC (1,700,006,400 s is a whole hour):
  // pod a (0.5 CPU, 1Gi) throughout; pod b (2 CPU, two containers of 1) from 01:00; no step
  // between 01:30 and 03:00 (a scrape gap); a NaN sample is no sample.
  const char* text = R"({"status": "success", "data": {"resultType": "matrix", "result": [
    {"metric": {"__name__": "kube_pod_container_resource_requests", "namespace": "shop", "pod": "a", "container": "c",
                "resource": "cpu", "unit": "core"},
     "values": [[1700006400, "0.5"], [1700008200, "0.5"], [1700010000, "0.5"], [1700011800, "0.5"], [1700017200, "NaN"],
                [1700019000, "0.5"]]},
    {"metric": {"__name__": "kube_pod_container_resource_requests", "namespace": "shop", "pod": "a", "container": "c",
                "resource": "memory", "unit": "byte"},
     "values": [[1700006400, "1073741824"], [1700019000, "1073741824"]]},
    {"metric": {"__name__": "kube_pod_container_resource_requests", "namespace": "shop", "pod": "b", "container": "c1",
                "resource": "cpu", "unit": "core"},
     "values": [[1700010000, "1"], [1700011800, "1"], [1700019000, "1"]]},
    {"metric": {"__name__": "kube_pod_container_resource_requests", "namespace": "shop", "pod": "b", "container": "c2",
                "resource": "cpu", "unit": "core"},
     "values": [[1700010000, "1"], [1700011800, "1"], [1700019000, "1"]]},
    {"metric": {"__name__": "up", "job": "kube-state-metrics"}, "values": [[1700006400, "1"]]}
  ]}})";
  const auto series = io::parse_prometheus_matrix(text, "requests.json");
  REQUIRE(series.size() == 5);
  CHECK(series[0].label("pod") == "a");
  CHECK(series[0].samples.size() == 5);  // the NaN dropped
  CHECK(series[0].samples[1] == std::pair<std::int64_t, double>{1'700'008'200'000, 0.5});
  const DemandSeries d = demand_from_metrics(series);
  // Hours 00, 01, 02 (no step: hour 01 repeated), 03 (19000 s is 03:30).
  REQUIRE(d.vcpu.size() == 4);
  CHECK(d.vcpu == std::vector<double>{0.5, 2.5, 2.5, 2.5});
  CHECK(d.memory_gib == std::vector<double>{0.5, 0.0, 0.0, 1.0});  // steps without the series count 0
  CHECK(d.pods == std::vector<double>{1, 2, 2, 2});                 // distinct pods of the request series
  CHECK(d.arrivals == std::vector<double>{0, 1, 0, 0});             // b's first step; a was there at the start
  // Live pods from kube_pod_status_phase: Pending and Running count, Succeeded does not.
  const char* phases = R"({"status": "success", "data": {"resultType": "matrix", "result": [
    {"metric": {"__name__": "kube_pod_status_phase", "pod": "a", "namespace": "n", "phase": "Running"},
     "values": [[1700006400, "1"], [1700008200, "1"]]},
    {"metric": {"__name__": "kube_pod_status_phase", "pod": "b", "namespace": "n", "phase": "Pending"},
     "values": [[1700006400, "1"], [1700008200, "0"]]},
    {"metric": {"__name__": "kube_pod_status_phase", "pod": "c", "namespace": "n", "phase": "Succeeded"},
     "values": [[1700006400, "1"], [1700008200, "1"]]}]}})";
  const DemandSeries p = demand_from_metrics(io::parse_prometheus_matrix(phases, "phases.json"));
  CHECK(p.pods == std::vector<double>{1.5});
  CHECK(p.vcpu.empty());
  // Bad input names the file and where.
  CHECK_THROWS_WITH(io::parse_prometheus_matrix("{\"data\": {\n  \"resultType\": matrix}}", "bad.json"),
                    "bad.json:2:17: error: not JSON: syntax error while parsing value - invalid literal; last read: '\"resultType\": m'");
  CHECK_THROWS_WITH(io::parse_prometheus_matrix(R"({"status": "success", "data": {"resultType": "vector", "result": []}})", "v.json"),
                    "v.json: error: data.resultType: expected \"matrix\" (a range query), got \"vector\"");
  CHECK_THROWS_WITH(
      io::parse_prometheus_matrix(R"({"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [[1, 2, 3]]}]}})",
                                  "s.json"),
      "s.json: error: data.result[0].values[0]: expected [unix_seconds, \"value\"], got [1,2,3]");
  CHECK_THROWS_WITH(io::parse_prometheus_matrix(R"({"status": "error", "error": "query timed out"})", "e.json"),
                    "e.json: error: status: the query did not succeed: query timed out");
  CHECK_THROWS_WITH(demand_from_metrics(io::parse_prometheus_matrix(
                        R"({"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {"__name__": "up"}, "values": [[1, "1"]]}]}})",
                        "up.json")),
                    "error: no kube_pod_container_resource_requests, kube_pod_info or kube_pod_status_phase samples in the "
                    "Prometheus export");
}

TEST_CASE("capsim forecast: 23 days of a Prometheus export (sum by resource), forecast and refused series", "[forecast][cli]") {
  // `sum by (resource) (kube_pod_container_resource_requests)` at 5-minute steps: 100 vCPU plus a
  // daily wave of 20 vCPU peaking at 14:00 UTC.
  const auto dir = std::filesystem::temp_directory_path() / "capsim-test-prometheus";
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "requests.json").string();
  {
    std::ofstream f(file);
    f << R"({"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {"resource": "cpu"}, "values": [)";
    const std::int64_t t0 = 1'700'006'400;
    for (int k = 0; k < 23 * 24 * 12; ++k) {
      const double hour = k / 12.0;
      const double v = 100 + 20 * std::cos(2 * std::numbers::pi * (hour - 14) / 24);
      f << (k ? "," : "") << "[" << t0 + 300 * k << ", \"" << v << "\"]";
    }
    f << "]}]}}";
  }
  auto r = test::run_cli({"forecast", file, "--horizon", "48h", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("\"historyHours\": 552") != std::string::npos);
  CHECK(r.out.find("\"day\": 2") != std::string::npos);
  r = test::run_cli({"forecast", file, "--series", "arrivals"});
  CHECK(r.rc == 2);
  CHECK(r.err == "error: the input has no arrivals series (docs/forecast.md, \"Demand series\")\n");
  r = test::run_cli({"forecast", file, file + ".gone.json"});  // exports are pooled: each must read
  CHECK(r.rc == 2);
  CHECK(r.err == file + ".gone.json: error: cannot read the file\n");
  std::filesystem::remove_all(dir);
}

TEST_CASE("capsim forecast SCENARIO.yaml: the demand of the scenario's own run is its generated trace's", "[forecast][cli][slow]") {
  // A scenario that replays a generated 23-day trace, and the same trace from `capsim generate
  // trace`: the forecasts agree to the byte but for their source.
  const auto dir = std::filesystem::temp_directory_path() / "capsim-test-own-run";
  std::filesystem::create_directories(dir);
  const std::string scenario = (dir / "own-run.yaml").string(), trace = (dir / "own-run.csv").string();
  const std::string m5_pool =
      test::node_pool_v1("default", "[{key: karpenter.k8s.aws/instance-family, operator: In, values: [m5]}]", "{}");
  std::ofstream(scenario) << test::scenario_doc("v1.14", "552h",
                                                "  autoscalers: [karpenter]\n  timeline:\n    - {at: 0s, replay: {generate: {pods: "
                                                "20000, initialPods: 100, duration: 552h, seed: 3, meanLifetime: 7h, owners: 10}}}\n") +
                                 m5_pool;
  REQUIRE(test::run_cli({"generate", "trace", "--pods", "20000", "--initial-pods", "100", "--duration", "552h", "--seed", "3",
                         "--mean-lifetime", "7h", "--owners", "10", "--out", trace})
              .rc == 0);
  for (const char* series : {"vcpu", "arrivals"}) {
    auto a = test::run_cli({"forecast", scenario, "--horizon", "24h", "--series", series, "--format", "json"});
    auto b = test::run_cli({"forecast", trace, "--horizon", "24h", "--series", series, "--format", "json"});
    REQUIRE(a.rc == 0);
    REQUIRE(b.rc == 0);
    CHECK(a.out.find("\"historyHours\": 552") != std::string::npos);
    const auto but_source = [](std::string s) {
      const auto at = s.find("\n  \"source\": ");
      return s.erase(at, s.find('\n', at + 1) - at);
    };
    CHECK(but_source(a.out) == but_source(b.out));
  }
  // Tomorrow's pods drawn from the trace's ten classes, through a Karpenter cluster.
  const std::string cluster = (dir / "cluster.yaml").string();
  std::ofstream(cluster) << test::scenario_doc("v1.14", "1h", "  autoscalers: [karpenter]\n") + m5_pool;
  auto s = test::run_cli({"forecast", trace, "--horizon", "24h", "--scenario", cluster, "--workload", "sampled", "--paths", "2",
                          "-j", "2", "--format", "json"});
  INFO(s.err);
  REQUIRE(s.rc == 0);
  CHECK(s.out.find("\"autoscaler\": \"karpenter\"") != std::string::npos);
  CHECK(s.out.find("\"failedPaths\": 0") != std::string::npos);
  s = test::run_cli({"forecast", trace, "--horizon", "24h", "--scenario", cluster, "--workload", "sampled", "--series", "pods"});
  CHECK(s.rc == 2);
  CHECK(s.err == "reading " + trace + " as a capsim CSV trace (csv, from its header)\n"
                 "error: --workload sampled draws pods to a vcpu forecast, not pods\n");
  std::filesystem::remove_all(dir);
}

TEST_CASE("forecast cost: sampled pods keep the path's live vCPU (Little's law) with the classes' shapes", "[forecast]") {
  // Two classes, 3:1 in vCPU-hours: web (1 vCPU pods, and a few of 2) living 1 h or 3 h; batch
  // (4 vCPU) living 30 min. A flat path of 40 vCPU for 48 hours.
  ClassProfile web{"ReplicaSet/web", 4, 30.0, {{1.0, 2.0, 3}, {2.0, 4.0, 1}}, {3600, 10800}, 0};
  ClassProfile batch{"Job/batch", 2, 10.0, {{4.0, 8.0, 2}}, {1800}, 0};
  const std::vector<double> path(48, 40.0);
  const auto events = sweep::sampled_workload(path, 1.0, 1.0, {web, batch}, 7);
  auto key = [](const std::vector<spec::TraceEvent>& es) {
    std::vector<std::tuple<std::int64_t, int, std::string, std::string, std::int64_t>> k;
    for (const auto& e : es) k.emplace_back(e.at.ms, static_cast<int>(e.kind), e.pod, e.owner, e.requests.get(Resource::cpu).milli);
    return k;
  };
  CHECK(key(events) == key(sweep::sampled_workload(path, 1.0, 1.0, {web, batch}, 7)));  // the seed decides everything
  CHECK(key(events) != key(sweep::sampled_workload(path, 1.0, 1.0, {web, batch}, 8)));
  CHECK(std::is_sorted(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.at < b.at; }));
  // Shapes come from the classes: web's 1 and 2 vCPU, batch's 4.
  std::set<std::pair<std::string, std::int64_t>> shapes;
  for (const auto& e : events)
    if (e.kind == spec::TraceEventKind::create) shapes.insert({e.owner, e.requests.get(Resource::cpu).milli});
  CHECK(shapes == std::set<std::pair<std::string, std::int64_t>>{{"Job/batch", 4000}, {"ReplicaSet/web", 1000}, {"ReplicaSet/web", 2000}});
  // The live vCPU they add up to, hour by hour, stays near 40 (Poisson noise): web 30 at 1.25
  // vCPU per pod and 2 h per pod (12 arrivals an hour), batch 10 at 4 vCPU and 0.5 h (5 an hour).
  VectorSource src(events);
  const DemandSeries d = demand_from_trace(src, Duration::hours(48));
  double mean = 0;
  for (double v : d.vcpu) mean += v / 48;
  CHECK(mean == Approx(40).epsilon(0.1));
  CHECK_THROWS_WITH(sweep::sampled_workload(path, 1.0, 1.0, {}, 7),
                    "error: --workload sampled needs workload classes with vCPU requests (a trace or a scenario input)");
}
