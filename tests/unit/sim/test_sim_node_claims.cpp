// Initial Karpenter NodeClaims (spec.nodeClaims[]): initialized nodes of a NodePool at t = 0 with
// pods already bound, so consolidation and drift cases start from a given layout.
#include <catch2/catch.hpp>

#include <fstream>
#include <tuple>
#include <sstream>

#include "capsim/catalog/catalog.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/sim/simulation.hpp"
#include "support/scenario_runner.hpp"

using namespace capsim;

namespace {

const std::string k_file = CAPSIM_SOURCE_DIR "/tests/data/scenarios/nodeclaims/consolidate.yaml";

sim::AutoscalerResult run(const spec::Scenario& s, const std::string& autoscaler = "karpenter") {
  sim::SimOptions opts;
  opts.catalog = catalog::Catalog::embedded();
  opts.check_invariants = true;
  return sim::run_autoscaler(s, autoscaler, opts);
}

// The scenario file's text with `from` replaced by `to` (each pair in turn).
std::string with(const std::vector<std::pair<std::string, std::string>>& edits) {
  std::ifstream in(k_file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("initial NodeClaims: consolidation starts from the given layout", "[sim][nodeclaims]") {
  auto s = io::load_scenario(k_file, *catalog::Catalog::embedded());
  REQUIRE(s.node_claims.size() == 3);
  auto r = run(s);
  CHECK(r.launches.empty());
  CHECK(r.summary.peak_nodes == 3);
  // web's pods are bound at t = 0, so each node is Consolidatable after consolidateAfter (1m);
  // then the 15 s validation. The second m5.2xlarge goes at the next pass after the first is gone.
  REQUIRE(r.terminations.size() == 2);
  CHECK(r.terminations[0].at.ms == 75'000);
  CHECK(r.terminations[0].instance_type == "m5.2xlarge");
  CHECK(r.terminations[0].reason == "underutilized");
  CHECK(r.terminations[1].at.ms == 150'000);
  CHECK(r.terminations[1].instance_type == "m5.2xlarge");
  CHECK(r.summary.final_nodes == 1);
  CHECK(r.summary.pods_pending_at_end == 0);
  CHECK(r.summary.pod_pending_max_s == 0);  // every web pod was running from t = 0
  // The nodes carry their NodePool's labels, as a launch would give them.
  bool labelled = false;
  for (const auto& d : r.decisions)
    if (d.kind == "disrupt" && d.node_pool == "default") labelled = true;
  CHECK(labelled);
  // The static cluster keeps them all (nobody consolidates).
  auto st = run(s, "static");
  CHECK(st.terminations.empty());
  CHECK(st.summary.final_nodes == 3);
}

TEST_CASE("initial NodeClaims: errors", "[io][nodeclaims]") {
  auto cat = catalog::Catalog::embedded();
  auto error = [&](const std::string& text) {
    try {
      auto s = io::load_scenario_text(text, "x.yaml", *cat);
      run(s);
    } catch (const InputError& e) {
      REQUIRE(e.diagnostics().size() == 1);
      return e.diagnostics()[0].render();
    }
    return std::string("no error");
  };
  CHECK(error(with({{"nodePool: default, instanceType: m5.large", "nodePool: other, instanceType: m5.large"}})) ==
        "x.yaml:14:7: error: spec.nodeClaims[2].nodePool: no NodePool named \"other\" in the scenario");
  CHECK(error(with({{"age: 1h, pods: {web: 1}", "age: 1h, pods: {api: 1}"}})) ==
        "x.yaml:14:7: error: spec.nodeClaims[2].pods: no Deployment, StatefulSet, ReplicaSet, Job or Pod named \"api\" in "
        "the scenario");
  CHECK(error(with({{"age: 1h, pods: {web: 1}", "age: 1h, pods: {web: 2}"}})) ==
        "x.yaml:14:7: error: spec.nodeClaims[2].pods: binds 4 pods of \"web\", which has 3 replicas");
  CHECK(error(with({{"instanceType: m5.large, zone: us-east-1a", "instanceType: m5.large, zone: us-west-2a"}})) ==
        "x.yaml:14:57: error: spec.nodeClaims[2].zone: zone \"us-west-2a\" is not in region \"us-east-1\"");
  // Bound pods must fit (checked when the run binds them): 2 x 1.5 CPU on an m5.large.
  CHECK(error(with({{"cpu: 500m", "cpu: 1500m"},
                    {"zone: us-east-1b, age: 2h, pods: {web: 1}", "zone: us-east-1b, age: 2h, pods: {web: 0}"},
                    {"age: 1h, pods: {web: 1}", "age: 1h, pods: {web: 2}"}})) ==
        "x.yaml:14:7: error: spec.nodeClaims[2].pods: pod default/web-00002 cannot be bound to node "
        "ip-10-0-0-6.us-east-1.compute.internal (m5.large): Insufficient cpu");
}

TEST_CASE("initial NodeClaims expire under their NodePool's expireAfter, counted from their age", "[sim][nodeclaims]") {
  // core nodeclaim/expiration/controller.go: a NodeClaim is deleted once now >= creationTimestamp +
  // spec.expireAfter (forceful: no budget, no consolidateAfter). The m5.2xlarge (age 2h) are past
  // 80m at t = 0; the m5.large (age 1h) reaches it at 20m.
  auto s = io::load_scenario_text(
      with({{"      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}",
             "      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n      expireAfter: 80m"},
            {"consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: 1m",
             "consolidationPolicy: WhenEmpty, consolidateAfter: Never"}}),
      "x.yaml", *catalog::Catalog::embedded());
  auto r = run(s);
  std::vector<std::tuple<std::int64_t, std::string>> expired;
  for (const auto& t : r.terminations)
    if (t.reason == "expired") expired.emplace_back(t.at.ms, t.instance_type);
  REQUIRE(expired.size() >= 3);
  CHECK(std::get<0>(expired[0]) == 0);
  CHECK(std::get<1>(expired[0]) == "m5.2xlarge");
  CHECK(std::get<0>(expired[1]) == 0);
  CHECK(std::get<1>(expired[1]) == "m5.2xlarge");
  CHECK(std::get<0>(expired[2]) == 20 * 60'000);
  CHECK(std::get<1>(expired[2]) == "m5.large");
  // Nodes launched in the run expire 80m after their launch: after the end of this 30m run.
  CHECK(expired.size() == 3);
  CHECK(r.summary.pods_pending_at_end == 0);
}
