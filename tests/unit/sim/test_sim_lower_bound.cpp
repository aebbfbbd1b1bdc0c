// The lower bound end to end: the demand-only world (pods run from creation, DaemonSets ignored,
// Jobs finish after their run duration), the allowed instance types and their prices, concrete
// costs computed by hand, the ratio every other result gets, and how expectations treat it.
// Catalog facts used (us-east-1, AL2023 allocatable): m5.large 1930m / 6903Mi / 29 pods $0.096,
// m5.xlarge 3920m / 14162Mi / 58 pods $0.192 (per core: 0.049741 vs 0.048980, so m5.xlarge).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "capsim/catalog/catalog.hpp"
#include "capsim/policy/lower_bound/lower_bound.hpp"
#include "capsim/report/json_result.hpp"
#include "capsim/sim/simulation.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;
using capsim::test::deployment;
using capsim::test::load_text;
using capsim::test::node_pool_v1;
using capsim::test::run_text;
using capsim::test::scenario_doc;

namespace {

const std::string k_m5_pool_od =
    node_pool_v1("default",
                 "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large, m5.xlarge]}, "
                 "{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}]",
                 "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");

sim::RunResult run_all(const std::string& yaml) {
  spec::Scenario s = load_text(yaml);
  sim::SimOptions opts;
  opts.catalog = catalog::Catalog::embedded();
  return sim::run_scenario(s, opts);
}

const sim::AutoscalerResult& result_of(const sim::RunResult& r, const std::string& name) {
  auto it = std::find_if(r.results.begin(), r.results.end(), [&](const auto& x) { return x.autoscaler == name; });
  REQUIRE(it != r.results.end());
  return *it;
}

std::vector<policy::lower_bound::Column> columns_of(const spec::Scenario& s) {
  auto cat = catalog::Catalog::embedded();
  policy::PolicyContext ctx{s, cat, sim::resolve_zones(s, *cat), nullptr};
  return policy::lower_bound::allowed_columns(ctx);
}

const std::string k_job_4x15m =
    "apiVersion: batch/v1\nkind: Job\nmetadata: {name: batch}\nspec:\n  parallelism: 2\n  completions: 4\n"
    "  template:\n    metadata:\n      annotations: {capsim.dev/run-duration: 15m}\n    spec:\n"
    "      containers:\n        - name: c\n          resources: {requests: {cpu: \"1\", memory: 100Mi}}\n---\n";

const std::string k_daemonset_1cpu =
    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: kube-system}\nspec:\n  template:\n"
    "    spec:\n      tolerations: [{operator: Exists}]\n      containers:\n        - name: a\n"
    "          resources: {requests: {cpu: \"1\", memory: 1Gi}}\n---\n";

}  // namespace

TEST_CASE("lower bound: 10 pods x 1 CPU for 1 h on m5.large / m5.xlarge", "[sim][lower-bound]") {
  auto r = run_text(scenario_doc("v1.14", "1h") + k_m5_pool_od + deployment("web", 10, "1", "100Mi"), "lower-bound");
  CHECK(r.autoscaler == "lower-bound");
  // CPU binds (10 cores; 1000Mi and 10 pods are far below): 10 / 3.92 m5.xlarge at $0.192/h for
  // 1 h = $0.48979592 -> 0.489796; 2.551020 fractional instance-hours.
  CHECK(report::usd_6(r.summary.cost) == 0.489796);
  CHECK(r.summary.node_hours == Approx(10.0 / 3.92).epsilon(1e-12));
  // Not applicable to the bound: no nodes, no launches, pods never wait.
  CHECK(r.summary.nodes_launched == 0);
  CHECK(r.summary.peak_nodes == 0);
  CHECK(r.summary.final_nodes == 0);
  CHECK(r.launches.empty());
  CHECK(r.terminations.empty());
  CHECK(r.summary.pods_created == 10);
  CHECK(r.summary.pods_pending_at_end == 0);
  CHECK(r.summary.pod_pending_max_s == 0.0);
  CHECK(r.summary.spot_share == 0.0);
  // The time series carries the bound's cost rate: $0.489796/h from t = 0 (no node counts).
  REQUIRE(!r.samples.empty());
  CHECK(r.samples.front().cost_rate_per_hour == Money::from_usd(0.192 * 10 / 3.92));
  CHECK(r.samples.front().running_pods == 10);
  CHECK(r.samples.front().nodes_by_type.empty());
}

TEST_CASE("lower bound: memory or pods bind when they are scarcer than CPU", "[sim][lower-bound]") {
  // 40 pods x 100m / 1Gi: memory binds (40 GiB / 14162Mi = 2.892 m5.xlarge, $0.555/h for 30 m).
  auto mem = run_text(scenario_doc("v1.14", "30m") + k_m5_pool_od + deployment("web", 40, "100m", "1Gi"), "lower-bound");
  const double xl_mem = 14162.0 / 1024.0;  // GiB
  // m5.large per GiB: 0.096 / (6903/1024) = 0.014241 vs m5.xlarge 0.192 / 13.830 = 0.013883.
  CHECK(report::usd_6(mem.summary.cost) == report::usd_6(Money::from_usd(0.192 * 40 / xl_mem * 0.5)));
  // 150 pods x 10m / 10Mi: pod slots bind; m5.xlarge has 58 per $0.192 (0.003310/pod) vs
  // m5.large 29 per $0.096 (0.003310/pod): equal per pod, both cost 150 / 29 x 0.096 = $0.496552/h.
  auto pods = run_text(scenario_doc("v1.14", "1h") + k_m5_pool_od + deployment("web", 150, "10m", "10Mi"), "lower-bound");
  CHECK(report::usd_6(pods.summary.cost) == report::usd_6(Money::from_usd(150.0 / 29.0 * 0.096)));
}

TEST_CASE("lower bound: Jobs run from creation for their run duration; DaemonSets are ignored", "[sim][lower-bound]") {
  // 4 completions, 2 at a time, 15 m each: 2 cores for 30 m, then nothing, whatever the nodes.
  // 2 / 3.92 x 0.192 x 0.5 h = $0.0489796.
  auto job = run_text(scenario_doc("v1.14", "1h") + k_m5_pool_od + k_job_4x15m, "lower-bound");
  CHECK(report::usd_6(job.summary.cost) == 0.04898);
  CHECK(job.summary.pods_created == 4);
  CHECK(job.summary.node_hours == Approx(2.0 / 3.92 * 0.5).epsilon(1e-12));
  // A DaemonSet requesting a whole core per node changes nothing.
  auto with_ds = run_text(scenario_doc("v1.14", "1h") + k_m5_pool_od + k_job_4x15m + k_daemonset_1cpu, "lower-bound");
  CHECK(with_ds.summary.cost == job.summary.cost);
  CHECK(with_ds.summary.pods_created == 4);
}

TEST_CASE("lower bound: a scale-up and a delete are priced per interval", "[sim][lower-bound]") {
  // 2 pods x 1 CPU for 10 m, 10 pods for 20 m, then deleted; 1 h run.
  const std::string timeline =
      "  timeline:\n    - {at: 10m, scale: {kind: Deployment, name: web, replicas: 10}}\n"
      "    - {at: 30m, delete: {kind: Deployment, name: web}}\n";
  auto r = run_text(scenario_doc("v1.14", "1h", timeline) + k_m5_pool_od + deployment("web", 2, "1", "100Mi"),
                    "lower-bound");
  const double rate_per_core = 0.192 / 3.92;
  CHECK(report::usd_6(r.summary.cost) ==
        report::usd_6(Money::from_usd(rate_per_core * (2.0 * 10 / 60 + 10.0 * 20 / 60))));
}

TEST_CASE("lower bound: a spot-only NodePool is priced at its cheapest zone's spot price", "[sim][lower-bound]") {
  const std::string pool =
      node_pool_v1("spot",
                   "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.xlarge]}, "
                   "{key: karpenter.sh/capacity-type, operator: In, values: [spot]}]",
                   "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
  const std::string yaml = scenario_doc("v1.14", "1h") + pool + deployment("web", 10, "1", "100Mi");
  auto cols = columns_of(load_text(yaml));
  REQUIRE(cols.size() == 1);
  auto cat = catalog::Catalog::embedded();
  const Money a = *cat->spot_price("us-east-1", "us-east-1a", "m5.xlarge");
  const Money b = *cat->spot_price("us-east-1", "us-east-1b", "m5.xlarge");
  CHECK(cols[0].instance_type == "m5.xlarge");
  CHECK(cols[0].capacity_type == "spot");
  CHECK(cols[0].price == std::min(a, b));
  CHECK(cols[0].zone == (a <= b ? "us-east-1a" : "us-east-1b"));
  auto r = run_text(yaml, "lower-bound");
  CHECK(report::usd_6(r.summary.cost) == report::usd_6(Money::from_usd(std::min(a, b).usd() * 10 / 3.92)));
  CHECK(r.summary.spot_share == 1.0);
  // Allowing on-demand as well keeps the spot price (the cheapest allowed offering).
  const std::string both =
      node_pool_v1("both",
                   "[{key: node.kubernetes.io/instance-type, operator: In, values: [m5.xlarge]}, "
                   "{key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}]",
                   "{consolidationPolicy: WhenEmpty, consolidateAfter: 30s}");
  auto cols2 = columns_of(load_text(scenario_doc("v1.14", "1h") + both + deployment("web", 1, "1", "1Mi")));
  REQUIRE(cols2.size() == 1);
  CHECK(cols2[0].price == std::min(a, b));
}

TEST_CASE("lower bound: allowed types are the NodePools' and the node groups' (v1alpha5 defaults applied)",
          "[sim][lower-bound]") {
  spec::Scenario s = io::load_scenario(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/seed-nginx-scaleout.yaml",
                                       *catalog::Catalog::embedded());
  auto cols = columns_of(s);
  REQUIRE(cols.size() == 3);
  // The Provisioner's two types (AWSNodeTemplate AL2, on-demand in 2a/2c), then the node group's.
  CHECK(cols[0].instance_type == "c6i.4xlarge");
  CHECK(cols[0].source == "nodepool/default");
  CHECK(cols[0].capacity_type == "on-demand");
  CHECK(cols[0].price == Money::from_usd(0.768));
  CHECK(cols[1].instance_type == "c6i.8xlarge");
  CHECK(cols[2].instance_type == "m5.xlarge");
  CHECK(cols[2].source == "nodegroup/ng-1");
  // The AL2 allocatable of the node group's m5.xlarge (what the pre-existing nodes have).
  CHECK(cols[2].allocatable.pods() == 58);
}

TEST_CASE("lower bound: without NodePools or autoscaled node groups every priced type is allowed", "[sim][lower-bound]") {
  spec::Scenario s = load_text(scenario_doc("v1.14", "1h", "  autoscalers: [static]\n") + deployment("web", 1, "1", "1Gi"));
  auto cols = columns_of(s);
  CHECK(cols.size() > 500);
  CHECK(std::all_of(cols.begin(), cols.end(), [](const auto& c) { return c.capacity_type == "on-demand"; }));
  CHECK(std::all_of(cols.begin(), cols.end(), [](const auto& c) { return c.source == "region"; }));
  // Cheaper than (or equal to) the m5-only bound.
  auto wide = run_text(scenario_doc("v1.14", "1h", "  autoscalers: [static]\n") + deployment("web", 10, "1", "100Mi"),
                       "lower-bound");
  CHECK(wide.summary.cost <= Money::from_usd(0.192 * 10 / 3.92));
  CHECK(wide.summary.cost.nano_usd > 0);
}

TEST_CASE("lower bound: every other result gets its cost ratio; expectations skip the bound unless named",
          "[sim][lower-bound]") {
  const std::string extra =
      "  autoscalers: [karpenter, lower-bound]\n  expectations:\n"
      "    - {metric: nodesLaunched, atLeast: 1}\n"
      "    - {metric: costRatioToLowerBound, atLeast: 1}\n"
      "    - {autoscaler: lower-bound, metric: costUsd, atMost: 0.4898}\n";
  auto run = run_all(scenario_doc("v1.14", "1h", extra) + k_m5_pool_od + deployment("web", 10, "1", "100Mi"));
  REQUIRE(run.results.size() == 2);
  const auto& k = result_of(run, "karpenter");
  const auto& lb = result_of(run, "lower-bound");
  REQUIRE(k.summary.cost_ratio_to_lower_bound);
  CHECK(*k.summary.cost_ratio_to_lower_bound ==
        Approx(static_cast<double>(k.summary.cost.nano_usd) / static_cast<double>(lb.summary.cost.nano_usd)));
  CHECK(*k.summary.cost_ratio_to_lower_bound >= 1.0);
  CHECK_FALSE(lb.summary.cost_ratio_to_lower_bound);
  // Unnamed expectations: karpenter only; the named one: the bound.
  REQUIRE(run.expectations.size() == 3);
  CHECK(run.expectations[0].autoscaler == "karpenter");
  CHECK(run.expectations[1].autoscaler == "karpenter");
  CHECK(run.expectations[2].autoscaler == "lower-bound");
  for (const auto& e : run.expectations) CHECK(e.passed);
  // JSON: the ratio on karpenter's summary only.
  auto j = report::result_json(run);
  CHECK(j["results"][0]["summary"].contains("costRatioToLowerBound"));
  CHECK_FALSE(j["results"][1]["summary"].contains("costRatioToLowerBound"));
  CHECK(j["results"][1]["summary"]["costUsd"].get<double>() == 0.489796);
}

TEST_CASE("lower bound: compare adds static and the bound after the scenario's autoscalers", "[sim][lower-bound]") {
  spec::Scenario s = load_text(scenario_doc("v1.14", "1h") + k_m5_pool_od + deployment("web", 1, "1", "1Gi"));
  CHECK(sim::compare_autoscalers(s) == std::vector<std::string>{"karpenter", "static", "lower-bound"});
  s.autoscalers = {"lower-bound", "static"};
  CHECK(sim::compare_autoscalers(s) == std::vector<std::string>{"lower-bound", "static", "karpenter"});
}

TEST_CASE("lower bound: same inputs give the same bound", "[sim][lower-bound]") {
  const std::string yaml = scenario_doc("v1.14", "2h") + k_m5_pool_od + k_job_4x15m + deployment("web", 7, "700m", "3Gi");
  auto a = run_text(yaml, "lower-bound");
  auto b = run_text(yaml, "lower-bound");
  CHECK(a.summary.cost == b.summary.cost);
  CHECK(a.summary.node_hours == b.summary.node_hours);
  CHECK(a.log == b.log);
}
